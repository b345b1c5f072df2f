"""Yearly inspection plans (年度监督检查计划) on the register kit: the event catalogue of a plan."""

from __future__ import annotations

from zhiben.common import kit

from ..selectors.plans import plan_get

PLAN_EVENTS = kit.EventCatalogue(
    (
        kit.EventKind(
            "created",
            "制定年度监督检查计划",
            (
                ("title", "计划名称"),
                ("department", "执法单位"),
                ("year", "年度"),
                ("enterprises", "检查对象（家）"),
                ("planned", "计划检查（次）"),
                ("frequencies", "分类检查频次"),
                ("random_draws", "双随机抽查次数"),
                ("random_ratio", "双随机抽查比例（%）"),
            ),
        ),
    )
)

PLAN_REGISTER = kit.register(
    kit.Register(
        name="inspection_plan",
        label="年度监督检查计划",
        path="inspection-plans",
        app_label="inspections",
        get_scoped=kit.scoped_get(lambda actor, key: plan_get(actor=actor, plan_id=key), "检查计划不存在"),
        events=PLAN_EVENTS,
    )
)
