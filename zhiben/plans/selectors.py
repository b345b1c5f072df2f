"""Every read of plans and tasks, through the one scope (DESIGN.md §8).

Who sees what:

- a plan and all its tasks: officers (and tip handlers) of the plan's region and of the regions above it —
  ``zhiben.accounts.scope`` (an officer whose region code is a prefix of the plan's); admins everything;
- a task, and its plan's header: the officers of a unit of the task — of its member unit (``User.department``),
  of the lower region named as a unit, or of a region at the level a generic unit names (各区县政府,
  各乡镇（街道）) under the plan's region. Such an officer sees only those tasks of the plan;
- enterprise users, the public and everyone else: nothing (404, as for a missing record).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scope_filter
from zhiben.common import dates
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.departments.kinds import DepartmentKind
from zhiben.departments.models import Department
from zhiben.departments.selectors import COORDINATING_KINDS, ancestor_codes
from zhiben.regions.models import Region
from zhiben.regions.selectors import parse_region

from .models import (
    GENERIC_CODE_LENGTH,
    OPEN_STATUSES,
    Generic,
    Plan,
    Progress,
    ProgressFile,
    Task,
    TaskStatus,
    TaskUnit,
    UnitRole,
)

NOTHING = Q(pk__in=[])


def acts_for_region(actor: Any) -> bool:
    """Whether ``actor`` acts for their own region when a plan names the region as a unit (清溪场镇人民政府, 各区县
    政府): an officer of no member unit, or of a coordinating one (the committee office, the government, a township's
    安监站). An officer of a line department (住建局) acts only for tasks naming that department."""
    unit = actor.department if getattr(actor, "department_id", None) else None
    return unit is None or unit.kind in COORDINATING_KINDS


def unit_filter(actor: Any, *, acting: bool = False) -> Q | None:
    """The TaskUnit rows that are ``actor``'s unit: its member unit, its own region named as a unit, or a
    generic unit (各区县政府 / 各乡镇（街道）) of a plan above its region at its region's level. Every officer of a
    region sees the tasks naming it; with ``acting`` (the to-do, reporting, marking done) the region's units count
    only for those who act for it (:func:`acts_for_region`). None: the actor is no unit (not an active officer)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    if not actor.is_regulator or not actor.region_id:
        return None
    code = actor.region_id
    q = Q(department_id=actor.department_id) if actor.department_id else NOTHING
    if acting and not acts_for_region(actor):
        return q
    q |= Q(region_id=code)
    for level, length in GENERIC_CODE_LENGTH.items():
        if len(code) == length:
            q |= Q(generic=level, task__region_id__in=ancestor_codes(code)[1:])
    return q


def _tasks_scope(actor: Any) -> Q | None:
    """Tasks ``actor`` may see; None: all (admin)."""
    region = scope_filter(Task, actor)
    if region is None:
        return None
    units = unit_filter(actor)
    if units is None:
        return region
    return region | Q(Exists(TaskUnit.objects.filter(units, task_id=OuterRef("pk"))))


def _plans_scope(actor: Any) -> Q | None:
    region = scope_filter(Plan, actor)
    if region is None:
        return None
    units = unit_filter(actor)
    if units is None:
        return region
    return region | Q(Exists(TaskUnit.objects.filter(units, task__plan_id=OuterRef("pk"))))


def sees_whole_plan(actor: Any, plan: Plan) -> bool:
    """Whether ``actor`` sees every task of ``plan`` (its region or above, or admin), not only its own."""
    if actor.role == Role.ADMIN:
        return True
    return bool(actor.is_regulator and actor.region_id and plan.region_id.startswith(actor.region_id))


def plan_list(*, actor: User, region: str | None = None) -> QuerySet[Plan]:
    """Plans ``actor`` may see, newest first, optionally those of a ``region`` subtree, each annotated with
    ``task_count``."""
    qs = Plan.objects.select_related("region", "parent")
    q = _plans_scope(actor)
    if q is not None:
        qs = qs.filter(q)
    if region:
        qs = qs.filter(region__code__prefix=region)
    return qs


def plan_get(*, actor: User, plan_id: int) -> Plan | None:
    """One plan if ``actor`` may see it (missing and out of scope look the same)."""
    return plan_list(actor=actor).filter(pk=plan_id).first()


def plan_require(*, actor: User, plan_id: int) -> Plan:
    """As :func:`plan_get`; NotFound when absent."""
    found = plan_get(actor=actor, plan_id=plan_id)
    if found is None:
        raise NotFound("方案不存在")
    return found


def _units_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "units", queryset=TaskUnit.objects.select_related("department", "region").order_by("role", "position", "id")
    )


def task_list(
    *,
    actor: User,
    plan: int | None = None,
    unit: int | None = None,
    overdue: bool | None = None,
    status: str | None = None,
    region: str | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Task]:
    """Tasks ``actor`` may see, in plan order, with their units. Filters: ``plan`` (id), ``unit`` (a member
    unit's id: the tasks it leads or co-operates on), ``overdue`` (not done and past the deadline, or a
    periodic report past its due day — Beijing ``today``), ``status``, ``region`` (subtree of the plan's)."""
    qs = _tasks(actor, plan=plan, unit=unit, overdue=overdue, status=status, region=region, today=today)
    return qs.select_related("plan", "region").prefetch_related(_units_prefetch())


def _tasks(
    actor: User,
    *,
    plan: int | None,
    unit: int | None,
    overdue: bool | None,
    status: str | None,
    region: str | None,
    today: datetime.date | None,
) -> QuerySet[Task]:
    """:func:`task_list` without its related rows (the board reads columns only)."""
    qs = Task.objects.all()
    q = _tasks_scope(actor)
    if q is not None:
        qs = qs.filter(q)
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    if unit is not None:
        qs = qs.filter(Exists(TaskUnit.objects.filter(task_id=OuterRef("pk"), department_id=unit)))
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(region__code__prefix=region)
    if overdue is not None:
        late = late_q(today or dates.today())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs


def late_q(today: datetime.date) -> Q:
    """Tasks overdue on ``today``: open and past the deadline, or owing a periodic report past its due day."""
    return Q(status__in=OPEN_STATUSES) & (Q(due_on__lt=today) | Q(report_due__lt=today))


def task_get(*, actor: User, task_id: int) -> Task | None:
    """One task if ``actor`` may see it."""
    return task_list(actor=actor).filter(pk=task_id).first()


def task_require(*, actor: User, task_id: int) -> Task:
    """As :func:`task_get`; NotFound when absent."""
    found = task_get(actor=actor, task_id=task_id)
    if found is None:
        raise NotFound("任务不存在")
    return found


def actor_units(actor: User, task: Task) -> list[TaskUnit]:
    """The units of ``task`` that ``actor`` acts for (see :func:`unit_filter` with ``acting``), from the task's
    prefetched units."""
    if unit_filter(actor) is None:
        return []
    code = actor.region_id or ""
    for_region = acts_for_region(actor)
    found = []
    for u in task.units.all():
        if (
            (actor.department_id and u.department_id == actor.department_id)
            or (for_region and u.region_id and u.region_id == code)
            or (
                for_region
                and u.generic
                and len(code) == GENERIC_CODE_LENGTH.get(Generic(u.generic), 0)
                and code.startswith(task.region_id)
                and code != task.region_id
            )
        ):
            found.append(u)
    return found


def is_committee_office_over(actor: User, region_code: str) -> bool:
    """Whether ``actor`` is an officer of the committee office (安委会办公室) of ``region_code`` or above."""
    if not actor.is_regulator or not actor.department_id:
        return False
    office: Department | None = actor.department
    return (
        office is not None
        and office.kind == DepartmentKind.COMMITTEE_OFFICE
        and region_code.startswith(office.region_id)
    )


def progress_of(task: Task) -> QuerySet[Progress]:
    """The task's progress reports, newest first, with their files (read after :func:`task_require`)."""
    return task.progress.select_related("reported_by").prefetch_related("files").order_by("-reported_at", "-id")


def progress_file(*, task: Task, file_id: int) -> ProgressFile | None:
    """An attachment of one of ``task``'s progress reports (``task`` read through :func:`task_require`)."""
    return ProgressFile.objects.filter(pk=file_id, progress__task_id=task.pk).first()


def subtree(*, actor: User, region: str | None) -> str | None:
    """The region code asked for (None: none): FieldErrors naming ``region`` for a code that is not one or names
    no region; NotFound outside an officer's own subtree (an admin: any)."""
    if not region or not str(region).strip():
        return None
    code = parse_region(region)
    if not Region.objects.filter(code=code).exists():
        raise FieldErrors({"region": f"行政区划代码 {code} 不存在"})
    if actor.role != Role.ADMIN and not (actor.is_regulator and actor.region_id and code.startswith(actor.region_id)):
        raise NotFound("该区划不在您的管辖范围内")
    return code


# --- figures ------------------------------------------------------------------------------------------


def _figures(today: datetime.date, prefix: str = "") -> dict[str, Any]:
    p = prefix
    open_ = Q(**{f"{p}status__in": OPEN_STATUSES})
    return {
        "total": Count(f"{p}pk", distinct=bool(p)),
        "open": Count(f"{p}pk", filter=Q(**{f"{p}status": TaskStatus.OPEN}), distinct=bool(p)),
        "in_progress": Count(f"{p}pk", filter=Q(**{f"{p}status": TaskStatus.IN_PROGRESS}), distinct=bool(p)),
        "done": Count(f"{p}pk", filter=Q(**{f"{p}status": TaskStatus.DONE}), distinct=bool(p)),
        "accepted": Count(f"{p}pk", filter=Q(**{f"{p}status": TaskStatus.ACCEPTED}), distinct=bool(p)),
        "overdue": Count(f"{p}pk", filter=open_ & Q(**{f"{p}due_on__lt": today}), distinct=bool(p)),
        "report_missing": Count(f"{p}pk", filter=open_ & Q(**{f"{p}report_due__lt": today}), distinct=bool(p)),
    }


FIGURES = ("total", "open", "in_progress", "done", "accepted", "overdue", "report_missing")


def _with_rate(row: dict[str, Any]) -> dict[str, Any]:
    total = row.get("total") or 0
    row["completion_rate"] = round((row["done"] + row["accepted"]) / total, 4) if total else None
    return row


def task_stats(
    *,
    actor: User,
    region: str | None = None,
    plan: int | None = None,
    today: datetime.date | None = None,
    units_of: str | None = "",
) -> dict[str, Any]:
    """Counts of the tasks ``actor`` may see (optionally of a ``region`` subtree or one ``plan``):
    ``{"totals", "plans": [...], "units": [...], "regions": [...]}``. Each row has ``total``, ``open`` (未开始),
    ``in_progress``, ``done`` (待验收), ``accepted`` (已销号), ``overdue`` (open, past the deadline),
    ``report_missing`` (open, a periodic report past its due day) and ``completion_rate`` ((done + accepted) /
    total, None without tasks). ``plans`` by plan; ``units`` by member unit over the tasks it leads (``role``
    lead) — unmatched units are not counted there; ``units_of`` a region code: only that region's own units (the
    dashboard's); None: no unit rows; ``regions`` by the direct children of ``region`` (tasks of
    plans at ``region`` itself form a row keyed by its own code). Dates are Beijing days."""
    day = today or dates.today()
    base = task_list(actor=actor, plan=plan, region=region).order_by()
    base = Task.objects.filter(pk__in=base.values("pk"))
    if not base.exists():  # one cheap query, not six, where no plan is kept (the dashboard asks every region)
        return {"totals": _with_rate(dict.fromkeys(FIGURES, 0)), "plans": [], "units": [], "regions": [], "as_of": day}
    totals = _with_rate(base.aggregate(**_figures(day)))
    plans = list(base.values("plan_id").annotate(**_figures(day)).order_by("plan_id"))
    names: dict[int, dict[str, Any]] = {
        p["pk"]: dict(p)
        for p in Plan.objects.filter(pk__in=[r["plan_id"] for r in plans]).values("pk", "title", "region_id")
    }
    plan_rows = [
        _with_rate(
            {
                "plan": r["plan_id"],
                "title": names[r["plan_id"]]["title"],
                "region": names[r["plan_id"]]["region_id"],
                **{k: r[k] for k in FIGURES},
            }
        )
        for r in plans
    ]
    unit_rows = []
    lead_q = Q(task__in=base, role=UnitRole.LEAD, department__isnull=False)
    if units_of:
        lead_q &= Q(department__region_id=units_of)
    rows = TaskUnit.objects.filter(lead_q) if units_of is not None else TaskUnit.objects.none()
    leads = (
        rows.values("department_id", "department__name", "department__region_id")
        .annotate(**_figures(day, "task__"))
        .order_by("department__region_id", "department__position", "department_id")
    )
    for r in leads:
        unit_rows.append(
            _with_rate(
                {
                    "department": r["department_id"],
                    "name": r["department__name"],
                    "region": r["department__region_id"],
                    **{k: r[k] for k in FIGURES},
                }
            )
        )
    region_rows = []
    if region:
        children = {c.code: c.name for c in Region.objects.filter(parent_id=region).only("code", "name")}
        here = Region.objects.filter(pk=region).values_list("name", flat=True).first() or region
        counted: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
        for r in base.values("region_id").annotate(**_figures(day)).order_by():
            code = r["region_id"]
            key = next((c for c in children if code.startswith(c)), region)
            for k in FIGURES:
                counted[key][k] += r[k]
        for code in [region, *sorted(children)]:
            if code in counted:
                region_rows.append(
                    _with_rate({"region": code, "name": here if code == region else children[code], **counted[code]})
                )
    return {"totals": totals, "plans": plan_rows, "units": unit_rows, "regions": region_rows, "as_of": day}


# --- the board (挂图作战) -------------------------------------------------------------------------------

STATE_LABELS = {
    "open": "未开始",
    "in_progress": "推进中",
    "done": "已完成待验收",
    "accepted": "已销号",
    "overdue": "逾期",
}
NO_LEAD = "未明确牵头单位"


def board(
    *,
    actor: User,
    plan: int | None = None,
    region: str | None = None,
    unit: int | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    by: str = "action",
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The board of the tasks ``actor`` may see (of one ``plan`` or a ``region`` subtree), filtered as
    :func:`task_list` (``status`` may also be ``overdue``), grouped ``by`` action (专项行动) or by lead unit:

    ``{"rows": [row], "groups": [{"key", "title", "rows": [row]}], "tally": {state: n, "total": n},
    "timeline": [{"month": "2026-11", "rows": [row]}], "undated": n}`` — a row is ``{"id", "number",
    "action", "text", "due_text", "due", "state", "state_label", "lead", "co", "percent"}`` (``lead``, ``co``:
    unit names); ``state`` is
    ``overdue`` for an open task past its deadline or its report's due day (Beijing ``today``), else its status.
    Two queries, whatever the number of tasks."""
    day = today or dates.today()
    only_overdue = overdue
    wanted_status = status
    if status == "overdue":
        only_overdue, wanted_status = True, None
    qs = _tasks(
        actor, plan=plan, region=region, unit=unit, status=wanted_status, overdue=only_overdue, today=day
    ).order_by("plan_id", "position", "id")
    columns = (
        "id",
        "number",
        "action_number",
        "action",
        "text",
        "due_text",
        "due_on",
        "report_due",
        "status",
        "percent",
    )
    # the units of the same tasks, by name: the member unit's, the region's government, else the text
    names: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for task_id, role, text, department, place in (
        TaskUnit.objects.filter(task__in=qs.values("pk"))
        .order_by("task_id", "position", "id")
        .values_list("task_id", "role", "text", "department__name", "region__name")
    ):
        shown = department or (f"{place}人民政府" if place else text)
        names[task_id][0 if role == UnitRole.LEAD else 1].append(shown)
    rows: list[dict[str, Any]] = []
    tally = dict.fromkeys(STATE_LABELS, 0)
    empty: tuple[list[str], list[str]] = ([], [])
    for pk, number, action_number, action, text, due_text, due_on, report_due, status_, percent in qs.values_list(
        *columns
    ):
        late = status_ in OPEN_STATUSES and (
            (due_on is not None and due_on < day) or (report_due is not None and report_due < day)
        )
        state = "overdue" if late else status_
        tally[state] += 1
        lead, co = names.get(pk, empty)
        rows.append(
            {
                "id": pk,
                "number": number,
                "action": (f"{action_number} {action}".strip() if action else action_number) or "",
                "text": text,
                "due_text": due_text,
                "due": due_on or report_due,
                "state": state,
                "state_label": STATE_LABELS[state],
                "lead": lead,
                "co": co,
                "percent": percent,
            }
        )
    tally["total"] = len(rows)
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        keys = (row["lead"] or [NO_LEAD]) if by == "unit" else [row["action"] or "其他任务"]
        for key in keys:
            groups.setdefault(key, {"key": key, "title": key, "rows": []})["rows"].append(row)
    months: dict[str, list[dict[str, Any]]] = defaultdict(list)
    undated = 0
    for row in rows:
        if row["due"] is None:
            undated += 1
        else:
            months[f"{row['due']:%Y-%m}"].append(row)
    return {
        "rows": rows,
        "groups": list(groups.values()),
        "tally": tally,
        "timeline": [{"month": m, "rows": months[m]} for m in sorted(months)],
        "undated": undated,
        "by": by,
        "today": day,
    }


def unit_task_figures(*, actor: User, region: str, today: datetime.date | None = None) -> dict[int, dict[str, int]]:
    """For the ranking of member units (analytics.department_ranking): the tasks each unit of ``region`` leads among
    those ``actor`` may see, ``{unit id: {"tasks", "tasks_done_on_time", "tasks_overdue"}}``. Done on time: marked
    done (待验收 or 已销号) on or before its deadline, or done with no dated deadline; overdue: still open past it
    (Beijing days)."""
    day = today or dates.today()
    seen = task_list(actor=actor).order_by().values("pk")
    on_time = Q(task__status__in=(TaskStatus.DONE, TaskStatus.ACCEPTED)) & (
        Q(task__due_on__isnull=True) | Q(task__done_on__lte=F("task__due_on"))
    )
    rows = (
        TaskUnit.objects.filter(
            role=UnitRole.LEAD, department__region_id=region, department__isnull=False, task__in=seen
        )
        .values("department_id")
        .annotate(
            tasks=Count("task_id", distinct=True),
            tasks_done_on_time=Count("task_id", filter=on_time, distinct=True),
            tasks_overdue=Count(
                "task_id", filter=Q(task__status__in=OPEN_STATUSES, task__due_on__lt=day), distinct=True
            ),
        )
        .order_by()
    )
    return {
        int(r["department_id"]): {k: int(r[k]) for k in ("tasks", "tasks_done_on_time", "tasks_overdue")} for r in rows
    }
