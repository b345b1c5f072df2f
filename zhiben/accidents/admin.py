from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhiben.common.admin import ReadOnlyAdmin

from .models import Accident, AccidentRelay, AccidentSupplement


class SupplementInline(admin.TabularInline):
    model = AccidentSupplement
    extra = 0
    can_delete = False
    fields = (
        "reported_on",
        "counted",
        "deaths",
        "missing",
        "serious_injuries",
        "direct_loss",
        "grade_before",
        "grade_after",
        "note",
        "reason",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RelayInline(admin.TabularInline):
    model = AccidentRelay
    extra = 0
    can_delete = False
    fields = ("level", "reported_at", "reported_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Accident)
class AccidentAdmin(ReadOnlyAdmin):
    """Read-only: accidents and their supplementary reports go through the services, so they are logged."""

    list_display = ("id", "occurred_at", "region", "sector", "enterprise", "deaths", "serious_injuries", "grade")
    list_filter = ("grade", "verified_grade", "type", "late_report", "sector")
    search_fields = ("description", "enterprise__name", "enterprise__credit_code")
    date_hierarchy = "occurred_at"
    raw_id_fields = ("enterprise",)
    inlines = (SupplementInline, RelayInline)


@admin.register(AccidentSupplement)
class AccidentSupplementAdmin(ReadOnlyAdmin):
    list_display = ("id", "accident", "reported_on", "deaths", "serious_injuries", "direct_loss", "grade_after")
