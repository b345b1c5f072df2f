"""The hazard list's filters, declared once: ``GET /api/v1/hazards`` and its export, the hazard list page and
its Excel export all read this FilterSet (DESIGN.md §5, §6). Derived filters use the SQL rules of
``rules.py``; the scope is not a filter (the selector applies it first)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from zhiben.common.filters import (
    ChoiceFilter,
    CodeFilter,
    FilterSet,
    KeyFilter,
    SearchFilter,
    YearFilter,
    YesNoFilter,
)
from zhiben.reference.models import Sector
from zhiben.regions.filters import RegionExactFilter, RegionFilter, check_region_exact

from . import rules
from .models import Hazard, Level, Source, Status


def _sectors() -> list[tuple[str, str]]:
    return list(Sector.objects.values_list("key", "name"))


class HazardFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_region_exact(self)
        return cleaned


def _status(value: str) -> Q:
    # "active" is the figures' "open": neither closed nor cancelled; "counted" their "total": not cancelled
    if value == "active":
        return rules.q_active()
    if value == "counted":
        return ~Q(status=Status.CANCELLED)
    return Q(status=value)


class HazardFilterSet(FilterSet):
    region = RegionFilter()
    region_exact = RegionExactFilter(
        description="true：只含登记在 region 本级的隐患，不含其下级区划（须同时给出 region）；false 或不给：含全部下级"
    )
    level = ChoiceFilter(label="级别", choices=Level.choices)
    status = ChoiceFilter(
        label="状态",
        choices=[("active", "未销号（全部在办）"), ("counted", "未撤销（计入统计）"), *Status.choices],
        q=_status,
        description="active：未销号且未撤销（统计中的 open）；counted：未撤销（统计中的 total）",
    )
    source = ChoiceFilter(label="来源", choices=Source.choices)
    year = YearFilter(label="发现年份", field_name="discovered_on", description="发现日期（discovered_on）所在的年份")
    cohort = ChoiceFilter(
        label="存量/增量", choices=[(rules.STOCK, "存量"), (rules.INCREMENT, "增量")], q=rules.q_cohort
    )
    overdue = YesNoFilter(label="逾期", yes="已逾期", no="未逾期", q=rules.q_overdue)
    listed = YesNoFilter(
        label="挂牌督办", yes="已挂牌", no="未挂牌", q=rules.q_listed, description="挂牌督办中（未摘牌）"
    )
    review_overdue = YesNoFilter(
        label="审核超期",
        yes="审核已超期",
        no="未超期",
        q=rules.q_review_overdue,
        description="待审核销号且超过审核时限（挂牌督办的 ZHIBEN_REVIEW_DAYS_LISTED 天，其他 ZHIBEN_REVIEW_DAYS 天）",
    )
    extension_overdue = YesNoFilter(
        label="延期审批超期",
        yes="延期审批已超期",
        no="否",
        q=rules.q_extension_overdue,
        description="延期申请待审批，已过申请日后 ZHIBEN_EXTENSION_DECISION_WORKING_DAYS 个工作日的审批期限",
    )
    without_plan = YesNoFilter(
        label="未制定方案",
        yes="逾期未制定方案",
        no="否",
        q=rules.q_without_plan,
        description="重大隐患发现后超过 ZHIBEN_PLAN_DAYS 天仍未制定整改方案（无整改期限或方案）",
    )
    report_late = YesNoFilter(
        label="报告迟报",
        yes="迟报",
        no="否",
        q=rules.q_report_late,
        description="重大隐患晚于报告期限才登记或报告监管部门（电力：发现后 3 个工作日，发改委令第41号 第十八条）",
    )
    self_check_missed = YesNoFilter(
        label="自查未发现",
        q=rules.q_self_check_missed,
        description="检查或举报发现的重大隐患（有问题查不出）",
    )
    sector = KeyFilter(label="行业领域", field_name="sector_id", options=_sectors)
    enterprise = CodeFilter(label="统一社会信用代码", field_name="enterprise__credit_code", max_length=30)
    q = SearchFilter(
        label="搜索",
        fields=("title", "location"),
        keyed=("enterprise__name_key",),
        description="隐患名称、企业名称（全角半角、空格、括号、间隔号、连接号不论）、部位",
    )

    class Meta:
        model = Hazard
        form = HazardFilterForm
        fields: list[str] = []
