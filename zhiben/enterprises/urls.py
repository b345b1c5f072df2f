from django.urls import path

from . import views

urlpatterns = [
    path("", views.enterprise_list_view, name="enterprise-list"),
    path("new/", views.enterprise_create_view, name="enterprise-create"),
    path("<str:credit_code>/", views.enterprise_detail_view, name="enterprise-detail"),
    path("<str:credit_code>/edit/", views.enterprise_edit_view, name="enterprise-edit"),
]
