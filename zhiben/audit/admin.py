from django.contrib import admin

from zhiben.common.admin import ReadOnlyAdmin

from .models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The log is append-only: readable here, never editable."""

    list_display = ("id", "at", "subject_type", "subject_id", "kind", "actor_name")
    list_filter = ("subject_type", "kind")
    search_fields = ("subject_id", "actor_name")
