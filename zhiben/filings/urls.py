from django.urls import path

from . import views

urlpatterns = [
    path("", views.filing_list_view, name="filing-list"),
]
