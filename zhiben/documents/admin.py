from django.contrib import admin

from zhiben.common.admin import ReadOnlyAdmin

from .models import IssuedDocument, NumberSequence


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    """Read-only: a document is issued by its first download (services.document_get), with an event."""

    list_display = ("number", "label", "register", "subject_id", "unit_name", "issued_on", "issued_by")
    list_filter = ("register", "kind", "year")
    search_fields = ("number", "subject_id", "unit_name")


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ("unit_key", "year", "prefix", "last")
    list_filter = ("year", "prefix")
