"""The enforcement statistics' declarations on the register kit (DESIGN.md §5): the dashboard's card (执法检查,
``enforcement`` in ``GET /api/v1/stats/dashboard``), read from the tallies only, its button opening the statistics
page. The statistics register keeps no records of its own: its ``get_scoped`` answers the penalties the figures
are made of, as the actor may see them."""

from __future__ import annotations

from zhiben.common import kit

from ..selectors import penalties_visible
from ..selectors.stats import dashboard_figures

DASHBOARD = kit.Dashboard(
    key="enforcement",
    figures=dashboard_figures,
    heading="执法检查",
    note="{year}年以来；只检查不处罚的区划 {totals[zero_penalty_regions]} 个",
    link=kit.Link("执法统计", "inspection-stats"),
    tiles=(
        kit.Tile("totals.inspections", "监督检查", unit="次"),
        kit.Tile("totals.unannounced_share", "四不两直占比", format="rate"),
        kit.Tile("totals.major_findings", "发现重大事故隐患", unit="项"),
        kit.Tile("totals.penalties", "行政处罚", unit="件"),
        kit.Tile("totals.penalty_amount", "罚款金额", unit="元", format="amount"),
        kit.Tile("totals.zero_penalty_departments", "只检查不处罚的单位", tone="warn", unit="个"),
    ),
    order=75,
)

ENFORCEMENT_STATS = kit.register(
    kit.Register(
        name="enforcement",
        label="执法统计",
        path="enforcement",
        app_label="inspections",
        get_scoped=kit.scoped_get(lambda actor, key: penalties_visible(actor).filter(pk=key).first(), "行政处罚不存在"),
        events=kit.EventCatalogue(()),
        dashboard=(DASHBOARD,),
    )
)
