"""The region filter every list shares: a subtree by code prefix (ADR: GLOB/LIKE prefix for region subtrees)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from zhiben.common.filters import ALL, Described, YesNoField, YesNoSelect

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


class RegionExactFilter(Described, django_filters.Filter):
    """With ``region``: yes keeps only the rows registered at that region itself (本级), not at any region
    below it; no (or absent) leaves the subtree. ``region`` names the FilterSet's :class:`RegionFilter`; a
    yes without a region is refused (the FilterSet's form checks it: see :func:`check_region_exact`)."""

    field_class = YesNoField

    def __init__(self, *, region: str = "region", field_name: str = "region__code", **kwargs: Any) -> None:
        self.region = region
        kwargs.setdefault("label", "仅本级")
        kwargs.setdefault("widget", YesNoSelect(choices=[("", ALL), ("1", "仅本级"), ("0", "含下级")]))
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        code = self.parent.form.cleaned_data.get(self.region) if value else None
        if not code:
            return qs
        return qs.filter(**{self.field_name: code})


def check_region_exact(form: forms.Form, *, exact: str = "region_exact", region: str = "region") -> None:
    """A form's check that ``exact`` is asked together with a region (call from the form's ``clean``)."""
    data = getattr(form, "cleaned_data", {})
    if data.get(exact) and not data.get(region) and region not in form.errors:  # a bad region is said already
        form.add_error(exact, "需同时指定区划（region）")
