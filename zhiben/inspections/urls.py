"""The pages of the inspections register (each area's views under ``views/``)."""

from django.urls import path

from .views import stats as stats_views

urlpatterns: list = [
    path("stats/", stats_views.stats_view, name="inspection-stats"),
]
