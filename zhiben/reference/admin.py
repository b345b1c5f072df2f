from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from zhiben.audit.services import event_append
from zhiben.common.admin import ReadOnlyAdmin

from .models import CriteriaStandard, Criterion, Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    """Only the high-risk flag is a local decision (FACTS §5); it survives every reload of the data."""

    list_display = ("key", "name", "group", "high_risk", "position")
    list_editable = ("high_risk",)
    readonly_fields = ("key", "name", "group", "position")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Sector, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            event_append(
                actor=request.user,
                subject_type="sector",
                subject_id=obj.key,
                kind="updated",
                payload={"high_risk": obj.high_risk, "via": "admin"},
            )


class ReadOnlyCatalogue(ReadOnlyAdmin):
    """The catalogue is data files in the repository (reference/data/criteria): edit those, not rows."""


@admin.register(CriteriaStandard)
class CriteriaStandardAdmin(ReadOnlyCatalogue):
    list_display = ("key", "title", "number", "effective")


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyCatalogue):
    list_display = ("code", "standard", "article", "part", "text", "all_sectors", "withdrawn")
    list_filter = ("standard", "all_sectors", "withdrawn", "sectors")
    search_fields = ("code", "text", "article")
