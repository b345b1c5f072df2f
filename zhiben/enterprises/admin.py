from django.contrib import admin

from zhiben.common.admin import ReadOnlyAdmin

from .models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    """Read-only in the admin: register changes go through the pages or API, so they are logged."""

    list_display = ("credit_code", "name", "region", "sector", "risk_level", "supervision_class", "status")
    list_filter = ("sector", "risk_level", "supervision_class", "status", "high_risk")
    search_fields = ("credit_code", "name")
