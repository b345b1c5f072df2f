from django.urls import path

from . import views

lists = [
    path("", views.duty_list_view, name="duty-list"),
    path("<int:list_id>/", views.duty_detail_view, name="duty-detail"),
]
pressures = [
    path("", views.pressure_list_view, name="pressure-list"),
    path("<int:pressure_id>/", views.pressure_detail_view, name="pressure-detail"),
]
