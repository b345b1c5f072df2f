from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The log is append-only: readable here, never editable."""

    list_display = ("id", "at", "subject_type", "subject_id", "kind", "actor_name")
    list_filter = ("subject_type", "kind")
    search_fields = ("subject_id", "actor_name")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
