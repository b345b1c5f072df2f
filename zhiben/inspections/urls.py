"""The pages of the inspections register (each area's views under ``views/``)."""

from django.urls import path

from .views import penalties, plans, pools

urlpatterns: list = [
    path("penalties/", penalties.penalty_list_view, name="penalty-list"),
    path("penalties/<int:penalty_id>/", penalties.penalty_detail_view, name="penalty-detail"),
    path("plans/", plans.plan_list_view, name="inspection-plan-list"),
    path("plans/<int:plan_id>/", plans.plan_detail_view, name="inspection-plan-detail"),
    path("officers/", pools.officer_list_view, name="law-officer-list"),
    path("experts/", pools.expert_list_view, name="expert-list"),
]
