"""Writes of check tasks (隐患排查任务): a control measure's check with its cycle and assignee, and the rhythm
checks the plans ask of every enterprise (FACTS §7: 班组日检 · 部门周检 · 厂级月检; the principal's inspection at least
quarterly, monthly in high-risk sectors — Chongqing plan, township plan).

Who writes: the enterprise's own staff and admins (``selectors.may_edit``; 403 otherwise, 404 for what the actor
cannot see). A task's measure must be a live measure of the same enterprise; its assignee an active user of that
enterprise (the one who will record the checks, on a phone).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from zhiben.accounts.models import Role, User
from zhiben.audit.services import event_append
from zhiben.common.dates import parse_day, today
from zhiben.common.errors import FieldErrors, NotFound, PermissionDenied
from zhiben.enterprises.models import Enterprise

from ..checks import check_cycle, generate_task, phase_of
from ..models import CheckKind, CheckTask, CycleUnit
from ..selectors import enterprise_visible, may_edit, measures_visible, tasks_visible

CONTENT_MAX = 500
# a task's start: any day a register in use may name, and no day the cycles' arithmetic cannot reach
FIRST_START = datetime.date(2000, 1, 1)
LAST_START = datetime.date(2100, 12, 31)

# The rhythm the plans name (FACTS §7), as check tasks: (kind, cycle value, unit, content).
RHYTHM: tuple[tuple[str, int, str, str], ...] = (
    (CheckKind.TEAM_DAILY, 1, CycleUnit.DAY, "班组日检：交接班及岗位巡检，检查设备设施、作业环境和人员操作"),
    (CheckKind.DEPT_WEEKLY, 7, CycleUnit.DAY, "车间（部门）周检：检查本部门风险管控措施落实和隐患整改情况"),
    (CheckKind.PLANT_MONTHLY, 1, CycleUnit.MONTH, "厂级月检：企业组织的综合性隐患排查"),
    (CheckKind.PRINCIPAL, 3, CycleUnit.MONTH, "主要负责人带队检查：重大危险源及重点部位安全生产检查"),
)


def principal_cycle_months(enterprise: Enterprise) -> int:
    """The principal's inspection: at least quarterly, monthly in a high-risk sector (FACTS §7; 安全生产法 Arts. 24,
    27 for which sectors are high-risk)."""
    high = enterprise.high_risk or bool(getattr(enterprise.sector, "high_risk", False))
    return 1 if high else 3


def _assignee(raw: Any, enterprise: Enterprise) -> User | None:
    if raw in (None, ""):
        return None
    text = str(raw).strip()
    qs = User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE, is_active=True)
    user = qs.filter(username=text).first() or (qs.filter(pk=int(text)).first() if text.isdigit() else None)
    if user is None:
        raise FieldErrors({"assignee": "排查人须为本企业在用的企业人员账号（填用户名）"})
    return user


def _clean(data: Mapping[str, Any], enterprise: Enterprise, *, current: CheckTask | None) -> dict[str, Any]:
    """The task's fields from ``data`` (only those given, for an update), checked; FieldErrors naming each bad one."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if "content" in data or current is None:
        content = str(data.get("content") or "").strip()
        if len(content) > CONTENT_MAX:
            errors["content"] = f"排查内容不能超过{CONTENT_MAX}个字符"
        out["content"] = content
    unit = data.get("cycle_unit", current.cycle_unit if current else None)
    unit = {"小时": "hour", "天": "day", "日": "day", "月": "month", "年": "year"}.get(str(unit), unit)
    if "cycle_unit" in data or current is None:
        if unit not in CycleUnit.values:
            errors["cycle_unit"] = "周期单位应为 小时、天、月、年 之一"
        out["cycle_unit"] = unit
    if "cycle_value" in data or "cycle_unit" in data or current is None:
        raw = data.get("cycle_value", current.cycle_value if current else None)
        try:
            out["cycle_value"] = check_cycle(str(unit), raw)
        except ValueError as exc:
            errors.setdefault("cycle_value", str(exc))
    if "working_days_only" in data:
        value = data["working_days_only"]
        if not isinstance(value, bool) and value not in ("true", "false", "1", "0", "on", "", 0, 1):
            errors["working_days_only"] = "仅工作日排查应为 是/否"
        else:
            out["working_days_only"] = value in (True, "true", "1", "on", 1)
    if "starts_on" in data or current is None:
        try:
            out["starts_on"] = parse_day(data.get("starts_on"), label="起始日期") or today()
            if not FIRST_START <= out["starts_on"] <= LAST_START:
                errors["starts_on"] = "起始日期应在 2000 年至 2100 年之间"
        except ValueError as exc:
            errors["starts_on"] = str(exc)
    if "assignee" in data:
        try:
            out["assignee"] = _assignee(data["assignee"], enterprise)
        except FieldErrors as exc:
            errors.update(exc.errors)
    if "active" in data:
        out["active"] = data["active"] in (True, "true", "1", "on", 1)
    if errors:
        raise FieldErrors(errors)
    return out


def _set_phase(task: CheckTask) -> None:
    task.phase, task.anchor_day = phase_of(task.cycle_unit, task.cycle_value, task.starts_on)


def task_create(*, actor: User, data: Mapping[str, Any]) -> CheckTask:
    """Create a check task: ``{"measure": id}`` for a control measure's check (its enterprise's; its content the
    measure's 排查内容 unless given), or ``{"kind": "team_daily" | …, "enterprise": credit code}`` for a rhythm check;
    with ``cycle_value``, ``cycle_unit`` (hour/day/month/year or 小时/天/月/年), ``working_days_only``, ``starts_on``
    (Beijing date, default today), ``assignee`` (username). Raises FieldErrors, NotFound (measure or enterprise not
    visible), PermissionDenied (not the enterprise's staff)."""
    kind = str(data.get("kind") or CheckKind.MEASURE)
    if kind not in CheckKind.values:
        raise FieldErrors({"kind": "任务类型应为 " + "、".join(f"{v}（{label}）" for v, label in CheckKind.choices)})
    measure = None
    if kind == CheckKind.MEASURE:
        raw = data.get("measure")
        if raw in (None, "") or not str(raw).isdigit():
            raise FieldErrors({"measure": "请填写管控措施编号"})
        measure = measures_visible(actor).filter(pk=int(str(raw)), deleted=False).select_related("enterprise").first()
        if measure is None:
            raise FieldErrors({"measure": "管控措施不存在或已删除"})
        enterprise = measure.enterprise
        if (
            data.get("enterprise") not in (None, "")
            and str(data["enterprise"]).strip().upper() != enterprise.credit_code
        ):
            raise FieldErrors({"measure": "该管控措施不属于所填企业"})
    else:
        if actor.role == Role.ENTERPRISE and actor.enterprise is not None and data.get("enterprise") in (None, ""):
            enterprise = actor.enterprise
        else:
            enterprise = enterprise_visible(actor, data.get("enterprise") or "")
    if not may_edit(actor, enterprise.pk):
        raise PermissionDenied("隐患排查任务由企业自行制定")
    cleaned = _clean(data, enterprise, current=None)
    if not cleaned["content"]:
        cleaned["content"] = (
            (measure.content or measure.description) if measure else {k: c for k, _, _, c in RHYTHM}.get(kind, "")
        )
    if not cleaned["content"]:
        raise FieldErrors({"content": "请填写排查内容"})
    with transaction.atomic():
        task = CheckTask(
            enterprise=enterprise,
            region_id=enterprise.region_id,
            sector_id=enterprise.sector_id,
            measure=measure,
            kind=kind,
            **cleaned,
        )
        _set_phase(task)
        task.save()
        _log(actor, task, "task_created")
        generate_task(task, today())  # today's cycle at once: the phone need not wait for the hourly run
    return task


def task_update(*, actor: User, task_id: int, data: Mapping[str, Any]) -> CheckTask:
    """Change a task's content, cycle, calendar, start, assignee or active flag (only the fields given). Cycles
    already generated keep their windows; the next generation follows the new cycle. Raises as ``task_create``."""
    with transaction.atomic():
        task = tasks_visible(actor).select_for_update().filter(pk=task_id, deleted=False).first()
        if task is None:
            raise NotFound("排查任务不存在")
        if not may_edit(actor, task.enterprise_id):
            raise PermissionDenied("隐患排查任务由企业自行制定")
        cleaned = _clean(data, task.enterprise, current=task)
        if "content" in cleaned and not cleaned["content"]:
            raise FieldErrors({"content": "请填写排查内容"})
        for field, value in cleaned.items():
            setattr(task, field, value)
        _set_phase(task)
        task.save()
        _log(actor, task, "task_updated")
        generate_task(task, today())
    return task


def task_delete(*, actor: User, task_id: int) -> CheckTask:
    """Stop and remove a task (kept, marked deleted, so the national interface's feed tells it); its records stay."""
    with transaction.atomic():
        task = tasks_visible(actor).select_for_update().filter(pk=task_id, deleted=False).first()
        if task is None:
            raise NotFound("排查任务不存在")
        if not may_edit(actor, task.enterprise_id):
            raise PermissionDenied("隐患排查任务由企业自行制定")
        task.deleted, task.active = True, False
        task.save(update_fields=["deleted", "active", "updated_at"])
        _log(actor, task, "task_deleted")
    return task


def rhythm_ensure(*, actor: User, enterprise: Enterprise, starts_on: datetime.date | None = None) -> list[CheckTask]:
    """Create the rhythm tasks the enterprise lacks (班组日检, 部门周检, 厂级月检, 主要负责人带队检查 — quarterly, or
    monthly in a high-risk sector); answers those created (none when all exist). Raises PermissionDenied."""
    if not may_edit(actor, enterprise.pk):
        raise PermissionDenied("隐患排查任务由企业自行制定")
    have = set(
        CheckTask.objects.filter(enterprise=enterprise, deleted=False)
        .exclude(kind=CheckKind.MEASURE)
        .values_list("kind", flat=True)
    )
    made = []
    with transaction.atomic():
        for kind, value, unit, content in RHYTHM:
            if kind in have:
                continue
            if kind == CheckKind.PRINCIPAL:
                value = principal_cycle_months(enterprise)
            task = CheckTask(
                enterprise=enterprise,
                region_id=enterprise.region_id,
                sector_id=enterprise.sector_id,
                kind=kind,
                content=content,
                cycle_value=value,
                cycle_unit=unit,
                starts_on=starts_on or today(),
            )
            _set_phase(task)
            task.save()
            _log(actor, task, "task_created")
            generate_task(task, today())
            made.append(task)
    return made


def task_payload(task: CheckTask) -> dict[str, Any]:
    """The fields an event keeps of a task."""
    return {
        "kind": task.kind,
        "measure": task.measure_id,
        "content": task.content,
        "cycle": f"{task.cycle_value} {task.cycle_unit}",
        "working_days_only": task.working_days_only,
        "starts_on": task.starts_on.isoformat(),
        "assignee": task.assignee_id,
        "active": task.active,
    }


def _log(actor: User, task: CheckTask, kind: str) -> None:
    event_append(actor=actor, subject_type="check_task", subject_id=str(task.pk), kind=kind, payload=task_payload(task))
