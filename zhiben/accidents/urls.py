from django.urls import path

from . import views

urlpatterns = [
    path("", views.accident_list_view, name="accident-list"),
    path("new/", views.accident_create_view, name="accident-create"),
    path("<int:accident_id>/", views.accident_detail_view, name="accident-detail"),
    path("<int:accident_id>/supplement/", views.accident_supplement_view, name="accident-supplement"),
    path("<int:accident_id>/<slug:action>/", views.accident_step_view, name="accident-step"),
]
