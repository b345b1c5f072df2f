"""The dual-prevention pages, under ``/risks/``: each area keeps its paths in its views module."""

from __future__ import annotations

from .views.interface import interface_urls

urlpatterns = [*interface_urls]
