"""The pages of the inspections register (each area's views under ``views/``)."""

from django.urls import path

from .views import orders

urlpatterns: list = [
    # the orders area: the unit's orders, an inspection's orders (its block's forms post here), a re-inspection,
    # an order to print
    path("orders/", orders.order_list_view, name="inspection-order-list"),
    path("orders/<int:order_id>/reinspection/", orders.reinspection_view, name="inspection-reinspection"),
    path("orders/<int:order_id>/print/", orders.order_print_view, name="inspection-order-print"),
    path("<int:inspection_id>/orders/", orders.inspection_orders_view, name="inspection-orders"),
]
