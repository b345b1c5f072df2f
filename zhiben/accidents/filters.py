"""The accident list's filters, declared once: ``GET /api/v1/accidents`` and the accident list page read this
FilterSet (DESIGN.md §5, §6). The scope is not a filter (the selector applies it first)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from zhiben.common.filters import ChoiceFilter, CodeFilter, FilterSet, KeyFilter, YearFilter, YesNoFilter
from zhiben.reference.models import Sector
from zhiben.regions.filters import RegionExactFilter, RegionFilter, check_region_exact

from . import rules
from .models import Accident, AccidentType, Grade


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The Beijing calendar year as an aware half-open range (index-friendly, unlike ``__year``)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def _sectors() -> list[tuple[str, str]]:
    return list(Sector.objects.values_list("key", "name"))


def _statistical_grade(value: str) -> Q:
    """The grade statistics count: the 核定 grade when set, else the reported one."""
    return Q(verified_grade=value) | Q(verified_grade="", grade=value)


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
    grade = ChoiceFilter(
        label="事故等级",
        choices=Grade.choices,
        q=_statistical_grade,
        description="事故等级：调查核定后按核定等级，未核定按报告等级（与统计一致）",
    )
    type = ChoiceFilter(label="事故类别", choices=AccidentType.choices)
    year = YearFilter(label="年份", field_name="occurred_at", bounds=year_bounds, description="发生年份（北京时间）")
    sector = KeyFilter(label="行业领域", field_name="sector_id", options=_sectors)
    late_report = YesNoFilter(
        label="迟报",
        yes="迟报",
        no="按时报告",
        field_name="late_report",
        description="迟报（首报晚于发生时间1小时以上）",
    )
    investigation_overdue = YesNoFilter(
        label="调查超期",
        yes="调查报告超期",
        no="未超期",
        q=rules.q_investigation_overdue,
        description="调查报告未提交且已过提交期限（事故发生之日起60日，延长的按延长后，第二十九条）",
    )
    reply_overdue = YesNoFilter(
        label="批复超期",
        yes="批复超期",
        no="未超期",
        q=rules.q_reply_overdue,
        description="调查报告已提交、未批复且已过批复期限（15日，特别重大30日，第三十二条）",
    )
    enterprise = CodeFilter(label="统一社会信用代码", field_name="enterprise__credit_code", max_length=30)

    class Meta:
        model = Accident
        form = AccidentFilterForm
        fields: list[str] = []
