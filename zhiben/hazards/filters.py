"""The hazard list's filters, declared once: ``GET /api/v1/hazards`` and its export, the hazard list page and
its Excel export all read this FilterSet (DESIGN.md §5, §6). Derived filters use the SQL rules of
``rules.py``; the scope is not a filter (the selector applies it first)."""

from __future__ import annotations

from django.db.models import Q

from zhiben.common.filters import ChoiceFilter, CodeFilter, FilterSet, KeyFilter, SearchFilter, YesNoFilter
from zhiben.reference.models import Sector
from zhiben.regions.filters import RegionFilter

from . import rules
from .models import Hazard, Level, Source, Status


def _sectors() -> list[tuple[str, str]]:
    return list(Sector.objects.values_list("key", "name"))


def _status(value: str) -> Q:
    # "active" is the figures' "open": neither closed nor cancelled
    return rules.q_active() if value == "active" else Q(status=value)


class HazardFilterSet(FilterSet):
    region = RegionFilter()
    level = ChoiceFilter(label="级别", choices=Level.choices)
    status = ChoiceFilter(
        label="状态",
        choices=[("active", "未销号（全部在办）"), *Status.choices],
        q=_status,
        description="active：未销号且未撤销（统计中的 open）",
    )
    source = ChoiceFilter(label="来源", choices=Source.choices)
    cohort = ChoiceFilter(
        label="存量/增量", choices=[(rules.STOCK, "存量"), (rules.INCREMENT, "增量")], q=rules.q_cohort
    )
    overdue = YesNoFilter(label="逾期", yes="已逾期", no="未逾期", q=rules.q_overdue)
    listed = YesNoFilter(label="挂牌督办", yes="已挂牌", no="未挂牌", q=lambda: ~Q(supervision_level=""))
    self_check_missed = YesNoFilter(
        label="自查未发现",
        q=rules.q_self_check_missed,
        description="检查或举报发现的重大隐患（有问题查不出）",
    )
    sector = KeyFilter(label="行业领域", field_name="sector_id", options=_sectors)
    enterprise = CodeFilter(label="统一社会信用代码", field_name="enterprise__credit_code", max_length=30)
    q = SearchFilter(label="搜索", fields=("title", "enterprise__name", "location"), description="隐患名称、企业、部位")

    class Meta:
        model = Hazard
        fields: list[str] = []
