"""The dual-prevention pages, under ``/risks/`` (each area keeps its patterns in its views module)."""

from django.urls import include, path

from .views import map as map_views
from .views import posts as posts_views

app_name = "risks"

urlpatterns: list = [
    path("", include(map_views.urlpatterns)),
    path("", include(posts_views.urlpatterns)),
]
