"""The pages of the inspections register (each area's views under ``views/``)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
