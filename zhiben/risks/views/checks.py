"""The check pages (issue 15: 隐患排查任务与记录):

- ``/risks/checks/``: the phone page of an enterprise's staff — the checks waiting on them now (正常 / 发现隐患, a
  photo, a time for a check made earlier while offline), then their recent records; a check the phone could not
  send is kept in the browser and sent again (补传) through ``POST /api/v1/check-records``;
- ``/risks/enterprises/<credit_code>/tasks/``: an enterprise's check tasks (control measures' checks and the
  日周月 rhythm), with the forms to add, change and remove them, and its compliance this month;
- ``/risks/stats/``: the regulators' figures by region and sector (``selectors.checks.check_stats``), as .xlsx too.

Thin: every read through the scoped selectors, every write through the services; out of scope is 404, in scope but
not allowed to write is 403.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from zhiben.accounts.models import Role, User
from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from zhiben.common.idempotency import TOKEN_FIELD, once_per_form
from zhiben.common.middleware import page_field_labels
from zhiben.common.xlsx import FORMATS, HEADER_FILL, new_workbook, write_cell, xlsx_response
from zhiben.hazards.models import Level
from zhiben.reference.models import Sector
from zhiben.reference.selectors import criteria_in_force
from zhiben.regions.views import picker_context

from ..checks import cycle_text
from ..models import CheckKind, CheckPhoto, CheckRecord, CheckResult, CycleUnit, Grade, RecordStatus
from ..selectors import enterprise_visible, may_edit, measures_visible, records_visible
from ..selectors.checks import check_stats, due_now, enterprise_compliance, record_list, task_list
from ..services.photos import check_photo_add, photo_checked
from ..services.records import moment, records_submit
from ..services.tasks import rhythm_ensure, task_create, task_delete, task_update

# The fields of the pages' forms (written in their templates), by their Chinese names: for a refusal before the
# view, and for the errors the pages show.
CHECK_LABELS = {
    "task": "排查任务",
    "result": "排查结果",
    "done_at": "排查时间",
    "note": "排查情况说明",
    "hazard_title": "隐患名称",
    "hazard_level": "隐患等级",
    "hazard_criterion": "判定标准条款",
    "photo": "现场照片",
}
TASK_LABELS = {
    "measure": "管控措施",
    "content": "排查内容",
    "cycle_value": "排查周期",
    "cycle_unit": "周期单位",
    "working_days_only": "仅工作日排查",
    "starts_on": "起始日期",
    "assignee": "排查人",
    "active": "启用",
    "action": "操作",
}
STATS_LABELS = {"region": "区划", "from": "起始日期", "to": "截止日期", "sector": "行业领域", "status": "状态"}
page_field_labels("risks", {**CHECK_LABELS, **TASK_LABELS, **STATS_LABELS})

RECENT = 30
DUE_SHOWN = 100
# what each record status is called on the phone (the model's labels are the national interface's)
STATUS_SHORT: dict[str, str] = {
    RecordStatus.PLANNED: "待排查",
    RecordStatus.DONE: "按时",
    RecordStatus.LATE: "逾期上传",
    RecordStatus.MISSED: "漏检",
}
STATUS_BADGE: dict[str, str] = {RecordStatus.DONE: "ok", RecordStatus.LATE: "warn", RecordStatus.MISSED: "danger"}
HAZARD_FIELDS = {
    "title": "hazard_title",
    "level": "hazard_level",
    "description": "note",
    "criterion": "hazard_criterion",
}
CRITERIA_SHOWN = 300


def _field_of(key: str) -> str:
    """A service's error key (``items[0].done_at``, ``items[0].hazard.title``) as the page's field name."""
    tail = key.split("].", 1)[1] if key.startswith("items[") and "]." in key else key
    if tail.startswith("hazard."):
        return HAZARD_FIELDS.get(tail.split(".", 1)[1], "form")
    return tail if tail in CHECK_LABELS else ""


def _labelled(errors: dict[str, str], labels: dict[str, str]) -> dict[str, str]:
    """FieldErrors by the page's field (``form`` for the form as a whole), each led by the field's name."""
    out: dict[str, str] = {}
    for key, message in errors.items():
        field = (_field_of(key) if labels is CHECK_LABELS else (key if key in labels else "")) or "form"
        label = labels.get(field, "")
        text = message if not label or label in message else f"{label}：{message}"
        out[field] = f"{out[field]}；{text}" if field in out else text
    return out


def window_text(opens_at: datetime.datetime, due_at: datetime.datetime) -> str:
    """A cycle's window as a phone shows it (Beijing time): ``12-01 全天``, ``12-01 16:00–24:00``,
    ``12-01 至 12-07`` (whole days), ``12-01 08:00 至 12-02 08:00``."""
    opens, due = timezone.localtime(opens_at), timezone.localtime(due_at)
    midnight = datetime.time()
    last_day = (due - datetime.timedelta(seconds=1)).date()
    whole_days = opens.time() == midnight and due.time() == midnight
    if whole_days and last_day == opens.date():
        return f"{opens:%m-%d} 全天"
    if whole_days:
        return f"{opens:%m-%d} 至 {last_day:%m-%d}"
    if last_day == opens.date():
        return f"{opens:%m-%d %H:%M}–{'24:00' if due.time() == midnight else f'{due:%H:%M}'}"
    return f"{opens:%m-%d %H:%M} 至 {due:%m-%d %H:%M}"


def _window(record: CheckRecord) -> str:
    return window_text(record.opens_at, record.due_at)


# ------------------------------------------------------------------------------------------ the phone page
def _check_post(request: HttpRequest, actor: User) -> dict[str, Any]:
    """The posted check (one item): checked here for what the page offers, then recorded (and its photo kept) in
    one transaction. Answers the service's answer for it (``records_submit``). Raises FieldErrors by the page's
    fields (a bad photo refuses the check too: nothing is written)."""
    raw_task = request.POST.get("task", "").strip()
    task = int(raw_task) if raw_task.isdigit() and len(raw_task) < 19 else None
    errors: dict[str, str] = {}
    if task is None:
        errors["task"] = "请从待排查列表中选择排查任务"
    result = request.POST.get("result", "")
    if result not in CheckResult.values:
        errors["result"] = "请选择排查结果：正常或发现隐患"
    raw_time = request.POST.get("done_at", "").strip()
    done_at = timezone.now()
    if raw_time:
        try:
            done_at = moment(raw_time.replace("T", " "), label="排查时间")
        except ValueError as exc:
            errors["done_at"] = str(exc)
    hazard: dict[str, str] = {}
    if result == CheckResult.FAIL:
        level = request.POST.get("hazard_level", "") or Level.GENERAL
        if level not in Level.values:
            errors["hazard_level"] = "隐患等级应为一般隐患或重大隐患"
        hazard = {
            "level": level,
            "title": request.POST.get("hazard_title", "").strip(),
            "criterion": request.POST.get("hazard_criterion", "").strip(),
        }
    upload = request.FILES.get("photo")
    checked = None
    if upload is not None:
        try:
            checked = photo_checked(upload, name=upload.name or "", size=upload.size)
        except FieldErrors as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    item = {
        "task": task,
        "done_at": done_at,
        "result": result,
        "note": request.POST.get("note", ""),
        "client_id": request.POST.get(TOKEN_FIELD, "")[:64],
        "hazard": {k: v for k, v in hazard.items() if v},
    }
    with transaction.atomic():
        answer = records_submit(actor=actor, items=[item])[0]
        if checked is not None:
            check_photo_add(actor=actor, record_id=answer["id"], checked=checked)
    return answer


def _recent(actor: User, status: str) -> list[CheckRecord]:
    """The actor's recent records (theirs to do, or done by them); with ``status`` (the ladder's link for the
    safety manager: ``missed``) the enterprise's records in that status."""
    if status:
        qs = record_list(actor=actor, filters={"status": status})
    else:
        qs = (
            record_list(actor=actor, filters={})
            .filter(Q(task__assignee_id=actor.pk) | Q(done_by_id=actor.pk))
            .exclude(status=RecordStatus.PLANNED)
        )
    rows = list(qs.prefetch_related("photos")[:RECENT])
    for r in rows:
        r.short = STATUS_SHORT.get(r.status, r.get_status_display())  # type: ignore[attr-defined]
        r.badge = STATUS_BADGE.get(r.status, "")  # type: ignore[attr-defined]
        r.window = _window(r)  # type: ignore[attr-defined]
    return rows


@login_required
@once_per_form("risks.check")
def checks_phone_view(request: HttpRequest) -> HttpResponse:
    """待排查 and 我的排查记录 (GET ``status``: ``missed`` lists the enterprise's missed checks, the ladder's link).
    POST ``task``, ``result`` (pass/fail), ``done_at`` (blank: now), ``note``, ``hazard_title``, ``hazard_level``,
    ``photo``: one check, through ``records_submit``; a refusal is shown by the field it is about."""
    actor = request_actor(request)
    errors: dict[str, str] = {}
    posted_task: int | None = None
    status = 200
    if request.method == "POST":
        if actor.role != Role.ENTERPRISE:
            # only a task's assignee records its checks, and only the enterprise's staff are assignees
            raise DjangoPermissionDenied("排查记录由企业的排查人本人填写")
        raw_task = request.POST.get("task", "").strip()
        posted_task = int(raw_task) if raw_task.isdigit() and len(raw_task) < 19 else None
        try:
            answer = _check_post(request, actor)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except FieldErrors as exc:
            errors, status = _labelled(exc.errors, CHECK_LABELS), 422
        except DomainError as exc:
            errors, status = {"form": exc.message}, exc.status
        else:
            said = "已记录：正常" if answer["result"] == CheckResult.PASS else "已记录：发现隐患，已登记隐患"
            if answer["late"]:
                said += "（逾期上传）"
            messages.success(request, said)
            return redirect("risks:checks-phone")
    raw_status = request.GET.get("status", "")
    status_filter = raw_status if raw_status in (RecordStatus.MISSED, RecordStatus.LATE) else ""
    now = timezone.now()
    due = list(due_now(actor=actor, now=now)[:DUE_SHOWN])
    for r in due:
        r.window = _window(r)  # type: ignore[attr-defined]
        r.mine = bool(errors) and r.task_id == posted_task  # type: ignore[attr-defined]  # the form refused
    shown_tasks = {r.task_id for r in due}
    on = dates.today()
    criteria = {
        sector: [(c.code, f"{c.standard.number} {c.article} {c.text[:40]}") for c in rows[:CRITERIA_SHOWN]]
        for sector in sorted({r.sector_id for r in due})
        if (rows := list(criteria_in_force(sector, on).select_related("standard")))
    }
    for r in due:
        r.criteria = criteria.get(r.sector_id, [])  # type: ignore[attr-defined]
    context = {
        "due": due,
        "recent": _recent(actor, status_filter),
        "status_filter": status_filter,
        "errors": errors,
        "loose_errors": errors if errors and posted_task not in shown_tasks else {},
        "form": request.POST if request.method == "POST" else {},
        "levels": Level.choices,
        "now_local": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
        "labels": CHECK_LABELS,
    }
    return render(request, "risks/checks_phone.html", context, status=status)


@login_required
def check_photo_view(request: HttpRequest, photo_id: int) -> FileResponse:
    """A check's photo, for those who may see its record (404 otherwise, like a missing one)."""
    actor = request_actor(request)
    photo = CheckPhoto.objects.filter(pk=photo_id, record__in=records_visible(actor)).first()
    if photo is None:
        raise Http404("照片不存在")
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


# ------------------------------------------------------------------------------------------ the tasks page
def task_cycle(task: Any) -> str:
    """每天 / 每 8 小时 / 每 3 个月（仅工作日）: ``checks.cycle_text`` of a task."""
    return cycle_text(task.cycle_value, task.cycle_unit, task.working_days_only)


def _tasks_post(request: HttpRequest, actor: User, credit_code: str) -> str:
    """One of the tasks page's forms (``action``: add, edit, delete, rhythm) through its service; the sentence to
    show once done. Raises what the services raise."""
    action = request.POST.get("action", "")
    enterprise = enterprise_visible(actor, credit_code)
    if action == "rhythm":
        made = rhythm_ensure(actor=actor, enterprise=enterprise)
        return f"已补齐 {len(made)} 项检查任务" if made else "日周月及主要负责人检查任务均已存在"
    fields = ("content", "cycle_value", "cycle_unit", "starts_on", "assignee")
    data: dict[str, Any] = {k: request.POST[k] for k in fields if k in request.POST}
    if action == "add":
        data |= {"measure": request.POST.get("measure", ""), "enterprise": enterprise.credit_code}
        data["working_days_only"] = "working_days_only" in request.POST
        task = task_create(actor=actor, data=data)
        return f"已添加排查任务：{task.content[:40]}"
    raw = request.POST.get("task", "").strip()
    found = (
        task_list(actor=actor, filters={"enterprise": enterprise.credit_code}).filter(pk=int(raw)).first()
        if raw.isdigit() and len(raw) < 19
        else None
    )
    if found is None:
        raise FieldErrors({"action": "排查任务不存在或已删除"})
    if action == "delete":
        task_delete(actor=actor, task_id=found.pk)
        return f"已删除排查任务：{found.content[:40]}"
    if action == "edit":
        data["working_days_only"] = "working_days_only" in request.POST
        data["active"] = "active" in request.POST
        task_update(actor=actor, task_id=found.pk, data=data)
        return f"已保存排查任务：{found.content[:40]}"
    raise FieldErrors({"action": "请从页面上的按钮提交"})


def _last_status() -> Subquery:
    latest = CheckRecord.objects.filter(task_id=OuterRef("pk")).exclude(status=RecordStatus.PLANNED)
    return Subquery(latest.order_by("-opens_at").values("status")[:1])


@login_required
@once_per_form("risks.tasks")
def tasks_view(request: HttpRequest, credit_code: str) -> HttpResponse:
    """An enterprise's check tasks and its compliance this month; its staff (and admins) add, change and remove
    tasks here and fill in the rhythm tasks (POST ``action``: add, edit, delete, rhythm). Officers read (their
    POST is 403); an enterprise the actor cannot see is 404."""
    actor = request_actor(request)
    try:
        enterprise = enterprise_visible(actor, credit_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    editable = may_edit(actor, enterprise.pk)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not editable:
            raise DjangoPermissionDenied("隐患排查任务由企业自行制定")
        try:
            said = _tasks_post(request, actor, enterprise.credit_code)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        except FieldErrors as exc:
            errors, status = _labelled(exc.errors, TASK_LABELS), 422
        except DomainError as exc:
            errors, status = {"form": exc.message}, exc.status
        else:
            messages.success(request, said)
            return redirect("risks:checks-tasks", credit_code=enterprise.credit_code)
    tasks = list(
        task_list(actor=actor, filters={"enterprise": enterprise.credit_code})
        .select_related("measure__event__unit")
        .annotate(last_status=_last_status())
    )
    for t in tasks:
        t.cycle = task_cycle(t)  # type: ignore[attr-defined]
        last = getattr(t, "last_status", None)
        t.last_short = STATUS_SHORT.get(last, "—") if last else "—"  # type: ignore[attr-defined]
        t.last_badge = STATUS_BADGE.get(last, "") if last else ""  # type: ignore[attr-defined]
    staff = (
        list(User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE, is_active=True).order_by("username"))
        if editable
        else []
    )
    measures = (
        list(
            measures_visible(actor)
            .filter(enterprise=enterprise, deleted=False)
            .select_related("event__unit")
            .order_by("event__unit_id", "event_id", "id")[:500]
        )
        if editable
        else []
    )
    context = {
        "enterprise": enterprise,
        "tasks": tasks,
        "editable": editable,
        "figures": enterprise_compliance(actor=actor, credit_code=enterprise.credit_code),
        "month": dates.today(),
        "staff": staff,
        "measures": measures,
        "units": CycleUnit.choices,
        "kinds": dict(CheckKind.choices),
        "errors": errors,
        "form": request.POST if request.method == "POST" else {},
        "posted_action": request.POST.get("action", "") if request.method == "POST" else "",
        "posted_task": request.POST.get("task", "") if request.method == "POST" else "",
        "labels": TASK_LABELS,
    }
    return render(request, "risks/checks_tasks.html", context, status=status)


# ------------------------------------------------------------------------------------------ the regulators' figures
GRADES = [(g.value, g.label) for g in Grade] + [("none", "未定级")]
FIGURE_COLUMNS = (
    ("planned", "应排查"),
    ("on_time", "按时排查"),
    ("late", "逾期上传"),
    ("missed", "漏检"),
    ("pending", "未到期"),
    ("failed", "发现隐患"),
)


def _stats_input(request: HttpRequest) -> dict[str, Any]:
    """The filters (``region``, ``from``, ``to``, ``sector``) checked; FieldErrors by field."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {"region": request.GET.get("region", "").strip() or None}
    for key, label in (("from", "起始日期"), ("to", "截止日期")):
        try:
            out[key] = dates.parse_day(request.GET.get(key, "").strip() or None, label=label)
        except ValueError as exc:
            errors[key] = str(exc)
    raw_sector = request.GET.get("sector", "").strip()
    if raw_sector and not Sector.objects.filter(key=raw_sector).exists():
        errors["sector"] = "请从列表中选择行业领域"
    out["sector"] = raw_sector or None
    if errors:
        raise FieldErrors(errors)
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@login_required
def stats_view(request: HttpRequest) -> HttpResponse:
    """The check figures of a region (``region``, default the actor's own; drill down by the child regions' links),
    over ``from``–``to`` (Beijing dates, default this month), for one ``sector`` or all; ``format=xlsx`` the same as a
    workbook. Enterprise users see their own enterprise's figures. A region outside the scope is 404."""
    actor = request_actor(request)
    error = ""
    stats: dict[str, Any] | None = None
    raw = {k: request.GET.get(k, "") for k in ("region", "from", "to", "sector")}
    try:
        given = _stats_input(request)
        stats = check_stats(
            actor=actor,
            region=given["region"],
            sector=given["sector"],
            date_from=given["from"],
            date_to=given["to"],
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except FieldErrors as exc:
        error = "；".join(
            message if STATS_LABELS.get(k, "") in message else f"{STATS_LABELS.get(k, '筛选条件')}：{message}"
            for k, message in exc.errors.items()
        )
    sectors = dict(Sector.objects.values_list("key", "name"))
    if stats is not None:
        for row in [stats["totals"], *stats["rows"], *stats["sectors"]]:
            row["compliance_pct"] = _pct(row["compliance"])
            row["on_time_pct"] = _pct(row["on_time_rate"])
        for row in stats["sectors"]:
            row["name"] = sectors.get(row["sector"], row["sector"])
        for row in stats["rows"]:
            if row["region"] == stats["region"]:  # enterprises registered at the region itself
                row["name"] = f"{stats['region_name']}（本级）"
        if request.GET.get("format") == "xlsx":
            name = f"隐患排查统计-{stats['region_name']}-{stats['from']:%Y%m%d}-{stats['to']:%Y%m%d}.xlsx"
            fallback = f"checks-{stats['region'] or 'all'}-{stats['from']:%Y%m%d}-{stats['to']:%Y%m%d}.xlsx"
            return xlsx_response(stats_workbook(stats), name, fallback=fallback)
    regulator = actor.role != Role.ENTERPRISE
    query = request.GET.copy()
    for key in ("region", "format", "_rp"):
        query.pop(key, None)
    context = {
        "stats": stats,
        "error": error,
        "raw": raw,
        "regulator": regulator,
        "grades": [(g, label, stats["grades"].get(g, 0)) for g, label in GRADES] if stats else [],
        "sectors": sorted(sectors.items(), key=lambda kv: kv[0]),
        "picker": (
            picker_context(actor=actor, selected=raw["region"] or None, field_name="region", label="区划")
            if regulator
            else None
        ),
        "keep": query.urlencode(),
        "query": request.GET.urlencode(),
        "missed_link": reverse("inspection-stats") + (f"?region={stats['region']}" if stats else "") + "#missed",
    }
    return render(request, "risks/checks_stats.html", context)


def stats_workbook(stats: dict[str, Any]) -> bytes:
    """The figures as an .xlsx (XlsxWriter through common/xlsx.py): totals and each child region, each sector, the
    enterprises by grade, those without checks, and the 有问题查不出 list, under a caption naming region and dates."""
    out = io.BytesIO()
    book = new_workbook(out, {"in_memory": True})
    head = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": f"#{HEADER_FILL}", "border": 1})
    caption_fmt = book.add_format({"bold": True, "font_size": 12})
    percent = book.add_format({"num_format": FORMATS["percent"]})
    caption = f"{stats['region_name']}隐患排查统计，{stats['from']:%Y年%m月%d日}至{stats['to']:%Y年%m月%d日}"
    figures_head = [label for _, label in FIGURE_COLUMNS] + ["排查率", "按时排查率"]

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> None:
        ws = book.add_worksheet(title)
        ws.set_column(0, 0, 28)
        ws.set_column(1, len(header), 12)
        write_cell(ws, 0, 0, caption, caption_fmt)
        for col, text in enumerate(header):
            write_cell(ws, 1, col, text, head)
        for i, row in enumerate(rows, start=2):
            for col, value in enumerate(row):
                fmt = percent if header[col] in ("排查率", "按时排查率") else None
                write_cell(ws, i, col, value, fmt)

    def figures(row: dict[str, Any]) -> list[Any]:
        return [row[k] for k, _ in FIGURE_COLUMNS] + [row["compliance"], row["on_time_rate"]]

    regions = [["合计", *figures(stats["totals"])]] + [[r["name"], *figures(r)] for r in stats["rows"]]
    sheet("按区划", ["区划", *figures_head], regions)
    sheet("按行业", ["行业领域", *figures_head], [[r["name"], *figures(r)] for r in stats["sectors"]])
    grades = [[label, stats["grades"].get(g, 0)] for g, label in GRADES]
    sheet("按风险等级", ["企业安全风险等级", "企业数"], grades)
    quiet = [[e["name"], e["credit_code"]] for e in stats["no_checks"]["enterprises"]]
    sheet("无排查记录的企业", ["企业", "统一社会信用代码"], quiet)
    gap = [[e["name"], e["credit_code"], e["by_inspections"], e["checks_done"]] for e in stats["gap"]]
    sheet("有问题查不出", ["企业", "统一社会信用代码", "监督检查发现隐患", "企业自查完成次数"], gap)
    book.close()
    return out.getvalue()


checks_urls = [
    path("checks/", checks_phone_view, name="checks-phone"),
    path("checks/photos/<int:photo_id>/", check_photo_view, name="checks-photo"),
    path("enterprises/<str:credit_code>/tasks/", tasks_view, name="checks-tasks"),
    path("stats/", stats_view, name="checks-stats"),
]
