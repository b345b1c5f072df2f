from django.contrib import admin

from zhiben.common.admin import ReadOnlyAdmin

from .models import Attachment, Hazard


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    """Read-only: every change to a hazard goes through the services, so it is in the timeline."""

    list_display = ("id", "title", "enterprise", "level", "source", "status", "discovered_on", "deadline")
    list_filter = ("level", "source", "status", "supervision_level")
    search_fields = ("title", "enterprise__name", "enterprise__credit_code")
    raw_id_fields = ("enterprise",)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("id", "hazard", "original_name", "content_type", "size", "uploaded_at")
