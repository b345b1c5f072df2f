"""Writes of check records (隐患排查记录): the checks people make, one by one from a phone or many at once (a phone
that was offline, a bulk upload: ``POST /api/v1/check-records`` with a list).

A check is ``{"task", "done_at", "result", "note", "client_id", "hazard"}``. It fills the task's cycle whose window
holds ``done_at`` (the time the check was made, which the phone keeps). It is refused, naming the item and field:

- when the task is not one the actor may see (``任务不存在``), is deleted or stopped;
- when the actor is not the task's assignee (a task without one: any of the enterprise's staff) — issue 15;
- when no cycle of the task holds ``done_at`` (the task is not due then), or ``done_at`` is in the future;
- when that cycle is already done (by another check).

A check that reaches the server more than ``ZHIBEN["CHECK_LATE_UPLOAD_HOURS"]`` after it was made is kept with its
own time and marked ``late`` (逾期上传), not refused; a late one may fill a cycle the sweep already marked missed. A
``client_id`` makes a retry harmless: the same check sent twice is answered, not counted twice. A failed check
(``result`` ``fail``) opens a hazard through the hazard register (``source`` self_check), which the record keeps —
so the hazard cites the record and, through its task, the control measure.

A batch is all or nothing: one bad item refuses the whole request and nothing is written (the answer names every bad
item). The counts (``tallies``) change in the same transaction.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zhiben.accounts.models import Role, User
from zhiben.audit.services import event_append
from zhiben.common.dates import beijing_day, zone
from zhiben.common.errors import FieldErrors
from zhiben.hazards.services import hazard_create, hazard_input

from .. import tallies
from ..models import CheckRecord, CheckResult, CheckTask, RecordStatus
from ..selectors import tasks_visible

BATCH_MAX = 5000  # checks in one request
NOTE_MAX = 1000
CLIENT_ID_MAX = 64
FUTURE_SLACK = datetime.timedelta(minutes=10)  # a phone's clock may run a little fast
RESULTS = {"pass": CheckResult.PASS, "正常": CheckResult.PASS, "fail": CheckResult.FAIL, "发现隐患": CheckResult.FAIL}
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def moment(raw: Any, *, label: str) -> datetime.datetime:
    """An instant from ISO 8601 text (``2026-12-01T08:30:00+08:00``, ``…Z``) or ``yyyy-MM-dd HH:mm:ss`` (Beijing
    wall time when no offset is given). ValueError in Chinese naming ``label`` otherwise, or outside 2000–2100."""
    if isinstance(raw, datetime.datetime):
        value = raw
    elif isinstance(raw, str) and raw.strip():
        try:
            value = datetime.datetime.fromisoformat(raw.strip().replace("/", "-"))
        except ValueError:
            raise ValueError(f"{label}应为日期时间，如 2026-12-01 08:30:00 或 2026-12-01T08:30:00+08:00") from None
    elif raw is None or raw == "":
        raise ValueError(f"请填写{label}")
    else:
        raise ValueError(f"{label}应为日期时间文字，如 2026-12-01 08:30:00 或 2026-12-01T08:30:00+08:00")
    try:
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone())
        value = value.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise ValueError(f"{label}超出可用范围") from None
    if not EARLIEST <= value < datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC):
        raise ValueError(f"{label}应在 2000 年至 2100 年之间")
    return value


def _item(raw: Any, i: int, errors: dict[str, str]) -> dict[str, Any] | None:
    where = f"items[{i}]"
    if not isinstance(raw, Mapping):
        errors[where] = "每条排查记录应为一个对象"
        return None
    out: dict[str, Any] = {}
    task = raw.get("task")
    if isinstance(task, bool) or not str(task or "").strip().isdigit() or len(str(task).strip()) > 18:
        errors[f"{where}.task"] = "请填写排查任务编号（正整数）"
    else:
        out["task"] = int(str(task).strip())
    try:
        out["done_at"] = moment(raw.get("done_at"), label="排查时间")
    except ValueError as exc:
        errors[f"{where}.done_at"] = str(exc)
    result = RESULTS.get(str(raw.get("result") or "").strip())
    if result is None:
        errors[f"{where}.result"] = "排查结果应为 pass（正常）或 fail（发现隐患）"
    out["result"] = result
    note = raw.get("note") or ""
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        errors[f"{where}.note"] = f"排查情况说明应为不超过{NOTE_MAX}个字符的文字"
    out["note"] = note.strip() if isinstance(note, str) else ""
    client = raw.get("client_id") or ""
    if not isinstance(client, str | int) or isinstance(client, bool) or len(str(client)) > CLIENT_ID_MAX:
        errors[f"{where}.client_id"] = f"客户端编号应为不超过{CLIENT_ID_MAX}个字符的文字"
    out["client_id"] = str(client).strip()
    hazard = raw.get("hazard")
    if hazard is not None and not isinstance(hazard, Mapping):
        errors[f"{where}.hazard"] = "隐患信息应为一个对象（title, level, description, location, deadline …）"
    out["hazard"] = dict(hazard or {})
    return out


def records_submit(
    *, actor: User, items: Sequence[Any], files: Mapping[int, Sequence[Any]] | None = None
) -> list[dict[str, Any]]:
    """Record checks (see the module docstring): ``items`` a list of check objects; answers, in order,
    ``[{"id", "task", "status", "late", "result", "hazard", "duplicate"}]``. Raises FieldErrors naming each bad item
    (``items[3].done_at``) and nothing is written."""
    if not isinstance(items, list | tuple) or not items:
        raise FieldErrors({"items": "请提交至少一条排查记录"})
    if len(items) > BATCH_MAX:
        raise FieldErrors({"items": f"一次最多提交 {BATCH_MAX} 条排查记录"})
    errors: dict[str, str] = {}
    parsed = [_item(raw, i, errors) for i, raw in enumerate(items)]
    now = timezone.now()
    for i, item in enumerate(parsed):
        if item and "done_at" in item and item["done_at"] > now + FUTURE_SLACK:
            errors[f"items[{i}].done_at"] = "排查时间晚于当前时间"
    if errors:
        raise FieldErrors(errors)
    goods = [p for p in parsed if p is not None]
    with transaction.atomic():
        # plain tuples, not model instances: at 5,000 checks a request the instances were most of its time
        tasks = {
            t[0]: _Task(*t)
            for t in tasks_visible(actor)
            .filter(pk__in={p["task"] for p in goods})
            .values_list("id", "enterprise_id", "assignee_id", "active", "deleted", "consecutive_missed")
        }
        # the cycles that may hold the checks, locked: two phones filling one cycle meet here
        low = min(p["done_at"] for p in goods)
        high = max(p["done_at"] for p in goods)
        candidates: dict[int, list[_Cycle]] = {}
        for row in (
            CheckRecord.objects.select_for_update()
            .filter(task_id__in=list(tasks), opens_at__lte=high, due_at__gt=low)
            .order_by("opens_at")
            .values_list(*_Cycle.COLUMNS)
        ):
            record = _Cycle(*row)
            candidates.setdefault(record.task_id, []).append(record)
        late_after = datetime.timedelta(hours=settings.ZHIBEN["CHECK_LATE_UPLOAD_HOURS"])
        taken: dict[int, int] = {}
        plan: list[tuple[int, dict[str, Any], _Cycle, bool]] = []  # (index, item, record, duplicate)
        for i, item in enumerate(goods):
            where = f"items[{i}]"
            task = tasks.get(item["task"])
            if task is None:
                errors[f"{where}.task"] = "排查任务不存在"
                continue
            refusal = _who_refusal(actor, task)
            if refusal:
                errors[f"{where}.task"] = refusal
                continue
            found = next((r for r in candidates.get(task.pk, []) if r.opens_at <= item["done_at"] < r.due_at), None)
            if found is None:
                errors[f"{where}.done_at"] = _not_due(task, item["done_at"])
                continue
            record = found
            if record.status in (RecordStatus.DONE, RecordStatus.LATE):
                if item["client_id"] and record.external_id == item["client_id"]:
                    plan.append((i, item, record, True))
                    continue
                errors[f"{where}.done_at"] = (
                    f"本周期已排查（{timezone.localtime(record.done_at):%Y-%m-%d %H:%M}），不能重复记录"
                    if record.done_at
                    else "本周期已排查，不能重复记录"
                )
                continue
            if not task.active or task.deleted:
                errors[f"{where}.task"] = "该排查任务已停用"
                continue
            if record.pk in taken:
                errors[f"{where}.done_at"] = f"与第 {taken[record.pk] + 1} 条记录属于同一排查周期，不能重复记录"
                continue
            taken[record.pk] = i
            plan.append((i, item, record, False))
        if errors:
            raise FieldErrors(errors)
        changes: list[tallies.Change] = []
        updated: list[_Cycle] = []
        answers: dict[int, dict[str, Any]] = {}
        for i, item, record, duplicate in plan:
            if not duplicate:
                before = record.status
                late = now - item["done_at"] > late_after
                record.status = RecordStatus.LATE if late else RecordStatus.DONE
                record.result = item["result"]
                record.done_at = item["done_at"]
                record.done_by_id = actor.pk
                record.received_at = now
                record.note = item["note"]
                record.external_id = item["client_id"]
                record.updated_at = now
                if item["result"] == CheckResult.FAIL:
                    full = CheckTask.objects.select_related("enterprise", "measure__event__unit").get(pk=record.task_id)
                    record.hazard_id = _hazard(actor, full, item, i).pk
                updated.append(record)
                changes.append(
                    (
                        (record.day, record.region_id, record.sector_id, record.enterprise_id),
                        before,
                        record.status,
                        item["result"] == CheckResult.FAIL,
                    )
                )
            answers[i] = {
                "id": record.pk,
                "task": record.task_id,
                "status": record.status,
                "late": record.status == RecordStatus.LATE,
                "result": record.result,
                "hazard": record.hazard_id,
                "duplicate": duplicate,
            }
        if updated:
            _write(updated)
            # a done check ends the task's run of missed cycles (the ladder starts again); most tasks have none
            done_tasks = sorted({r.task_id for r in updated if tasks[r.task_id].consecutive_missed})
            for start in range(0, len(done_tasks), 5000):
                CheckTask.objects.filter(id__in=done_tasks[start : start + 5000], consecutive_missed__gt=0).update(
                    consecutive_missed=0
                )
            tallies.add_changes(changes)
            digest = hashlib.sha256(
                "\n".join(
                    f"{r.pk}|{r.status}|{r.result}|{r.done_at.isoformat() if r.done_at else ''}" for r in updated
                ).encode()
            ).hexdigest()
            # one event per submission, on its first record, with a digest of every record it filled (a batch of 5,000
            # writes one event, not 5,000)
            event_append(
                actor=actor,
                subject_type="check_record",
                subject_id=str(updated[0].pk),
                kind="recorded",
                payload={
                    "records": len(updated),
                    "enterprise": updated[0].enterprise_id,
                    "failed": sum(1 for r in updated if r.result == CheckResult.FAIL),
                    "late": sum(1 for r in updated if r.status == RecordStatus.LATE),
                    "digest": digest,
                },
            )
        return [answers[i] for i in range(len(goods))]


# the columns a check fills, with PostgreSQL's type for a VALUES list (SQLite takes the values as they are)
WRITTEN = (
    ("id", "bigint"),
    ("status", "varchar"),
    ("result", "varchar"),
    ("done_at", "timestamptz"),
    ("done_by_id", "bigint"),
    ("received_at", "timestamptz"),
    ("note", "varchar"),
    ("external_id", "varchar"),
    ("hazard_id", "bigint"),
    ("updated_at", "timestamptz"),
)


class _Task(NamedTuple):
    pk: int
    enterprise_id: int
    assignee_id: int | None
    active: bool
    deleted: bool
    consecutive_missed: int


@dataclass(slots=True)
class _Cycle:
    """A check record's columns as the submission reads and writes them."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "id",
        "task_id",
        "enterprise_id",
        "region_id",
        "sector_id",
        "day",
        "opens_at",
        "due_at",
        "status",
        "result",
        "done_at",
        "external_id",
        "hazard_id",
    )
    pk: int
    task_id: int
    enterprise_id: int
    region_id: str
    sector_id: str
    day: datetime.date
    opens_at: datetime.datetime
    due_at: datetime.datetime
    status: str
    result: str
    done_at: datetime.datetime | None
    external_id: str
    hazard_id: int | None
    done_by_id: int | None = None
    received_at: datetime.datetime | None = None
    note: str = ""
    updated_at: datetime.datetime | None = None


def _write(records: Sequence[_Cycle]) -> None:
    """Write the checks' columns of ``records`` in one statement: on PostgreSQL ``UPDATE … FROM unnest(arrays)`` (ten
    parameters whatever the number of checks), elsewhere ``UPDATE … FROM (VALUES …)`` per 500 rows. Django's
    ``bulk_update`` builds a CASE per column and row: it was most of a request's time at 200 checks."""
    table = CheckRecord._meta.db_table
    ops = connection.ops
    names = ", ".join(c for c, _ in WRITTEN)
    sets = ", ".join(f"{c} = v.{c}" for c, _ in WRITTEN if c != "id")

    def row(r: _Cycle) -> list[Any]:
        return [
            r.pk,
            r.status,
            r.result,
            ops.adapt_datetimefield_value(r.done_at),
            r.done_by_id,
            ops.adapt_datetimefield_value(r.received_at),
            r.note,
            r.external_id,
            r.hazard_id,
            ops.adapt_datetimefield_value(r.updated_at),
        ]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = list(zip(*(row(r) for r in records), strict=True))
            arrays = ", ".join(f"%s::{t}[]" for _, t in WRITTEN)
            cursor.execute(
                f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({names}) "  # noqa: S608 - our table
                f"WHERE {table}.id = v.id",
                [list(c) for c in columns],
            )
            return
        one = "(" + ", ".join(["%s"] * len(WRITTEN)) + ")"
        for start in range(0, len(records), 500):
            batch = records[start : start + 500]
            params: list[Any] = [value for r in batch for value in row(r)]
            cursor.execute(
                f"WITH v({names}) AS (VALUES {', '.join([one] * len(batch))}) "  # noqa: S608 - our table; %s values
                f"UPDATE {table} SET {sets} FROM v WHERE {table}.id = v.id",
                params,
            )


def _who_refusal(actor: User, task: _Task) -> str:
    """Why ``actor`` may not record a check of ``task`` ("" when they may)."""
    if task.assignee_id is not None:
        if task.assignee_id != actor.pk:
            who = User.objects.filter(pk=task.assignee_id).first()
            return f"该任务的排查人是 {who}，只有排查人本人可以填写排查记录"
        return ""
    if actor.role != Role.ENTERPRISE or actor.enterprise_id != task.enterprise_id:
        return "排查记录由本企业人员填写"
    return ""


def _not_due(task: _Task, done_at: datetime.datetime) -> str:
    """Why no cycle of ``task`` holds ``done_at``: the cycle before and after, when there are."""
    shown = f"{timezone.localtime(done_at):%Y-%m-%d %H:%M}"
    after = CheckRecord.objects.filter(task_id=task.pk, opens_at__gt=done_at).order_by("opens_at").first()
    before = CheckRecord.objects.filter(task_id=task.pk, due_at__lte=done_at).order_by("-due_at").first()
    text = f"该任务在 {shown} 不在排查周期内（未到排查时间）"
    if before is not None:
        text += f"；上一周期 {timezone.localtime(before.due_at):%Y-%m-%d %H:%M} 已截止"
    if after is not None:
        text += f"；下一周期 {timezone.localtime(after.opens_at):%Y-%m-%d %H:%M} 开始"
    return text


def _hazard(actor: User, task: CheckTask, item: Mapping[str, Any], i: int) -> Any:
    """The hazard a failed check opens (企业自查, found on the check's Beijing day), through the hazard register."""
    given = dict(item.get("hazard") or {})
    unit = task.measure.event.unit if task.measure_id and task.measure else None
    data = {
        "enterprise": task.enterprise.credit_code,
        "source": "self_check",
        "level": given.get("level") or "general",
        "title": given.get("title") or f"排查发现：{task.content}"[:200],
        "description": given.get("description") or item.get("note") or "",
        "location": given.get("location") or (unit.name if unit else ""),
        "discovered_on": beijing_day(item["done_at"]).isoformat(),
        "deadline": given.get("deadline"),
        "criterion": given.get("criterion") or "",
    }
    try:
        report = hazard_input(data, actor=actor)
        return hazard_create(actor=actor, report=report)
    except FieldErrors as exc:
        raise FieldErrors({f"items[{i}].hazard.{k}": v for k, v in exc.errors.items()}) from exc
