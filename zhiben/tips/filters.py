"""The tip queue's filters, declared once: ``GET /api/v1/tips`` and the handlers' queue page read this
FilterSet (DESIGN.md §5, §6). The scope is not a filter (the selector applies it first)."""

from __future__ import annotations

from zhiben.common.filters import ChoiceFilter, FilterSet, YesNoFilter
from zhiben.regions.filters import RegionFilter

from . import rules
from .models import Category, Tip, TipStatus


class TipFilterSet(FilterSet):
    region = RegionFilter(field_name="region_code")
    status = ChoiceFilter(label="状态", choices=TipStatus.choices)
    category = ChoiceFilter(label="类别", choices=Category.choices)
    overdue = YesNoFilter(
        label="超期", yes="已超期", no="未超期", q=rules.q_overdue, description="核查、答复或异议复核超过期限"
    )
    claim_expired = YesNoFilter(
        label="奖励超过领取期限",
        yes="已超过领取期限未发放",
        no="未超过",
        q=rules.q_claim_expired,
        description="已通知领取、尚未发放，且已超过领奖通知后60日的领取期限",
    )

    class Meta:
        model = Tip
        fields: list[str] = []
