"""The draw register's declaration (DESIGN.md §5): its events, lifecycle and menu entry.

A draw is made once (``drawn``), then published (``published``: it appears on the public page) or discarded with
a reason (``discarded``: it stays public as 已作废). Nothing else changes a draw: a redraw is a new draw with the
next number, and the old one shows."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zhiben.accounts.models import Role
from zhiben.common import kit
from zhiben.departments.kinds import DepartmentKind

from ..models import Draw, DrawStatus
from ..selectors.draws import draw_get, draws_visible

DRAWERS = frozenset({Role.ADMIN, Role.OFFICER})

DRAW_EVENTS = kit.EventCatalogue(
    (
        kit.EventKind(
            "drawn",
            "双随机抽取",
            fields=(
                ("number", "编号"),
                ("title", "抽查事项"),
                ("enterprises", "抽取企业数"),
                ("inspectors", "每组执法人员数"),
                ("pool_enterprises", "企业名录库数"),
                ("pool_inspectors", "执法人员名录库数"),
                ("seed", "随机种子"),
                ("algorithm", "算法"),
                ("algorithm_version", "算法版本"),
                ("pool_digest", "名录库摘要"),
                ("picks_digest", "抽取结果摘要"),
            ),
        ),
        kit.EventKind("published", "公告抽查结果", fields=(("published_on", "公告日期"),)),
        kit.EventKind("discarded", "作废", fields=(("reason", "作废原因"), ("was", "作废前状态"))),
    )
)

DRAW_LIFECYCLE = kit.Lifecycle(
    transitions=(
        kit.Transition("publish", DrawStatus.DRAWN, DrawStatus.PUBLISHED, "published", DRAWERS),
        kit.Transition("discard", DrawStatus.DRAWN, DrawStatus.DISCARDED, "discarded", DRAWERS),
        kit.Transition("discard", DrawStatus.PUBLISHED, DrawStatus.DISCARDED, "discarded", DRAWERS),
    ),
    status_labels=dict(DrawStatus.choices),
    action_labels={"publish": "公告", "discard": "作废"},
    refusals={"publish": "只有刚抽取、未公告也未作废的抽查可以公告", "discard": "该抽查已作废"},
)


def _to_publish(actor: Any, today: Any) -> QuerySet[Draw]:
    """Draws made and neither published nor discarded, for those who may publish them: an admin; the unit's
    officers; its committee office (of its region or above). Pools left unread."""
    qs = draws_visible(actor).filter(status=DrawStatus.DRAWN).defer("pool_enterprises", "pool_inspectors")
    if actor.role == Role.ADMIN:
        return qs
    unit = actor.department if actor.department_id else None
    if actor.role != Role.OFFICER or unit is None:
        return qs.none()
    if unit.kind == DepartmentKind.COMMITTEE_OFFICE:
        return qs.filter(Q(department_id=unit.pk) | Q(department__region__code__prefix=unit.region_id))
    return qs.filter(department_id=unit.pk)


WAITING = (
    kit.TodoSource(
        "draw_publish",
        "待公告的双随机抽查",
        DRAWERS,
        _to_publish,
        url="/inspections/draws/{record.pk}/",
        order_by=("drawn_at",),
        order=86,
    ),
)

get_draw = kit.scoped_get(lambda actor, key: draw_get(actor=actor, draw_id=key), "抽查不存在")

DRAW_REGISTER = kit.register(
    kit.Register(
        name="draw",
        label="双随机抽查",
        path="draws",
        app_label="inspections",
        get_scoped=get_draw,
        events=DRAW_EVENTS,
        lifecycle=DRAW_LIFECYCLE,
        nav=kit.NavEntry("双随机抽查", "draw-list", DRAWERS, order=67),
        todo=WAITING,
    )
)
