"""The pages of the inspections register (each area's views under ``views/``)."""

from django.urls import path

from .views import inspections

urlpatterns: list = [
    path("", inspections.inspection_list_view, name="inspection-list"),
    path("new/", inspections.inspection_create_view, name="inspection-create"),
    path("offline.js", inspections.offline_worker_view, name="inspection-offline-worker"),
    path("<int:inspection_id>/", inspections.inspection_detail_view, name="inspection-detail"),
    path("<int:inspection_id>/items/", inspections.inspection_items_view, name="inspection-items"),
    path("<int:inspection_id>/findings/", inspections.inspection_findings_view, name="inspection-findings"),
    path("<int:inspection_id>/photos/<int:photo_id>/", inspections.inspection_photo_view, name="inspection-photo"),
]
