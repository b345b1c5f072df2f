"""/api/v1/plans, /api/v1/tasks and /api/v1/stats/tasks (DESIGN.md §6, "Departments, plans and tasks"): plan
documents in (parse → preview → save), tasks, progress reports and the steps of 对账销号. Every read goes through
the scoped selectors: out of scope answers 404, as for a missing record."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.common.inputs import json_body, json_content
from zhiben.common.xlsx import xlsx_openapi, xlsx_response

from . import exports
from .inputs import plan_input, task_input
from .models import Plan, Task, TaskStatus
from .preview import preview_plan
from .selectors import (
    board,
    plan_list,
    plan_require,
    progress_file,
    progress_of,
    sees_whole_plan,
    subtree,
    task_list,
    task_require,
    task_stats,
)
from .services import plan_create, progress_report, task_accept, task_add, task_done, task_reject

plans_router = Router(tags=["plans"])
tasks_router = Router(tags=["plans"])
stats_router = Router(tags=["plans"])


def plan_view(plan: Plan, *, tasks: int | None = None) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "region": plan.region_id,
        "region_name": plan.region.name,
        "parent": plan.parent_id,
        "title": plan.title,
        "doc_number": plan.doc_number,
        "issuer": plan.issuer,
        "issued_on": plan.issued_on,
        "source_name": plan.source_name,
        "created_at": plan.created_at,
        **({"task_count": tasks} if tasks is not None else {}),
    }


def unit_view(u: Any) -> dict[str, Any]:
    return {
        "id": u.pk,
        "role": u.role,
        "text": u.text,
        "name": u.name,
        "department": u.department_id,
        "region": u.region_id,
        "generic": u.generic,
        "flag": u.flag,
    }


def task_view(t: Task, today: datetime.date) -> dict[str, Any]:
    units = list(t.units.all())
    late = t.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
    return {
        "id": t.pk,
        "plan": t.plan_id,
        "plan_title": t.plan.title,
        "region": t.region_id,
        "parent": t.parent_id,
        "number": t.number,
        "action_number": t.action_number,
        "action": t.action,
        "text": t.text,
        "due_text": t.due_text,
        "due_rule": {
            "kind": t.due_kind,
            "due": t.due_on,
            "month": t.due_month,
            "day": t.due_day,
            "every": t.report_every or None,
            "years": list(t.years or []),
        },
        # the day that matters next: the deadline, or (每年 / 长期坚持) the owed report's due day
        "due": t.due_on or t.report_due,
        "report_period": t.report_period or None,
        "report_due": t.report_due,
        "status": t.status,
        "status_label": t.get_status_display(),
        "percent": t.percent,
        "overdue": late and t.due_on is not None and t.due_on < today,
        "report_missing": late and t.report_due is not None and t.report_due < today,
        "done_on": t.done_on,
        "accepted_on": t.accepted_on,
        "lead_units": [unit_view(u) for u in units if u.role == "lead"],
        "co_units": [unit_view(u) for u in units if u.role == "co"],
    }


ID_MAX = 2**63 - 1


def _int(name: str, raw: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise FieldErrors({name: "应为整数"}) from None
    if abs(value) > ID_MAX:  # the database's integers are 64-bit: a larger one would reach it and fail there
        raise FieldErrors({name: f"应为不超过 {ID_MAX} 的整数"})
    return value


def _yes_no(name: str, raw: str) -> bool | None:
    value = (raw or "").strip().lower()
    if not value:
        return None
    if value in ("true", "1", "yes", "是"):
        return True
    if value in ("false", "0", "no", "否"):
        return False
    raise FieldErrors({name: "应为 true 或 false"})


def _paging(raw: str, name: str, default: int, most: int) -> int:
    value = _int(name, raw)
    if value is None:
        return default
    if not 0 <= value <= most:
        raise FieldErrors({name: f"应在 0–{most} 之间"})
    return value


def _status(raw: str) -> str | None:
    value = (raw or "").strip()
    if value and value not in TaskStatus.values:
        raise FieldErrors({"status": f"状态应为 {'、'.join(TaskStatus.values)} 之一"})
    return value or None


MAX_PLAN_FILE = 20 * 1024 * 1024


@plans_router.post("/parse", response=dict[str, Any])
def parse_plan_document(request: HttpRequest, file: File[UploadedFile], region: Form[str] = "") -> dict[str, Any]:
    """A plan document (multipart ``file``: .docx or .txt, and ``region``) → the preview of its structure, each
    unit matched in ``region`` (``{text, department, region, generic, candidates, flag}``). Nothing is saved.
    A file that is not a plan answers 422 naming ``file`` with the parser's message."""
    actor = request_actor(request)
    code = subtree(actor=actor, region=region)
    if code is None:
        raise FieldErrors({"region": "必填"})
    if file.size and file.size > MAX_PLAN_FILE:
        raise FieldErrors({"file": f"文件过大：不能超过 {MAX_PLAN_FILE // (1024 * 1024)} MB"})
    return preview_plan(file.read(MAX_PLAN_FILE + 1), file.name or "", code)


@plans_router.post("", response={201: dict[str, Any]})
def create_plan(request: HttpRequest) -> Status[dict[str, Any]]:
    """Save a plan with its tasks (one transaction: all or nothing): ``{region, parent?, title, doc_number?,
    issuer?, issued_on?, tasks: [{number, action_number?, action?, text, due_text?, due?, due_rule?,
    parent_number?, lead_units: [{text, department?|region?}], co_units: […]}]}`` → 201 the plan. 422 names the
    field (``tasks[3].lead_units[0]`` for a unit of another region)."""
    actor = request_actor(request)
    plan = plan_create(actor=actor, data=plan_input(json_body(request)))
    return Status(201, plan_view(plan_require(actor=actor, plan_id=plan.pk), tasks=plan.tasks.count()))


@plans_router.get("", response=dict[str, Any])
def list_plans(request: HttpRequest, region: str = "", limit: str = "", offset: str = "") -> dict[str, Any]:
    """Plans the caller may see (those of their region and below, and those where their unit has tasks)."""
    actor = request_actor(request)
    code = subtree(actor=actor, region=region) if region.strip() else None
    qs = plan_list(actor=actor, region=code)
    start, size = _paging(offset, "offset", 0, 10**9), _paging(limit, "limit", 50, 500)
    return {"items": [plan_view(p) for p in qs[start : start + size]], "count": qs.count()}


@plans_router.get("/{int:plan_id}", response=dict[str, Any])
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """One plan with the tasks the caller may see (all of them for officers of its region and above; a unit's
    officers only the unit's) and whether the caller sees the whole plan (``whole``)."""
    actor = request_actor(request)
    plan = plan_require(actor=actor, plan_id=plan_id)
    today = dates.today()
    tasks = [task_view(t, today) for t in task_list(actor=actor, plan=plan.pk)]
    return {**plan_view(plan, tasks=len(tasks)), "whole": sees_whole_plan(actor, plan), "tasks": tasks}


@plans_router.post("/{int:plan_id}/tasks", response={201: dict[str, Any]})
def add_task(request: HttpRequest, plan_id: int) -> Status[dict[str, Any]]:
    """Add one task to a saved plan: ``{number?, action_number?, action?, text, due_text?, due?, due_rule?,
    parent_number?, lead_units: [{text?, department?|region?}], co_units: […]}`` → 201 the task. Officers of the
    plan's region or above (403 for a unit below); 422 naming the field (``number`` already in the plan)."""
    actor = request_actor(request)
    plan = plan_require(actor=actor, plan_id=plan_id)
    task = task_add(actor=actor, plan=plan, data=task_input(json_body(request)))
    return Status(201, _task_answer(actor, task.pk))


@plans_router.get("/{int:plan_id}/board.xlsx", openapi_extra=xlsx_openapi("挂图作战 (.xlsx)"))
def plan_board_xlsx(
    request: HttpRequest, plan_id: int, unit: str = "", status: str = "", overdue: str = ""
) -> HttpResponse:
    """The plan's board as a workbook: one row per task the caller may see, with its units, due day and state;
    filtered as the board page is (``unit``: a member unit's id, ``status`` — or ``overdue`` —, ``overdue``),
    so that the export holds what the user is looking at."""
    actor = request_actor(request)
    plan = plan_require(actor=actor, plan_id=plan_id)
    wanted = status.strip()
    if wanted and wanted not in (*TaskStatus.values, "overdue"):
        raise FieldErrors({"status": f"状态应为 {'、'.join((*TaskStatus.values, 'overdue'))} 之一"})
    rows = board(
        actor=actor,
        plan=plan.pk,
        unit=_int("unit", unit),
        status=wanted or None,
        overdue=_yes_no("overdue", overdue),
    )
    data = exports.board_xlsx(plan.title, rows)
    return xlsx_response(data, f"{plan.title[:60]}挂图作战.xlsx", fallback="board.xlsx")


@tasks_router.get("", response=dict[str, Any])
def list_tasks(
    request: HttpRequest,
    plan: str = "",
    unit: str = "",
    overdue: str = "",
    status: str = "",
    region: str = "",
    limit: str = "",
    offset: str = "",
) -> dict[str, Any]:
    """Tasks the caller may see. Filters: ``plan`` (id), ``unit`` (a member unit's id: tasks it leads or
    co-operates on), ``overdue`` (true: open and past the deadline or a periodic report's due day, Beijing),
    ``status``, ``region`` (subtree)."""
    actor = request_actor(request)
    today = dates.today()
    code = subtree(actor=actor, region=region) if region.strip() else None
    qs = task_list(
        actor=actor,
        plan=_int("plan", plan),
        unit=_int("unit", unit),
        overdue=_yes_no("overdue", overdue),
        status=_status(status),
        region=code,
        today=today,
    )
    start, size = _paging(offset, "offset", 0, 10**9), _paging(limit, "limit", 50, 500)
    return {"items": [task_view(t, today) for t in qs[start : start + size]], "count": qs.count()}


def _task_answer(actor: Any, task_id: int) -> dict[str, Any]:
    task = task_require(actor=actor, task_id=task_id)
    progress = [
        {
            "id": p.pk,
            "period": p.period,
            "text": p.text,
            "percent": p.percent,
            "unit": p.unit_name,
            "reported_by": p.reported_by.full_name or p.reported_by.username,
            "reported_on": p.reported_on,
            "files": [
                {
                    "id": f.pk,
                    "name": f.original_name,
                    "size": f.size,
                    "content_type": f.content_type,
                    "url": f"/api/v1/tasks/{task.pk}/files/{f.pk}",
                }
                for f in p.files.all()
            ],
        }
        for p in progress_of(task)
    ]
    return {**task_view(task, dates.today()), "progress": progress}


@tasks_router.get("/{int:task_id}", response=dict[str, Any])
def get_task(request: HttpRequest, task_id: int) -> dict[str, Any]:
    """One task with its units and progress reports (newest first)."""
    return _task_answer(request_actor(request), task_id)


@tasks_router.get("/{int:task_id}/files/{int:file_id}")
def download_file(request: HttpRequest, task_id: int, file_id: int) -> FileResponse:
    """A progress report's attachment, for those who see the task only (404 otherwise, as for a missing one)."""
    task = task_require(actor=request_actor(request), task_id=task_id)
    stored = progress_file(task=task, file_id=file_id)
    if stored is None:
        raise NotFound("文件不存在")
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


@tasks_router.post("/{int:task_id}/progress", response={201: dict[str, Any]})
def report_progress(request: HttpRequest, task_id: int) -> Status[dict[str, Any]]:
    """``{"period","text","percent"}`` as JSON, or the same fields as a multipart form with files in ``files``
    (JPEG, PNG, WebP or PDF). Only a unit of the task (lead or co-operating) or an admin; 422 names the field;
    409 when the task is done or accepted."""
    actor = request_actor(request)
    if json_content(request.content_type or ""):
        body: Any = json_body(request)
        uploads: list[Any] = []
    else:
        body = request.POST
        uploads = [(f, f.name or "", f.size) for f in request.FILES.getlist("files")]
    progress_report(
        actor=actor,
        task_id=task_id,
        period=body.get("period"),
        text=body.get("text"),
        percent=body.get("percent"),
        files=uploads,
    )
    return Status(201, _task_answer(actor, task_id))


@tasks_router.post("/{int:task_id}/done", response=dict[str, Any])
def mark_done(request: HttpRequest, task_id: int) -> dict[str, Any]:
    """The lead unit marks the task done (已完成，待验收); 403 for anyone else, 409 from a wrong state."""
    actor = request_actor(request)
    task_done(actor=actor, task_id=task_id)
    return _task_answer(actor, task_id)


@tasks_router.post("/{int:task_id}/accept", response=dict[str, Any])
def accept(request: HttpRequest, task_id: int) -> dict[str, Any]:
    """The committee office (安委会办公室) of the plan's region or above accepts a done task (对账销号)."""
    actor = request_actor(request)
    task_accept(actor=actor, task_id=task_id)
    return _task_answer(actor, task_id)


@tasks_router.post("/{int:task_id}/reject", response=dict[str, Any])
def reject(request: HttpRequest, task_id: int) -> dict[str, Any]:
    """``{"reason"}``: the committee office sends a done task back to in progress."""
    actor = request_actor(request)
    body = json_body(request)
    task_reject(actor=actor, task_id=task_id, reason=body.get("reason"))
    return _task_answer(actor, task_id)


@stats_router.get("", response=dict[str, Any])
def stats_tasks(request: HttpRequest, region: str = "", plan: str = "") -> dict[str, Any]:
    """Task completion, overdue and missing-report counts of the tasks the caller may see, by plan, by lead unit
    (member unit) and by the direct children of ``region`` (default: the caller's own region)."""
    actor = request_actor(request)
    if actor.role != "admin" and not (actor.is_regulator and actor.region_id):
        raise NotFound("区划不存在")
    code = subtree(actor=actor, region=region) if region.strip() else (actor.region_id if actor.is_regulator else None)
    plan_id = _int("plan", plan)
    if plan_id is not None:
        plan_require(actor=actor, plan_id=plan_id)
    return task_stats(actor=actor, region=code, plan=plan_id)
