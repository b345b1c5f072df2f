"""The accident list's filters, declared once: ``GET /api/v1/accidents`` and the accident list page read this
FilterSet (DESIGN.md §5, §6). The scope is not a filter (the selector applies it first)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from zhiben.common.filters import ChoiceFilter, CodeFilter, FilterSet, KeyFilter, YearFilter, YesNoFilter
from zhiben.reference.models import Sector
from zhiben.regions.filters import RegionExactFilter, RegionFilter, check_region_exact

from .models import Accident, Grade


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The Beijing calendar year as an aware half-open range (index-friendly, unlike ``__year``)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def _sectors() -> list[tuple[str, str]]:
    return list(Sector.objects.values_list("key", "name"))


class AccidentFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_region_exact(self)
        return cleaned


class AccidentFilterSet(FilterSet):
    region = RegionFilter()
    region_exact = RegionExactFilter(
        description="true：只含发生在 region 本级的事故，不含其下级区划（须同时给出 region）；false 或不给：含全部下级"
    )
    grade = ChoiceFilter(label="事故等级", choices=Grade.choices)
    year = YearFilter(label="年份", field_name="occurred_at", bounds=year_bounds, description="发生年份（北京时间）")
    sector = KeyFilter(label="行业领域", field_name="sector_id", options=_sectors)
    late_report = YesNoFilter(
        label="迟报",
        yes="迟报",
        no="按时报告",
        field_name="late_report",
        description="迟报（首报晚于发生时间1小时以上）",
    )
    enterprise = CodeFilter(label="统一社会信用代码", field_name="enterprise__credit_code", max_length=30)

    class Meta:
        model = Accident
        form = AccidentFilterForm
        fields: list[str] = []
