"""The ``order`` register (执法指令: 责令限期整改 · 现场处理措施, DESIGN.md §5): what the platform reads of orders
themselves — the re-inspection due day on the escalation ladder, the to-do items, the sweep's digests and the
menu entry. An order's documents and events are its inspection's (``orders_parts``, on the ``inspection``
register: ``GET /api/v1/inspections/{id}/documents/{kind}``, the inspection's event chain)."""

from __future__ import annotations

from django.apps import apps

from zhiben.accounts.models import Role
from zhiben.common import kit

from ..models import Order, OrderEscalation, OrderKind, OrderStatus
from ..selectors.orders import order_get, orders_awaiting_reinspection, orders_to_fulfil, penalties_to_propose
from .orders_parts import EVENTS

OFFICERS = frozenset({Role.ADMIN, Role.OFFICER})

# A rectification order still open climbs 临期提醒 · 提醒 · 函告 · 通报 · 约谈 by its re-inspection due day (the unit's
# own clock; the enterprise's is its findings' deadline, on the hazards' ladder). The rows (OrderEscalation) say
# where the order is through the order: its copied region code and its inspection's sector (joins over one
# sweep's rows), so that each officer's digest counts only what they see.
REINSPECTION = kit.DeadlineSource(
    key="order_reinspection",
    label="执法指令复查期限",
    subject="order",
    items=lambda: Order.objects.filter(kind=OrderKind.RECTIFY, status=OrderStatus.OPEN, reinspection_due__isnull=False),
    record=lambda: OrderEscalation,
    columns={"order_id": "id", "due": "reinspection_due"},
    subject_column="order_id",
    due_column="due",
    day_column="day",
    run_column="sweep_id",
    run_model=lambda: apps.get_model("hazards", "SweepRun"),
    digest_columns=("id", "order_id", "step", "due", "day", "sweep_id"),
    region_column="order__region_code",
    sector_column="order__inspection__sector_id",
)


def _enterprise(order: Order) -> str:
    return order.inspection.enterprise.name


TO_DO: tuple[kit.TodoSource, ...] = (
    kit.TodoSource(
        "order_reinspection",
        "待复查的责令限期整改",
        OFFICERS,
        lambda actor, today: orders_awaiting_reinspection(actor=actor),
        url="/inspections/{record.inspection_id}/orders/#order-{record.pk}",
        title=lambda o: f"复查：{_enterprise(o)}（整改期限 {o.deadline:%Y-%m-%d}）",
        due="reinspection_due",
        order=60,
    ),
    kit.TodoSource(
        "order_penalty_proposed",
        "复查不合格，拟作出行政处罚",
        OFFICERS,
        lambda actor, today: penalties_to_propose(actor=actor),
        url="/inspections/{record.inspection_id}/orders/#order-{record.pk}",
        title=lambda o: f"复查不合格，拟作出行政处罚：{_enterprise(o)}",
        due=lambda o: None,
        order_by=("-issued_on",),
        order=61,
    ),
    kit.TodoSource(
        "order_to_fulfil",
        "待履行的执法指令",
        frozenset({Role.ENTERPRISE}),
        lambda actor, today: orders_to_fulfil(actor=actor),
        url="/inspections/{record.inspection_id}/orders/#order-{record.pk}",
        title=lambda o: (
            f"{o.get_kind_display()}：{o.inspection.on:%Y-%m-%d} 检查发现的问题"
            + (f"，{o.deadline:%Y-%m-%d} 前整改完毕" if o.deadline else "")
        ),
        due="deadline",
        order=20,
    ),
)

NOTICES: tuple[kit.NotificationRule, ...] = (
    kit.NotificationRule(
        event=kit.OnDeadline("order_reinspection", (kit.DUE_SOON,)),
        roles=OFFICERS,
        title="{day} 执法指令复查期限临近：{counts}",
        body="以下{label}将在 {days} 日内到期，请按期复查：\n{lines}",
        link="/inspections/orders/",
    ),
    kit.NotificationRule(
        event=kit.OnDeadline("order_reinspection", kit.LADDER),
        roles=OFFICERS,
        title="{day} 执法指令逾期未复查：{counts}",
        body="以下责令限期整改已超过复查期限，请尽快复查：\n{lines}",
        link="/inspections/orders/?overdue=1",
    ),
)

ORDERS = kit.register(
    kit.Register(
        name="order",
        label="执法指令",
        path="orders",
        app_label="inspections",
        get_scoped=kit.scoped_get(lambda actor, key: order_get(actor=actor, order_id=key), "指令不存在"),
        # an order's events are written on its inspection's chain; the catalogue names them all the same
        events=kit.EventCatalogue(EVENTS),
        deadline_sources=(REINSPECTION,),
        todo=TO_DO,
        notification_rules=NOTICES,
        nav=kit.NavEntry(
            "执法指令", "inspection-order-list", frozenset({Role.ADMIN, Role.OFFICER, Role.ENTERPRISE}), order=72
        ),
    )
)
