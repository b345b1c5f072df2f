"""``/api/v1/check-tasks``, ``/api/v1/check-records`` (bulk ``POST`` accepted) and ``/api/v1/stats/checks``
(DESIGN.md §6 "Dual prevention"). Reads through the scoped selectors (out of scope answers 404, as for a missing
record); writes through the services (``services/tasks.py``, ``services/records.py``): 403 for one who sees but may
not write, 422 naming the field or the item (``items[3].done_at``)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import BaseModel

from zhiben.accounts.request import request_actor
from zhiben.common.dates import parse_day
from zhiben.common.errors import FieldErrors, NotFound, UnsupportedMediaType
from zhiben.common.inputs import MESSAGES, json_body, json_content

from ..models import CheckKind, CheckRecord, CheckTask, RecordStatus
from ..selectors import enterprise_visible, int_param, paging, tasks_visible
from ..selectors.checks import check_stats, due_now, record_list, task_list
from ..services.records import records_submit
from ..services.tasks import rhythm_ensure, task_create, task_delete, task_update

tasks_router = Router(tags=["dual-prevention"])
records_router = Router(tags=["dual-prevention"])
stats_router = Router(tags=["dual-prevention"])
rhythm_router = Router(tags=["dual-prevention"])


def _day(name: str, raw: str, label: str) -> datetime.date | None:
    try:
        return parse_day(raw or None, label=label)
    except ValueError as exc:
        raise FieldErrors({name: str(exc)}) from None


class TaskOut(Schema):
    id: int
    enterprise: str
    enterprise_name: str
    kind: str
    kind_name: str
    measure: int | None
    content: str
    cycle_value: int
    cycle_unit: str
    working_days_only: bool
    starts_on: datetime.date
    assignee: str | None
    active: bool
    consecutive_missed: int
    updated_at: datetime.datetime

    @staticmethod
    def resolve_enterprise(obj: CheckTask) -> str:
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise_name(obj: CheckTask) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_kind_name(obj: CheckTask) -> str:
        return CheckKind(obj.kind).label

    @staticmethod
    def resolve_measure(obj: CheckTask) -> int | None:
        return obj.measure_id

    @staticmethod
    def resolve_assignee(obj: CheckTask) -> str | None:
        return obj.assignee.username if obj.assignee is not None else None


class TaskList(Schema):
    items: list[TaskOut]
    count: int


class RecordOut(Schema):
    id: int
    task: int
    enterprise: str
    content: str
    day: datetime.date
    opens_at: datetime.datetime
    due_at: datetime.datetime
    status: str
    status_name: str
    late: bool
    result: str
    done_at: datetime.datetime | None
    done_by: str | None
    received_at: datetime.datetime | None
    note: str
    hazard: int | None

    @staticmethod
    def resolve_task(obj: CheckRecord) -> int:
        return int(obj.task_id)

    @staticmethod
    def resolve_enterprise(obj: CheckRecord) -> str:
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_content(obj: CheckRecord) -> str:
        return obj.task.content

    @staticmethod
    def resolve_status_name(obj: CheckRecord) -> str:
        return RecordStatus(obj.status).label

    @staticmethod
    def resolve_late(obj: CheckRecord) -> bool:
        return obj.status == RecordStatus.LATE

    @staticmethod
    def resolve_done_by(obj: CheckRecord) -> str | None:
        return obj.done_by.username if obj.done_by is not None else None

    @staticmethod
    def resolve_hazard(obj: CheckRecord) -> int | None:
        return obj.hazard_id


class RecordList(Schema):
    items: list[RecordOut]
    count: int


class Submitted(BaseModel):
    """A plain pydantic model: validated by pydantic-core alone (a Ninja ``Schema`` reads each attribute through its
    ORM getter — a tenth of a 200-check request's time)."""

    id: int
    task: int
    status: str
    late: bool
    result: str
    hazard: int | None
    duplicate: bool


class SubmittedList(BaseModel):
    items: list[Submitted]
    count: int


# --- tasks ----------------------------------------------------------------------------------------------------


@tasks_router.get("", response=TaskList)
def list_tasks(
    request: HttpRequest,
    enterprise: str = "",
    kind: str = "",
    measure: str = "",
    mine: bool = False,
    limit: str = "",
    offset: str = "",
) -> dict[str, Any]:
    """Check tasks the caller may see (live ones), by ``enterprise`` (credit code), ``kind``, ``measure``, ``mine``."""
    if kind and kind not in CheckKind.values:
        raise FieldErrors({"kind": "任务类型应为 " + "、".join(CheckKind.values) + " 之一"})
    qs = task_list(
        actor=request_actor(request),
        filters={"enterprise": enterprise[:18], "kind": kind, "measure": int_param("measure", measure), "mine": mine},
    )
    start, size = paging(limit, offset)
    return {"items": list(qs[start : start + size]), "count": qs.count()}


@tasks_router.post("", response={201: TaskOut})
def create_task(request: HttpRequest) -> Status[CheckTask]:
    """``{"measure": id | "kind": "team_daily"…, "enterprise"?, "content"?, "cycle_value", "cycle_unit",
    "working_days_only"?, "starts_on"?, "assignee"?}`` → 201 the task. The enterprise's staff or an admin (403);
    422 naming the field (a measure of another enterprise is refused on ``measure``)."""
    task = task_create(actor=request_actor(request), data=json_body(request))
    return Status(201, _task(request, task.pk))


def _task(request: HttpRequest, task_id: int) -> CheckTask:
    found = (
        tasks_visible(request_actor(request))
        .filter(pk=task_id, deleted=False)
        .select_related("enterprise", "assignee")
        .first()
    )
    if found is None:
        raise NotFound("排查任务不存在")
    return found


@tasks_router.get("/{task_id}", response=TaskOut)
def get_task(request: HttpRequest, task_id: int) -> CheckTask:
    """One check task."""
    return _task(request, task_id)


@tasks_router.patch("/{task_id}", response=TaskOut)
def update_task(request: HttpRequest, task_id: int) -> CheckTask:
    """Change a task's ``content``, ``cycle_value``/``cycle_unit``, ``working_days_only``, ``starts_on``, ``assignee``
    or ``active``."""
    _task(request, task_id)
    task_update(actor=request_actor(request), task_id=task_id, data=json_body(request))
    return _task(request, task_id)


@tasks_router.delete("/{task_id}", response={204: None})
def delete_task(request: HttpRequest, task_id: int) -> Status[None]:
    """Remove a task (kept, marked deleted, for the national interface's feed); its records stay."""
    task_delete(actor=request_actor(request), task_id=task_id)
    return Status(204, None)


@rhythm_router.post("/{credit_code}/rhythm-tasks", response={200: TaskList})
def ensure_rhythm(request: HttpRequest, credit_code: str) -> dict[str, Any]:
    """Create the rhythm tasks the enterprise lacks (班组日检 · 部门周检 · 厂级月检 · 主要负责人带队检查); answers those
    created."""
    actor = request_actor(request)
    enterprise = enterprise_visible(actor, credit_code[:18])
    made = rhythm_ensure(actor=actor, enterprise=enterprise)
    items = list(CheckTask.objects.filter(pk__in=[t.pk for t in made]).select_related("enterprise", "assignee"))
    return {"items": items, "count": len(items)}


# --- records --------------------------------------------------------------------------------------------------


@records_router.get("", response=RecordList)
def list_records(
    request: HttpRequest,
    enterprise: str = "",
    task: str = "",
    status: str = "",
    mine: bool = False,
    due: bool = False,
    date_from: str = "",
    date_to: str = "",
    limit: str = "",
    offset: str = "",
) -> dict[str, Any]:
    """Check records the caller may see, newest cycle first; ``due=true``: the open cycles waiting on the caller now
    (the phone's list). Filters: ``enterprise``, ``task``, ``status`` (planned/done/late/missed), ``mine``,
    ``date_from``/``date_to`` (Beijing days the cycles opened)."""
    actor = request_actor(request)
    if status and status not in RecordStatus.values:
        raise FieldErrors({"status": "状态应为 " + "、".join(RecordStatus.values) + " 之一"})
    if due:
        qs = due_now(actor=actor, now=timezone.now()).select_related("enterprise", "done_by")
    else:
        qs = record_list(
            actor=actor,
            filters={
                "enterprise": enterprise[:18],
                "task": int_param("task", task),
                "status": status,
                "mine": mine,
                "date_from": _day("date_from", date_from, "起始日期"),
                "date_to": _day("date_to", date_to, "截止日期"),
            },
        )
    start, size = paging(limit, offset)
    return {"items": list(qs[start : start + size]), "count": qs.count()}


def _items(request: HttpRequest) -> list[Any]:
    """The checks of a request: a JSON list, ``{"items": [...]}``, or one check object."""
    if not json_content(request.content_type or ""):
        raise UnsupportedMediaType(MESSAGES["json_content_type"])
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise FieldErrors({"body": MESSAGES["json_invalid"]}) from None
    if isinstance(data, dict) and "items" in data:
        if not isinstance(data["items"], list):
            raise FieldErrors({"items": "items 应为排查记录的列表"})
        return list(data["items"])
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise FieldErrors({"body": "请求体应为排查记录对象或其列表"})


@records_router.post("", response={201: SubmittedList})
def submit_records(request: HttpRequest) -> Status[dict[str, Any]]:
    """One check ``{"task", "done_at", "result": "pass"|"fail", "note"?, "client_id"?, "hazard"?}`` or a list of up to
    5,000 (a phone that was offline). All or nothing: 422 naming each bad item (``items[3].done_at``: not due, already
    done, not the assignee …); a check uploaded more than ``CHECK_LATE_UPLOAD_HOURS`` after it was made is kept with
    its time and answered ``late``; a repeated ``client_id`` is answered ``duplicate``; a failed check answers the
    hazard it opened."""
    answers = records_submit(actor=request_actor(request), items=_items(request))
    return Status(201, {"items": answers, "count": len(answers)})


@records_router.get("/{record_id}", response=RecordOut)
def get_record(request: HttpRequest, record_id: int) -> CheckRecord:
    """One check record."""
    found = (
        record_list(actor=request_actor(request), filters={})
        .filter(pk=record_id)
        .select_related("enterprise", "task", "done_by")
        .first()
    )
    if found is None:
        raise NotFound("排查记录不存在")
    return found


# --- statistics -----------------------------------------------------------------------------------------------


@stats_router.get("")
def stats_checks(
    request: HttpRequest, region: str = "", sector: str = "", date_from: str = "", date_to: str = ""
) -> dict[str, Any]:
    """Check compliance from the tallies, by region subtree (default the caller's) and period (Beijing days the
    cycles opened; default this month): ``totals`` and ``rows`` per direct child region and ``sectors`` (planned,
    on_time, late, missed, failed, pending, closed, compliance, on_time_rate), ``grades`` (enterprises by register
    grade), ``no_checks``, ``hazards`` (``by_checks`` vs ``by_inspections``) and ``gap`` (有问题查不出)."""
    try:
        answer = check_stats(
            actor=request_actor(request),
            region=region[:12] or None,
            sector=sector[:32] or None,
            date_from=_day("date_from", date_from, "起始日期"),
            date_to=_day("date_to", date_to, "截止日期"),
        )
    except FieldErrors as exc:  # the selector names the period's ends as the page does (from, to)
        raise FieldErrors({{"from": "date_from", "to": "date_to"}.get(k, k): v for k, v in exc.errors.items()}) from exc
    answer["from"], answer["to"] = answer["from"].isoformat(), answer["to"].isoformat()
    return answer
