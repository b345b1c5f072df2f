"""The pages of dual prevention (双重预防, issue 15), under ``/risks/``: each area keeps its views (and, for the map,
posts and checks, its patterns) in its module under ``views/``."""

from django.urls import include, path

from .views import map as map_views
from .views import posts as posts_views
from .views import register
from .views.checks import checks_urls
from .views.interface import interface_urls

app_name = "risks"

urlpatterns: list = [
    # 风险分级管控清单: an enterprise's own register, or the enterprises in scope with their register grade
    path("", register.home_view, name="home"),
    path("enterprises/<str:credit_code>/", register.register_view, name="register"),
    path("", include(map_views.urlpatterns)),
    path("", include(posts_views.urlpatterns)),
    *checks_urls,
    *interface_urls,
]
