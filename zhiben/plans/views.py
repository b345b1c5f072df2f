"""The plan pages (方案任务): the list, the import (upload → preview to correct → confirm), a plan, the board
(挂图作战) and a task with its progress and steps. Thin: every read through the selectors, every write through
the services."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import DomainError, FieldErrors, NotFound
from zhiben.common.idempotency import once_per_form
from zhiben.common.middleware import page_field_labels
from zhiben.departments.selectors import department_list

from .inputs import plan_input, task_input
from .models import LIFECYCLE, TaskAction, TaskStatus
from .periods import period_of
from .preview import preview_plan
from .selectors import (
    actor_units,
    board,
    is_committee_office_over,
    plan_list,
    plan_require,
    progress_of,
    sees_whole_plan,
    subtree,
    task_list,
    task_require,
    task_stats,
)
from .services import plan_create, progress_report, task_accept, task_add, task_done, task_reject

LABELS = {
    "file": "方案文件",
    "region": "区划代码",
    "period": "报送期",
    "text": "进展情况",
    "percent": "进度",
    "reason": "退回理由",
    "by": "分组",
    "plan": "方案",
    "status": "状态",
    "unit": "牵头单位",
    "overdue": "逾期",
    "title": "标题",
    "doc_number": "文号",
    "issuer": "印发单位",
    "issued_on": "印发日期",
    "parent": "上级方案",
    "source_name": "文件名",
    "tasks": "任务",
    "action": "操作",
}
page_field_labels("plans", LABELS)
# the parts of a task's field path (``tasks[3].lead_units[0]``) as the page names them
_TASK_PARTS = {
    "number": "序号",
    "text": "任务内容",
    "action": "专项行动",
    "action_number": "行动序号",
    "parent_number": "所属任务",
    "due_text": "完成时限",
    "due": "完成日期",
    "due_rule": "完成时限",
    "lead_units": "牵头单位",
    "co_units": "配合单位",
}
_PATH = re.compile(r"tasks\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?)?")
MAX_PLAN_FILE = 20 * 1024 * 1024


def _field_name(key: str, tasks: list[dict[str, Any]]) -> str:
    """A field's Chinese name on the page: ``region`` → 区划代码, ``tasks[3].lead_units[0]`` → 任务 2.1的牵头单位
    （第 1 个）, by the task's own number where the page knows it; "" for the body as a whole."""
    if key == "body":
        return ""
    found = _PATH.fullmatch(key)
    if found is None:
        return LABELS.get(key, "")
    index, part, unit = int(found.group(1)), found.group(2), found.group(3)
    number = str(tasks[index].get("number") or "") if index < len(tasks) else ""
    name = f"任务 {number}" if number else f"第 {index + 1} 项任务"
    if part:
        name += f"的{_TASK_PARTS.get(part, '内容')}"
    if unit is not None:
        name += f"（第 {int(unit) + 1} 个）"
    return name


def _error(exc: DomainError, tasks: list[dict[str, Any]] | None = None) -> str:
    """The refusal as one sentence for the page, each field by its Chinese name (never its key)."""
    if isinstance(exc, FieldErrors):
        parts = []
        for key, text in exc.errors.items():
            name = _field_name(key, tasks or [])
            parts.append(f"{name}：{text}" if name else text)
        return "；".join(parts)
    return exc.message


@login_required
def plan_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.role == "enterprise":
        raise Http404("方案不存在")
    plans = list(plan_list(actor=actor)[:200])
    stats = task_stats(actor=actor, region=actor.region_id if actor.is_regulator else None)
    return render(request, "plans/list.html", {"plans": plans, "stats": stats})


def preview_rule(task: dict[str, Any]) -> dict[str, Any] | None:
    """A preview task's due rule with its date (the preview keeps the date beside the rule, as ``due``)."""
    due = task.get("due")
    if isinstance(due, dict):
        return due
    if isinstance(task.get("due_rule"), dict):
        rule = dict(task["due_rule"])
        rule.setdefault("due", due if isinstance(due, str) else None)
        return rule
    return {"kind": "date", "due": due} if isinstance(due, str) and due else None


def _confirm_body(post: Any) -> dict[str, Any]:
    """The plan to save, from the preview (hidden JSON) and the user's corrections on the page."""
    try:
        preview = json.loads(post.get("preview") or "{}")
    except ValueError:
        raise FieldErrors({"file": "预览数据已损坏，请重新上传"}) from None
    if not isinstance(preview, dict) or not isinstance(preview.get("tasks"), list):
        raise FieldErrors({"file": "预览数据已损坏，请重新上传"})
    tasks = []
    for i, task in enumerate(preview["tasks"]):
        if not isinstance(task, dict):
            continue
        if post.get(f"skip-{i}"):
            continue
        item: dict[str, Any] = {
            k: task.get(k) for k in ("number", "action_number", "action", "text", "parent_number") if task.get(k)
        }
        rule = preview_rule(task)
        due_text = (post.get(f"due_text-{i}") or "").strip()
        due_day = (post.get(f"due-{i}") or "").strip()
        item["due_text"] = due_text
        if due_text == (task.get("due_text") or "") and isinstance(rule, dict):
            item["due_rule"] = rule
        if due_day and (not isinstance(rule, dict) or str(rule.get("due") or "") != due_day):
            item["due"] = due_day
        for role in ("lead_units", "co_units"):
            units = []
            for j, unit in enumerate(task.get(role) or []):
                text = unit.get("text", "") if isinstance(unit, dict) else str(unit)
                choice = (post.get(f"unit-{i}-{role}-{j}") or "").strip()
                if choice.startswith("d:"):
                    units.append({"text": text, "department": choice[2:]})
                elif choice.startswith("r:"):
                    units.append({"text": text, "region": choice[2:]})
                elif choice != "drop":
                    units.append({"text": text})
            item[role] = units
        if task.get("parent") and not item.get("parent_number"):
            item["parent_number"] = task["parent"]
        tasks.append(item)
    return {
        "region": post.get("region"),
        "parent": post.get("parent") or None,
        "title": post.get("title"),
        "doc_number": post.get("doc_number") or "",
        "issuer": post.get("issuer") or "",
        "issued_on": post.get("issued_on") or None,
        "source_name": post.get("source_name") or "",
        "tasks": tasks,
    }


@login_required
@once_per_form("plans.import")
def plan_import_view(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST with ``file``: the preview to correct (nothing saved). POST ``confirm``: save."""
    actor = request_actor(request)
    if actor.role == "enterprise":
        raise Http404("方案不存在")
    context: dict[str, Any] = {
        "region": (request.POST.get("region") or actor.region_id or "").strip(),
        "parents": list(plan_list(actor=actor)[:100]),
    }
    if request.method != "POST":
        return render(request, "plans/import.html", context)
    try:
        if request.POST.get("confirm"):
            body = _confirm_body(request.POST)
            try:
                plan = plan_create(actor=actor, data=plan_input(body))
            except FieldErrors as exc:
                context["error"] = _error(exc, body["tasks"])
                raise
            messages.success(request, f"已保存方案《{plan.title}》，共 {plan.tasks.count()} 项任务")
            return redirect("plan-detail", plan_id=plan.pk)
        upload = request.FILES.get("file")
        if upload is None:
            raise FieldErrors({"file": "请选择方案文件（.docx 或 .txt）"})
        if upload.size and upload.size > MAX_PLAN_FILE:
            raise FieldErrors({"file": f"文件过大：不能超过 {MAX_PLAN_FILE // (1024 * 1024)} MB"})
        code = subtree(actor=actor, region=context["region"])
        if code is None:
            raise FieldErrors({"region": "请填写方案所属区划代码"})
        preview = preview_plan(upload.read(MAX_PLAN_FILE + 1), upload.name or "", code)
        preview["source_name"] = upload.name or ""
        for task in preview.get("tasks", []):
            rule = preview_rule(task)
            task["due_day"] = str(rule.get("due") or "") if rule else ""
        context.update(preview=preview, preview_json=json.dumps(preview, ensure_ascii=False, default=str))
        return render(request, "plans/import.html", context)
    except NotFound as exc:
        context["error"] = exc.message
    except DomainError as exc:
        context["error"] = context.get("error") or _error(exc)
        if request.POST.get("confirm"):  # keep the preview on the page to correct it
            try:
                preview = json.loads(request.POST.get("preview") or "{}")
                context.update(preview=preview, preview_json=request.POST.get("preview"))
            except ValueError:
                pass
    return render(request, "plans/import.html", context, status=422)


@login_required
@once_per_form("plans.add_task")
def plan_detail_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan and the tasks the actor sees; officers of its region or above add a task here (``POST``: number,
    action, text, due text, a lead unit chosen or written, co-operating units chosen)."""
    actor = request_actor(request)
    try:
        plan = plan_require(actor=actor, plan_id=plan_id)
    except NotFound:
        raise Http404("方案不存在") from None
    whole = sees_whole_plan(actor, plan)
    error = ""
    if request.method == "POST":
        form = request.POST
        lead: dict[str, Any] = {"text": form.get("lead_text", "").strip()}
        if form.get("lead", "").strip():
            lead["department"] = form.get("lead", "").strip()
        body = {
            "number": form.get("number", ""),
            "action": form.get("action_title", ""),
            "text": form.get("task_text", ""),
            "due_text": form.get("due_text", ""),
            "lead_units": [lead] if lead.get("text") or lead.get("department") else [],
            "co_units": [{"department": c} for c in form.getlist("co") if c.strip() and c != lead.get("department")],
        }
        try:
            task = task_add(actor=actor, plan=plan, data=task_input(body))
        except DomainError as exc:
            error = _task_error(exc)
        else:
            messages.success(request, f"已增加任务 {task.number or task.text[:20]}")
            return redirect(f"{request.path}#task-{task.pk}")
    tasks = list(task_list(actor=actor, plan=plan.pk))
    children = list(plan_list(actor=actor).filter(parent_id=plan.pk))
    context = {
        "plan": plan,
        "tasks": tasks,
        "children": children,
        "whole": whole,
        "error": error,
        "form": request.POST if error else {},
        "units": list(department_list(actor=actor, region=plan.region_id).filter(active=True)) if whole else [],
    }
    return render(request, "plans/detail.html", context, status=422 if error else 200)


# A task's fields as the add-task form names them, for a refusal in Chinese.
TASK_FIELDS = {
    "number": "序号",
    "text": "任务内容",
    "action": "专项行动",
    "due_text": "完成时限",
    "due_rule": "完成时限",
    "parent_number": "上级任务序号",
    "lead_units": "牵头单位",
    "co_units": "配合单位",
}


def _task_error(exc: DomainError) -> str:
    if not isinstance(exc, FieldErrors):
        return exc.message
    parts = []
    for key, message in exc.errors.items():
        name = TASK_FIELDS.get(key.split("[", 1)[0].split(".", 1)[0], "")
        parts.append(f"{name}：{message}" if name else message)
    return "；".join(parts)


def _flag(raw: str) -> bool | None:
    return {"true": True, "1": True, "false": False, "0": False}.get((raw or "").strip().lower())


@login_required
def plan_board_view(request: HttpRequest) -> HttpResponse:
    """The board of one plan (``plan``) or of every plan of a region subtree (``region``) the actor sees;
    ``by`` action|unit; filters ``unit`` (member unit id), ``status`` (or ``overdue``), ``overdue``."""
    actor = request_actor(request)
    if actor.role == "enterprise":
        raise Http404("方案不存在")
    params = request.GET
    plan = None
    error = ""
    try:
        if params.get("plan"):
            plan = plan_require(actor=actor, plan_id=int(params["plan"]))
        region = subtree(actor=actor, region=params.get("region", ""))
        unit = int(params["unit"]) if params.get("unit", "").strip() else None
        if unit is not None and not 0 < unit < 2**63:  # no unit has such an id (and SQL's integers stop there)
            raise ValueError(unit)
    except (NotFound, ValueError):
        raise Http404("方案不存在") from None
    except FieldErrors as exc:
        error, region, unit = _error(exc), None, None
    status = params.get("status", "").strip()
    if status and status not in (*TaskStatus.values, "overdue"):
        status = ""
    by = "unit" if params.get("by") == "unit" else "action"
    data = board(
        actor=actor,
        plan=plan.pk if plan else None,
        region=region,
        unit=unit,
        status=status or None,
        overdue=_flag(params.get("overdue", "")),
        by=by,
    )
    units: dict[int, str] = {}
    if plan is not None:
        for t in (
            task_list(actor=actor, plan=plan.pk)
            .prefetch_related(None)
            .values_list("units__department_id", "units__department__name")
        ):
            if t[0]:
                units[t[0]] = t[1]
    elif region or actor.region_id:  # the member units of the region asked for, or of the actor's own
        units = dict(department_list(actor=actor, region=region or actor.region_id).values_list("pk", "name"))
    context = {
        "plan": plan,
        "board": data,
        "by": by,
        "status": status,
        "unit": unit,
        "units": sorted(units.items(), key=lambda kv: kv[1]),
        "region": region or "",
        "overdue": params.get("overdue", ""),
        # the export holds what the page shows: the same filters
        "export_query": urlencode(
            {k: v for k, v in (("unit", unit or ""), ("status", status), ("overdue", params.get("overdue", ""))) if v}
        ),
        "error": error,
        "statuses": [
            ("open", "未开始"),
            ("in_progress", "推进中"),
            ("done", "已完成待验收"),
            ("accepted", "已销号"),
            ("overdue", "逾期"),
        ],
    }
    return render(request, "plans/board.html", context, status=422 if error else 200)


@login_required
@once_per_form("plans.task")
def task_detail_view(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = request_actor(request)
    try:
        task = task_require(actor=actor, task_id=task_id)
    except NotFound:
        raise Http404("任务不存在") from None
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "progress":
                files = [(f, f.name or "", f.size) for f in request.FILES.getlist("files")]
                progress_report(
                    actor=actor,
                    task_id=task.pk,
                    period=request.POST.get("period", ""),
                    text=request.POST.get("text", ""),
                    percent=request.POST.get("percent", ""),
                    files=files,
                )
                messages.success(request, "已报送进展")
            elif action == "done":
                task_done(actor=actor, task_id=task.pk)
                messages.success(request, "已标记完成，待安委会办公室验收")
            elif action == "accept":
                task_accept(actor=actor, task_id=task.pk)
                messages.success(request, "已验收销号")
            elif action == "reject":
                task_reject(actor=actor, task_id=task.pk, reason=request.POST.get("reason", ""))
                messages.success(request, "已退回")
            else:
                raise FieldErrors({"action": "未知的操作"})
        except NotFound:
            raise Http404("任务不存在") from None
        except DomainError as exc:
            error = _error(exc)
        else:
            return redirect("task-detail", task_id=task.pk)
        task = task_require(actor=actor, task_id=task_id)
    units = actor_units(actor, task)
    admin = actor.role == "admin"
    office = admin or is_committee_office_over(actor, task.region_id)
    may = {
        "progress": (admin or bool(units)) and LIFECYCLE.allows(TaskAction.PROGRESS, task, actor),
        "done": (admin or any(u.role == "lead" for u in units)) and LIFECYCLE.allows(TaskAction.DONE, task, actor),
        "accept": office and LIFECYCLE.allows(TaskAction.ACCEPT, task, actor),
        "reject": office and LIFECYCLE.allows(TaskAction.REJECT, task, actor),
    }
    every = task.report_every or "quarter"
    context = {
        "task": task,
        "progress": list(progress_of(task)),
        "may": may,
        "error": error,
        "period": task.report_period or period_of(dates.today(), every).key,
        "form": request.POST if error else {},
    }
    return render(request, "plans/task.html", context, status=422 if error else 200)
