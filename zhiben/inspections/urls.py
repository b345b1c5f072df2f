"""The pages of the inspections register (each area's views under ``views/``)."""

from django.urls import path

from .views import draws

urlpatterns: list = [
    # 双随机 draws: the officers' pages, then the public ones (no account)
    path("draws/", draws.draw_list_view, name="draw-list"),
    path("draws/<int:draw_id>/", draws.draw_detail_view, name="draw-detail"),
    path("draws/<int:draw_id>/draw.json", draws.draw_json_view, name="draw-json"),
    path("draws/public/", draws.public_list_view, name="draw-public"),
    path("draws/public/<int:draw_id>/", draws.public_detail_view, name="draw-public-detail"),
    path("draws/public/<int:draw_id>/draw.json", draws.public_json_view, name="draw-public-json"),
]
