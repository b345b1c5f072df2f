"""The web layer's pages: home, the dashboard (一屏观全域) and the ranking (晾晒)."""

from django.urls import path

from . import dashboards, views

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("todo/", views.todo, name="todo"),
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("dashboard/ranking/", dashboards.ranking_view, name="ranking"),
]
