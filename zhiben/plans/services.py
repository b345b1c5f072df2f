"""Writes of the plan register: a plan saved with its tasks and units in one transaction, progress reports,
and the task's steps (done by the lead unit, accepted or refused by the committee office: 对账销号)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import region_in_scope
from zhiben.audit.services import event_append
from zhiben.common import dates
from zhiben.common.errors import ErrorCollector, FieldErrors, NotFound, PermissionDenied
from zhiben.departments.models import Department
from zhiben.departments.selectors import ancestor_codes
from zhiben.hazards.evidence import EvidenceRejected, check_upload, stored_files
from zhiben.regions.models import Region
from zhiben.regions.selectors import parse_region

from .inputs import DueInput, PlanInput, TaskInput, UnitInput
from .matching import Matcher, generic_level
from .models import (
    DATED_KINDS,
    LIFECYCLE,
    PERIODIC_KINDS,
    DueKind,
    Plan,
    Progress,
    ProgressFile,
    Task,
    TaskAction,
    TaskUnit,
    UnitFlag,
    UnitRole,
)
from .periods import NotAPeriod, parse_period, report_due
from .selectors import actor_units, is_committee_office_over, sees_whole_plan, task_require

MAX_FILES = 10
REASON_MAX = 500
# A 长期坚持 task that names no reporting period reports each quarter (the rhythm of the seeds' 调度).
DEFAULT_EVERY = "quarter"


def _due_of(task: TaskInput) -> DueInput:
    """The task's due rule: the one sent, else the parser's reading of its due text."""
    if task.due is not None:
        return task.due
    if task.due_text:
        from .parsing import parse_due  # the plan-document parser (its own module)

        rule = parse_due(task.due_text)
        return DueInput(
            kind=rule.kind,
            due=rule.due,
            month=rule.month,
            day=rule.day,
            every=rule.every,
            years=tuple(rule.years),
        )
    return DueInput()


def _unit_rows(
    errors: ErrorCollector, name: str, units: list[UnitInput], *, role: str, region: Region, matcher: Matcher
) -> list[TaskUnit]:
    rows = []
    for i, unit in enumerate(units):
        here = f"{name}[{i}]"
        row = TaskUnit(role=role, text=unit.text[:120], position=i)
        if unit.department is not None:
            found = Department.objects.filter(pk=unit.department).first()
            if found is None or found.region_id != region.pk:
                errors.add(here, f"成员单位 {unit.department} 不是{region.name}的成员单位")
                continue
            row.department = found
            row.text = row.text or found.name  # a client that matched the unit may leave its text out
        elif unit.region is not None:
            try:
                code = parse_region(unit.region, field=here)
            except FieldErrors as exc:
                errors.add(here, next(iter(exc.errors.values())))
                continue
            below = Region.objects.filter(pk=code).first()
            if below is None or code == region.pk or not code.startswith(region.pk):
                errors.add(here, f"区划 {code} 不是{region.name}的下级区划")
                continue
            row.region = below
            row.text = row.text or below.name
        else:
            level = generic_level(unit.text)
            if level:
                row.generic, row.flag = level, UnitFlag.GENERIC
            else:
                found_match = matcher.match(unit.text)
                # kept as written: the user chose not to match it (or nothing matched)
                row.flag = UnitFlag.AMBIGUOUS if len(found_match.candidates) > 1 else UnitFlag.UNMATCHED
        rows.append(row)
    return rows


def _build_task(
    errors: ErrorCollector, here: str, item: TaskInput, *, region: Region, matcher: Matcher, day: datetime.date
) -> tuple[Task, list[TaskUnit]]:
    """A task of ``region``'s plan and its units as ``item`` gives them (not saved): its due rule (the one sent, else
    its due text read by the parser), its first owed report (periodic tasks, from ``day``), its units matched.
    Errors go to ``errors`` under ``{here}.…`` (``here`` empty: the bare names)."""
    at = f"{here}." if here else ""
    try:
        rule = _due_of(item)
    except ValueError as exc:
        errors.add(f"{at}due_text", str(exc))
        rule = DueInput()
    if rule.kind in DATED_KINDS and rule.due is None:
        # "6月底前" without a year: kept as written, never overdue, until someone gives the date
        rule = DueInput(kind=DueKind.UNKNOWN, every=rule.every, years=rule.years)
    task = Task(
        region=region,
        number=item.number,
        action_number=item.action_number,
        action=item.action,
        text=item.text,
        due_text=item.due_text,
        due_kind=rule.kind,
        due_on=rule.due if rule.kind in DATED_KINDS else None,
        due_month=rule.month,
        due_day=rule.day,
        report_every=(rule.every or ("year" if rule.kind == DueKind.ANNUAL else DEFAULT_EVERY))
        if rule.kind in PERIODIC_KINDS
        else (rule.every or ""),
        years=list(rule.years),
    )
    task.starts_on = day
    schedule(task, start=day, reported=set())
    units = _unit_rows(errors, f"{at}lead_units", item.lead_units, role=UnitRole.LEAD, region=region, matcher=matcher)
    units += _unit_rows(errors, f"{at}co_units", item.co_units, role=UnitRole.CO, region=region, matcher=matcher)
    return task, units


@transaction.atomic
def task_add(*, actor: User, plan: Plan, data: TaskInput, today: datetime.date | None = None) -> Task:
    """Add one task to a saved ``plan`` (a plan the actor sees, from plans.selectors), last in its order; units and
    due rule as :func:`plan_create` reads them, fields named bare (``lead_units[0]``). Only the officers of the
    plan's region or above (who see the whole plan) and admins.

    Raises PermissionDenied, FieldErrors naming the field (``number`` already used in the plan, ``parent_number``
    naming no task of it)."""
    if not sees_whole_plan(actor, plan):
        raise PermissionDenied("只有方案所属区划及上级区划的监管人员可以增加任务")
    errors = ErrorCollector()
    day = today or dates.today()
    task, units = _build_task(errors, "", data, region=plan.region, matcher=Matcher(plan.region_id), day=day)
    if data.number and plan.tasks.filter(number=data.number).exists():
        errors.add("number", f"方案中已有序号为 {data.number} 的任务")
    if data.parent_number:
        task.parent = plan.tasks.filter(number=data.parent_number).first()
        if task.parent is None:
            errors.add("parent_number", f"方案中没有序号为 {data.parent_number} 的任务")
    errors.raise_if_any()
    last = plan.tasks.aggregate(last=Max("position"))["last"]
    task.plan, task.position = plan, (last + 1 if last is not None else 0)
    task.save()
    for unit in units:
        unit.task = task
    TaskUnit.objects.bulk_create(units)
    event_append(
        actor=actor,
        subject_type="plan",
        subject_id=str(plan.pk),
        kind="task_added",
        payload={"number": task.number, "text": task.text[:200], "units": len(units)},
    )
    return task


def _plan_region(actor: User, raw: str) -> Region:
    code = parse_region(raw)
    region = Region.objects.filter(pk=code).first()
    if region is None:
        raise FieldErrors({"region": f"区划代码 {code} 不存在"})
    if not region_in_scope(actor, code):
        raise NotFound("区划不存在")
    return region


def schedule(task: Task, *, start: datetime.date, reported: set[str]) -> None:
    """Set a periodic task's owed period and its report's due day (``report_period``, ``report_due``) from the
    periods already ``reported``; a dated task owes no periodic report."""
    if task.due_kind not in PERIODIC_KINDS:
        task.report_period, task.report_due = "", None
        return
    owed = report_due(
        every=task.report_every or DEFAULT_EVERY,
        start=start,
        reported=reported,
        years=tuple(task.years or ()),
        month=task.due_month,
        day=task.due_day,
    )
    task.report_period, task.report_due = (owed[0].key, owed[1]) if owed else ("", None)


@transaction.atomic
def plan_create(*, actor: User, data: PlanInput, today: datetime.date | None = None) -> Plan:
    """Save a plan with its tasks and their units, all or nothing.

    ``data.region``: a region in the actor's scope (officers of it or above, admins); ``data.parent``: a plan
    of a region above ``region`` (the higher plan this one implements). Each unit is a member unit of the plan's region
    (``department``), a lower region (``region``), or text: a generic 各区县/各乡镇 is kept as generic, anything
    else as written and flagged (unmatched, or ambiguous when several units answer). ``parent_number`` puts an
    annex row under an earlier task. Due rules: ``due_rule`` as sent, or a ``due`` date, or read from
    ``due_text`` by the parser's ``parse_due``; 每年 / 长期坚持 tasks owe a report per period from the period
    holding ``today`` (Beijing).

    Raises FieldErrors naming each bad field (``tasks[3].lead_units[0]``: a unit of another region), NotFound
    (region out of scope), PermissionDenied (not an officer or admin)."""
    if actor.role not in (Role.OFFICER, Role.ADMIN):
        raise PermissionDenied("只有监管人员或系统管理员可以登记方案")
    region = _plan_region(actor, data.region)
    errors = ErrorCollector()
    parent = None
    if data.parent is not None:
        # a plan of a region above (its officers need not see it: they implement it)
        parent = Plan.objects.filter(pk=data.parent, region_id__in=ancestor_codes(region.pk)[1:]).first()
        if parent is None:
            errors.add("parent", "上级方案应为上级区划的方案")
    day = today or dates.today()
    plan = Plan(
        region=region,
        parent=parent,
        title=data.title,
        doc_number=data.doc_number,
        issuer=data.issuer,
        issued_on=data.issued_on,
        source_name=data.source_name,
        created_by=actor,
    )
    matcher = Matcher(region.pk)
    built: list[tuple[Task, list[TaskUnit], str]] = []
    numbers: dict[str, int] = {}
    for i, item in enumerate(data.tasks):
        here = f"tasks[{i}]"
        task, units = _build_task(errors, here, item, region=region, matcher=matcher, day=day)
        task.position = i
        if item.parent_number and item.parent_number not in numbers:
            errors.add(f"{here}.parent_number", f"序号为 {item.parent_number} 的任务须在此任务之前")
        built.append((task, units, item.parent_number))
        if item.number:
            numbers.setdefault(item.number, i)
    errors.raise_if_any()
    plan.save()
    for task, _, _ in built:
        task.plan = plan
    Task.objects.bulk_create([t for t, _, _ in built])
    by_number = {t.number: t for t, _, _ in reversed(built) if t.number}
    children = []
    for task, _, parent_number in built:
        if parent_number:
            task.parent = by_number[parent_number]
            children.append(task)
    if children:
        Task.objects.bulk_update(children, ["parent"])
    rows = []
    for task, units, _ in built:
        for unit in units:
            unit.task = task
            rows.append(unit)
    TaskUnit.objects.bulk_create(rows)
    event_append(
        actor=actor,
        subject_type="plan",
        subject_id=str(plan.pk),
        kind="created",
        payload={
            "title": plan.title,
            "region": region.pk,
            "tasks": len(built),
            "units": len(rows),
            "unmatched": sum(1 for r in rows if r.flag in (UnitFlag.UNMATCHED, UnitFlag.AMBIGUOUS)),
        },
    )
    return plan


def _locked(actor: User, task_id: int) -> Task:
    """The task if the actor sees it, its row locked for the step."""
    task = task_require(actor=actor, task_id=task_id)
    Task.objects.select_for_update().filter(pk=task.pk).first()
    task.refresh_from_db(
        fields=["status", "percent", "starts_on", "report_period", "report_due", "done_on", "accepted_on"]
    )
    return task


def _log(actor: User, task: Task, kind: str, payload: dict[str, Any]) -> None:
    event_append(actor=actor, subject_type="task", subject_id=str(task.pk), kind=kind, payload=payload)


def progress_report(
    *,
    actor: User,
    task_id: int,
    period: object,
    text: object,
    percent: object,
    files: Sequence[tuple[Any, str, int | None]] | None = None,
    today: datetime.date | None = None,
) -> Progress:
    """A unit of the task (lead or co-operating; or an admin) reports its progress for ``period`` (``2026-11``,
    ``2026Q3``, ``2026H2``, ``2026``; a periodic task's own kind of period), ``text`` and ``percent`` (whole
    number 0–100), with up to 10 files (JPEG, PNG, WebP or PDF, checked as evidence). The first report puts
    an open task in progress; a periodic task then owes its next period.

    Raises NotFound (task out of scope), PermissionDenied (not a unit of the task), Conflict (the task is done
    or accepted: "当前状态为…"), FieldErrors naming ``period`` (not a period; not yet begun; of the wrong kind),
    ``text``, ``percent`` or ``files``."""
    day = today or dates.today()
    errors = ErrorCollector()
    saved: list[str] = []
    try:
        with transaction.atomic():
            task = _locked(actor, task_id)
            units = actor_units(actor, task)
            if actor.role != Role.ADMIN and not units:
                raise PermissionDenied("只有任务的牵头或配合单位可以报送进展")
            arrow = LIFECYCLE.take(TaskAction.PROGRESS, task, actor)
            when = None
            try:
                when = parse_period(period)
            except NotAPeriod as exc:
                errors.add("period", str(exc))
            if when is not None:
                if when.start > day:
                    errors.add("period", f"{when.label}尚未开始")
                elif task.report_every and task.due_kind in PERIODIC_KINDS and when.kind != task.report_every:
                    errors.add(
                        "period",
                        f"本任务按{_every_label(task.report_every)}报送进展，报送期应为{_example(task.report_every)}",
                    )
            body = text.strip() if isinstance(text, str) else ""
            if not body:
                errors.add("text", "请填写进展情况")
            elif len(body) > 4000:
                errors.add("text", "不能超过4000个字符")
            share = None
            try:
                if isinstance(percent, bool):
                    raise ValueError
                share = int(str(percent).strip()) if isinstance(percent, int | str) else None
            except ValueError:
                share = None
            if share is None:
                errors.add("percent", "应为 0–100 的整数")
            elif not 0 <= share <= 100:
                errors.add("percent", "应在 0–100 之间")
                share = None
            checked = []
            for i, (stream, name, size) in enumerate(files or []):
                if i >= MAX_FILES:
                    errors.add("files", f"附件不能超过 {MAX_FILES} 个")
                    break
                try:
                    checked.append(check_upload(stream, name=name, size=size))
                except EvidenceRejected as exc:
                    errors.add("files", f"{name}：{exc}")
            errors.raise_if_any()
            assert when is not None
            assert share is not None
            unit = next((u for u in units if u.role == UnitRole.LEAD), units[0] if units else None)
            row = Progress.objects.create(
                task=task,
                unit=unit,
                unit_name=unit.name if unit else "系统管理员",
                period=when.key,
                text=body,
                percent=share,
                reported_by=actor,
                reported_on=day,
            )
            for c in checked:
                content, _ = stored_files(c)
                stored = ProgressFile(
                    progress=row,
                    content_type=c.content_type,
                    size=len(c.content),
                    sha256=c.sha256,
                    original_name=c.original_name,
                )
                stored.file.save(content.name or "file", content, save=False)
                saved.append(stored.file.name)
                stored.save()
            task.status = arrow.target
            task.percent = share
            reported = set(task.progress.values_list("period", flat=True))
            schedule(task, start=task.starts_on or day, reported=reported)
            task.save(update_fields=["status", "percent", "report_period", "report_due"])
            _log(
                actor,
                task,
                arrow.event,
                {
                    "period": when.key,
                    "percent": share,
                    "unit": row.unit_name,
                    "text": body[:200],
                    "files": [c.original_name for c in checked],
                },
            )
            return row
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise


def _every_label(every: str) -> str:
    return {"month": "月", "quarter": "季度", "half_year": "半年", "year": "年"}.get(every, every)


def _example(every: str) -> str:
    return {
        "month": "2026-11 这样的月份",
        "quarter": "2026Q3 这样的季度",
        "half_year": "2026H2 这样的半年",
        "year": "2026 这样的年度",
    }[every]


@transaction.atomic
def task_done(*, actor: User, task_id: int, today: datetime.date | None = None) -> Task:
    """The lead unit (or an admin) says the task is done (已完成，待验收). Raises NotFound, PermissionDenied (not
    the lead unit), Conflict (already done or accepted)."""
    task = _locked(actor, task_id)
    if actor.role != Role.ADMIN and not any(u.role == UnitRole.LEAD for u in actor_units(actor, task)):
        raise PermissionDenied("只有任务的牵头单位可以标记完成")
    arrow = LIFECYCLE.take(TaskAction.DONE, task, actor)
    task.status, task.done_on = arrow.target, today or dates.today()
    task.percent = 100
    task.save(update_fields=["status", "done_on", "percent"])
    _log(actor, task, arrow.event, {"done_on": task.done_on.isoformat()})
    return task


def _office_check(actor: User, task: Task) -> None:
    if actor.role != Role.ADMIN and not is_committee_office_over(actor, task.region_id):
        raise PermissionDenied("只有本级或上级安委会办公室可以验收销号")


@transaction.atomic
def task_accept(*, actor: User, task_id: int, today: datetime.date | None = None) -> Task:
    """The committee office (安委会办公室) of the plan's region or above (or an admin) accepts a done task
    (对账销号). Raises NotFound, PermissionDenied, Conflict (not done: "当前状态为…")."""
    task = _locked(actor, task_id)
    _office_check(actor, task)
    arrow = LIFECYCLE.take(TaskAction.ACCEPT, task, actor)
    task.status, task.accepted_on = arrow.target, today or dates.today()
    task.report_due = None
    task.save(update_fields=["status", "accepted_on", "report_due"])
    _log(actor, task, arrow.event, {"accepted_on": task.accepted_on.isoformat()})
    return task


@transaction.atomic
def task_reject(*, actor: User, task_id: int, reason: object) -> Task:
    """The committee office refuses a done task back to in progress, with a ``reason``. Raises NotFound,
    PermissionDenied, FieldErrors naming ``reason``, Conflict (not done)."""
    task = _locked(actor, task_id)
    _office_check(actor, task)
    arrow = LIFECYCLE.take(TaskAction.REJECT, task, actor)
    why = reason.strip() if isinstance(reason, str) else ""
    if not why:
        raise FieldErrors({"reason": "请填写退回理由"})
    if len(why) > REASON_MAX:
        raise FieldErrors({"reason": f"不能超过{REASON_MAX}个字符"})
    task.status, task.done_on = arrow.target, None
    task.save(update_fields=["status", "done_on"])
    _log(actor, task, arrow.event, {"reason": why})
    return task
