from django.contrib import admin

from .models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    """Read-only in the admin: register changes go through the pages or API, so they are logged."""

    list_display = ("credit_code", "name", "region", "sector", "risk_level", "supervision_class", "status")
    list_filter = ("sector", "risk_level", "supervision_class", "status", "high_risk")
    search_fields = ("credit_code", "name")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
