"""The enterprise list's filters, declared once: ``GET /api/v1/enterprises`` and its export, the register's
list page and its Excel export all read this FilterSet (DESIGN.md §5, §6). The scope is not a filter (the
selector applies it first)."""

from __future__ import annotations

from zhiben.common.filters import ChoiceFilter, FilterSet, KeyFilter, SearchFilter, YesNoFilter
from zhiben.reference.models import Sector
from zhiben.regions.filters import RegionFilter

from .models import Enterprise, OperatingStatus, RiskLevel, StandardisationGrade, SupervisionClass


def _sectors() -> list[tuple[str, str]]:
    return list(Sector.objects.values_list("key", "name"))


class EnterpriseFilterSet(FilterSet):
    region = RegionFilter()
    sector = KeyFilter(label="行业领域", field_name="sector_id", options=_sectors)
    risk_level = ChoiceFilter(label="风险等级", choices=RiskLevel.choices)
    supervision_class = ChoiceFilter(label="监管分类", choices=SupervisionClass.choices)
    standardisation_grade = ChoiceFilter(label="标准化等级", choices=StandardisationGrade.choices)
    high_risk = YesNoFilter(label="高危行业", field_name="high_risk")
    insured = YesNoFilter(label="安责险", yes="已投保", no="未投保", field_name="insured")
    status = ChoiceFilter(label="经营状态", choices=OperatingStatus.choices)
    q = SearchFilter(
        label="搜索",
        fields=("address",),
        keyed=("name_key",),
        codes=("credit_code",),
        description="名称（全角半角、空格、括号、间隔号、连接号不论）、地址或统一社会信用代码（可只填前几位）",
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []
