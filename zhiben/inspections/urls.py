"""The pages of the inspections register (each area's views under ``views/``)."""

from django.urls import path

from .views import draws, inspections, orders, penalties, plans, pools
from .views import stats as stats_views

urlpatterns: list = [
    # 双随机 draws: the officers' pages, then the public ones (no account)
    path("draws/", draws.draw_list_view, name="draw-list"),
    path("draws/<int:draw_id>/", draws.draw_detail_view, name="draw-detail"),
    path("draws/<int:draw_id>/draw.json", draws.draw_json_view, name="draw-json"),
    path("draws/public/", draws.public_list_view, name="draw-public"),
    path("draws/public/<int:draw_id>/", draws.public_detail_view, name="draw-public-detail"),
    path("draws/public/<int:draw_id>/draw.json", draws.public_json_view, name="draw-public-json"),
    # the inspection on site
    path("", inspections.inspection_list_view, name="inspection-list"),
    path("new/", inspections.inspection_create_view, name="inspection-create"),
    path("offline.js", inspections.offline_worker_view, name="inspection-offline-worker"),
    path("<int:inspection_id>/", inspections.inspection_detail_view, name="inspection-detail"),
    path("<int:inspection_id>/items/", inspections.inspection_items_view, name="inspection-items"),
    path("<int:inspection_id>/findings/", inspections.inspection_findings_view, name="inspection-findings"),
    path("<int:inspection_id>/photos/<int:photo_id>/", inspections.inspection_photo_view, name="inspection-photo"),
    # the orders area: the unit's orders, an inspection's orders (its block's forms post here), a re-inspection,
    # an order to print
    path("orders/", orders.order_list_view, name="inspection-order-list"),
    path("orders/<int:order_id>/reinspection/", orders.reinspection_view, name="inspection-reinspection"),
    path("orders/<int:order_id>/print/", orders.order_print_view, name="inspection-order-print"),
    path("<int:inspection_id>/orders/", orders.inspection_orders_view, name="inspection-orders"),
    # the enforcement statistics
    path("stats/", stats_views.stats_view, name="inspection-stats"),
    # penalties, yearly plans and the officer and expert pools
    path("penalties/", penalties.penalty_list_view, name="penalty-list"),
    path("penalties/<int:penalty_id>/", penalties.penalty_detail_view, name="penalty-detail"),
    path("plans/", plans.plan_list_view, name="inspection-plan-list"),
    path("plans/<int:plan_id>/", plans.plan_detail_view, name="inspection-plan-detail"),
    path("officers/", pools.officer_list_view, name="law-officer-list"),
    path("experts/", pools.expert_list_view, name="expert-list"),
]
