from django.urls import path

from . import views

urlpatterns = [
    path("", views.hazard_list_view, name="hazard-list"),
    path("new/", views.hazard_create_view, name="hazard-create"),
    path("listings/", views.public_listings_view, name="hazard-public-listings"),
    path("criteria-options/", views.criteria_options, name="hazard-criteria-options"),
    path("<int:hazard_id>/", views.hazard_detail_view, name="hazard-detail"),
    path("<int:hazard_id>/files/<int:attachment_id>/", views.evidence_view, name="hazard-evidence"),
    path("<int:hazard_id>/<slug:action>/", views.hazard_action_view, name="hazard-action"),
]
