"""The plan and task registers' declarations (DESIGN.md §5): what the platform engines read of them."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Value

from zhiben.accounts.models import Role
from zhiben.common import kit

from .events import PLAN_CATALOGUE, TASK_CATALOGUE
from .models import LIFECYCLE, OPEN_STATUSES, Task, TaskEscalation, TaskStatus, TaskUnit
from .selectors import (
    is_committee_office_over,
    late_q,
    plan_get,
    task_get,
    task_list,
    task_stats,
    unit_filter,
    unit_task_figures,
)

REGULATORS = frozenset({Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER})

get_plan = kit.scoped_get(lambda actor, key: plan_get(actor=actor, plan_id=key), "方案不存在")
get_task = kit.scoped_get(lambda actor, key: task_get(actor=actor, task_id=key), "任务不存在")


def _deadline(key: str, label: str, due: str) -> kit.DeadlineSource:
    """Open tasks by the day at ``due``: the deadline (``due_on``) or the owed progress report (``report_due``)."""
    return kit.DeadlineSource(
        key=key,
        label=label,
        subject="task",
        items=lambda: Task.objects.filter(status__in=OPEN_STATUSES, **{f"{due}__isnull": False}).annotate(
            escalation_source=Value(key)
        ),
        record=lambda: TaskEscalation,
        columns={"task_id": "id", "source": "escalation_source", "due": due, "region_code": "region_id"},
        subject_column="task_id",
        due_column="due",
        day_column="day",
        digest_columns=("id", "task_id", "source", "step", "due", "day"),
        region_column="region_code",
    )


DEADLINES = (
    _deadline("task_due", "重点任务完成期限", "due_on"),
    _deadline("task_report", "重点任务进展报送期限", "report_due"),
)


def _notices(source: str, what: str) -> tuple[kit.NotificationRule, ...]:
    """The sweep's digests of one source to the officers whose region holds the task."""
    return (
        kit.NotificationRule(
            event=kit.OnDeadline(source, (kit.DUE_SOON,)),
            roles=REGULATORS,
            title="{day} 重点任务" + what + "临近：{counts}",
            body="以下{label}将在 {days} 日内到期，请按期完成：\n{lines}",
            link="/plans/board/?overdue=false",
        ),
        kit.NotificationRule(
            event=kit.OnDeadline(source, kit.LADDER),
            roles=REGULATORS,
            title="{day} 重点任务" + what + "超期：{counts}",
            body="以下重点任务已超过{label}，请督促责任单位尽快办理：\n{lines}",
            link="/plans/board/?overdue=true",
        ),
    )


NOTICES = (*_notices("task_due", "完成期限"), *_notices("task_report", "进展报送期限"))


def _own(actor: Any) -> QuerySet[Task]:
    """Tasks in ``actor``'s scope for whose unit ``actor`` acts (a line department's officer: its own tasks only)."""
    units = unit_filter(actor, acting=True)
    if units is None:
        return Task.objects.none()
    return task_list(actor=actor).filter(Exists(TaskUnit.objects.filter(units, task_id=OuterRef("pk"))))


def _to_report(actor: Any, today: datetime.date) -> QuerySet[Task]:
    return _own(actor).filter(status__in=OPEN_STATUSES).exclude(late_q(today))


def _to_accept(actor: Any, today: datetime.date) -> QuerySet[Task]:
    qs = task_list(actor=actor).filter(status=TaskStatus.DONE)
    if actor.role == Role.ADMIN:
        return qs
    office = actor.department if actor.department_id else None
    if office is None or not is_committee_office_over(actor, office.region_id):
        return Task.objects.none()
    return qs.filter(region__code__prefix=office.region_id)


def _late(actor: Any, today: datetime.date) -> QuerySet[Task]:
    office = actor.department if getattr(actor, "department_id", None) else None
    if actor.role == Role.ADMIN:
        return task_list(actor=actor).filter(late_q(today))
    if office is not None and is_committee_office_over(actor, office.region_id):
        return task_list(actor=actor).filter(late_q(today), region__code__prefix=office.region_id)
    return _own(actor).filter(late_q(today))


def _title(task: Task) -> str:
    return f"{task.plan.title}：{task.title}"


def _next_due(task: Task) -> Any:
    return task.next_due


WAITING = (
    kit.TodoSource(
        "task_overdue",
        "逾期的重点任务",
        REGULATORS,
        _late,
        url="/plans/tasks/{record.pk}/",
        title=_title,
        due=_next_due,
        order_by=("due_on", "report_due"),
        order=78,
    ),
    kit.TodoSource(
        "task_report",
        "待报送进展的任务",
        REGULATORS,
        _to_report,
        url="/plans/tasks/{record.pk}/",
        title=_title,
        due=_next_due,
        order_by=("due_on", "report_due"),
        order=80,
    ),
    kit.TodoSource(
        "task_accept",
        "待验收的任务",
        REGULATORS,
        _to_accept,
        url="/plans/tasks/{record.pk}/",
        title=_title,
        due="done_on",
        order=82,
    ),
)


def dashboard_figures(actor: Any, region: Any) -> dict[str, Any]:
    """The plan tasks the actor may see in the dashboard's region (all of theirs without one): totals, by plan, by
    lead unit and by child region (plans.selectors.task_stats). ``region``: the dashboard's Region or None."""
    # the units shown are the region's own (the whole country's thousands of units are no card); none nationally
    code = region.code if region is not None else None
    return task_stats(actor=actor, region=code, units_of=code)


# The dashboard's task card (``tasks`` in GET /api/v1/stats/dashboard): 挂图作战 at a glance. Its tiles carry no
# link (every linked dashboard number opens the list that counts it; the board is the card's button).
DASHBOARD = kit.Dashboard(
    key="tasks",
    figures=dashboard_figures,
    heading="方案重点任务",
    note="按牵头单位和下级区划",
    link=kit.Link("挂图作战", "plan-board"),
    tiles=(
        kit.Tile("totals.total", "重点任务", unit="项"),
        kit.Tile("totals.completion_rate", "完成率", format="rate"),
        kit.Tile("totals.accepted", "已销号", unit="项"),
        kit.Tile("totals.overdue", "逾期未完成", tone="danger", unit="项"),
        kit.Tile("totals.report_missing", "进展逾期未报", tone="warn", unit="项"),
    ),
    template="plans/_dashboard.html",
    order=70,
)

PLAN_REGISTER = kit.register(
    kit.Register(
        name="plan",
        label="方案",
        path="plans",
        app_label="plans",
        get_scoped=get_plan,
        events=PLAN_CATALOGUE,
        nav=kit.NavEntry("方案任务", "plan-list", REGULATORS, order=65),
        dashboard=(DASHBOARD,),
        # the ranking of member units reads the tasks each leads (analytics.department_ranking)
        extra={"unit_task_figures": unit_task_figures},
    )
)

TASK_REGISTER = kit.register(
    kit.Register(
        name="task",
        label="重点任务",
        path="tasks",
        app_label="plans",
        get_scoped=get_task,
        events=TASK_CATALOGUE,
        lifecycle=LIFECYCLE,
        deadline_sources=DEADLINES,
        notification_rules=NOTICES,
        todo=WAITING,
    )
)
