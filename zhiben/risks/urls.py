"""The pages of dual prevention (双重预防, issue 15): each area's views under ``views/``."""

from django.urls import path

from .views import register

app_name = "risks"

urlpatterns: list = [
    # 风险分级管控清单: an enterprise's own register, or the enterprises in scope with their register grade
    path("", register.home_view, name="home"),
    path("enterprises/<str:credit_code>/", register.register_view, name="register"),
]
