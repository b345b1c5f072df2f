"""The region filter every list shares: a subtree by code prefix (ADR: GLOB/LIKE prefix for region subtrees)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from .codes import InvalidRegionCode, normalize_code


class RegionCodeFormField(forms.CharField):
    """A region code in any accepted form (short, padded 6-digit, 12-digit statistical), answered in short
    form; a malformed one is refused with the Chinese reason."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", forms.HiddenInput)  # the pages draw the cascading picker instead
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        raw = str(super().clean(value) or "").strip()
        if not raw:
            return ""
        try:
            return normalize_code(raw)
        except InvalidRegionCode as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class RegionFilter(django_filters.Filter):
    """The rows registered in the subtree of a region: ``<field_name>__prefix=<short code>``."""

    field_class = RegionCodeFormField

    description = "区划代码（含其全部下级；6位补零或12位统计代码亦可）"

    def __init__(self, *, field_name: str = "region__code", **kwargs: Any) -> None:
        kwargs.setdefault("label", "区划")
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__prefix": value})
