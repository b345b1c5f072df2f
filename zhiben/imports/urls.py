from django.urls import path

from . import views

urlpatterns = [
    path("", views.import_list, name="import-list"),
    path("templates/<str:kind>/", views.import_template, name="import-template"),
    path("<uuid:job_id>/", views.import_detail, name="import-detail"),
    path("<uuid:job_id>/confirm/", views.import_confirm_view, name="import-confirm"),
    path("<uuid:job_id>/errors/", views.import_errors, name="import-errors"),
]
