"""The pages: 履职清单 (the lists with their completion; a list's items, entries, the entry form and the year-end
report) and 督促问责 (the measures, each with its document and the follow-up form). Same selectors and services
as the API: out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.models import Role
from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import DomainError, FieldErrors, NotFound
from zhiben.common.idempotency import once_per_form
from zhiben.common.middleware import page_field_labels
from zhiben.departments.selectors import department_list, scoped_users
from zhiben.departments.services import can_manage
from zhiben.regions.models import Region
from zhiben.regions.selectors import region_children

from . import document_data
from .models import DutyList, ListKind, PressureKind, ReportPeriod
from .register import DOCUMENTS
from .selectors import (
    as_of_for,
    duty_item_get,
    duty_list_filter,
    duty_list_get,
    duty_lists,
    item_tally,
    list_tally,
    office_region,
    pressure_filter,
    pressure_get,
    with_items,
)
from .services import (
    duty_entry_add,
    duty_item_add,
    duty_items_import,
    duty_list_create,
    may_answer,
    may_keep,
    may_record,
    pressure_create,
    pressure_follow_up,
)

LIST_ROWS = 200
# The pages' fields, written in their templates (by the first segment of the pages' paths): their Chinese names
# for a refusal before the view.
page_field_labels(
    "duty-lists",
    {
        "item": "清单事项",
        "done_on": "履职日期",
        "text": "履职情况",
        "files": "附件",
        "year": "年度",
        "file": "文件",
        "number": "序号",
        "due_text": "完成时限",
        "leader_name": "领导干部姓名",
        "department": "成员单位",
    },
)
page_field_labels(
    "pressures",
    {
        "done_on": "反馈日期",
        "result": "整改反馈情况",
        "kind": "措施",
        "target": "对象",
        "reason": "事由",
        "on": "日期",
        "follow_up_due": "反馈期限",
    },
)


# The forms' fields by their Chinese names, so that a refusal on a page names the field it is about.
LIST_LABELS = {
    "region": "区划",
    "year": "年度",
    "kind": "清单类别",
    "title": "标题",
    "leader": "领导干部（用户）",
    "leader_name": "领导干部姓名",
    "leader_post": "职务",
    "department": "成员单位",
    "filed_on": "备案日期",
}
ITEM_LABELS = {"number": "序号", "text": "事项内容", "due_on": "完成时限", "due_text": "完成时限", "period": "报告周期"}
ENTRY_LABELS = {"item": "清单事项", "done_on": "履职日期", "text": "履职情况", "files": "附件"}
PRESSURE_LABELS = {
    "kind": "措施",
    "target_kind": "对象",
    "target": "对象",
    "reason": "事由",
    "on": "日期",
    "follow_up_due": "反馈期限",
    "task_id": "关联任务编号",
    "issuer_region": "发出单位所在区划",
}
FOLLOW_UP_LABELS = {"done_on": "反馈日期", "result": "整改反馈情况"}


def _errors(exc: DomainError, labels: dict[str, str] | None = None) -> str:
    """The refusal as one Chinese sentence, each field's message led by the field's name unless it names it."""
    if not isinstance(exc, FieldErrors):
        return exc.message
    out = []
    for field, message in exc.errors.items():
        label = (labels or {}).get(field, "")
        out.append(message if not label or label in message or message.startswith("第") else f"{label}：{message}")
    return "；".join(out)


def _form_region(actor: Any, raw: str) -> Region | None:
    """The region a form of the committee office works in: its own; an admin's the one asked for (``raw``, by
    default the admin's own region). None when the actor keeps no region's lists (the form is not shown)."""
    code = office_region(actor)
    if code is None and actor.role == Role.ADMIN:
        code = raw.strip() or actor.region_id
    if not code:
        return None
    region = Region.objects.filter(pk=code).first()
    return region if region is not None and can_manage(actor, region.pk) else None


def _list_form(actor: Any, region: Region | None) -> dict[str, Any]:
    """The choices of the new-list form: the kinds, the region's member units and its officers (leaders)."""
    if region is None:
        return {}
    return {
        "region": region,
        "kinds": ListKind.choices,
        "units": list(department_list(actor=actor, region=region.pk).filter(active=True).order_by("id")),
        "leaders": list(
            scoped_users(actor=actor).filter(region_id=region.pk, role=Role.OFFICER).order_by("full_name", "id")
        ),
    }


@login_required
@once_per_form("duties.list")
def duty_list_view(request: HttpRequest) -> HttpResponse:
    """The year's lists with their completion; the committee office (or an admin) registers a list here (POST:
    region, year, kind, a leader — leader_name and leader_post, or leader, a user id — or department)."""
    actor = request_actor(request)
    source = request.POST if request.method == "POST" else request.GET
    form_region = _form_region(actor, source.get("region", ""))
    error, status = "", 200
    if request.method == "POST":
        owner = request.POST.get("owner", "leader")
        try:
            created = duty_list_create(
                actor=actor,
                region=form_region.pk if form_region is not None else request.POST.get("region", ""),
                year=request.POST.get("year"),
                kind=request.POST.get("kind"),
                title=request.POST.get("title", ""),
                leader=request.POST.get("leader") if owner == "leader" else None,
                leader_name=request.POST.get("leader_name", "") if owner == "leader" else "",
                leader_post=request.POST.get("leader_post", "") if owner == "leader" else "",
                department=request.POST.get("department") if owner == "department" else None,
                filed_on=request.POST.get("filed_on"),
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            error, status = _errors(exc, LIST_LABELS), exc.status
        else:
            messages.success(request, f"已登记“{created.title}”，请添加清单事项")
            return redirect("duty-detail", list_id=created.pk)
    raw = source.get("year", "").strip()
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        year = int(raw)
    else:  # the latest year with a list the actor may see (in January, last year's lists are being reported)
        year = duty_lists(actor=actor).aggregate(latest=Max("year"))["latest"] or dates.today().year
    lists = list(with_items(duty_list_filter(actor=actor, year=year))[:LIST_ROWS])
    rows = [(d, list_tally(d, as_of_for(d.year))) for d in lists]
    context = {
        "rows": rows,
        "year": year,
        "error": error,
        "form": request.POST if request.method == "POST" else {},
        "create": _list_form(actor, form_region),
        "is_admin": actor.role == Role.ADMIN,
    }
    return render(request, "duties/list.html", context, status=status)


def _list_or_404(request: HttpRequest, list_id: int) -> DutyList:
    found = duty_list_get(actor=request_actor(request), list_id=list_id)
    if found is None:
        raise Http404("履职清单不存在")
    return found


def _detail_post(request: HttpRequest, actor: Any, found: DutyList, action: str) -> str:
    """One of the list page's forms — ``entry`` (a ledger entry), ``item`` (a new item), ``import`` (items from
    an .xlsx) — through its service; the sentence to show once done. Raises what the services raise."""
    if action == "item":
        added_item = duty_item_add(
            actor=actor,
            duty_list=found,
            number=request.POST.get("number"),
            text=request.POST.get("text"),
            due_on=request.POST.get("due_on") or None,
            due_text=request.POST.get("due_text", ""),
            period=request.POST.get("period") or None,
        )
        return f"已添加事项 {added_item.number}"
    if action == "import":
        upload = request.FILES.get("file")
        if upload is None:
            raise FieldErrors({"file": "请选择要导入的 Excel 文件（.xlsx）"})
        added = duty_items_import(actor=actor, duty_list=found, upload=upload)
        return f"已导入 {len(added)} 项清单事项"
    raw = request.POST.get("item") or ""
    item = duty_item_get(actor=actor, item_id=int(raw)) if raw.isdigit() else None
    if item is None or item.duty_list_id != found.pk:
        raise FieldErrors({"item": "请选择本清单的事项"})
    uploads = [(f, f.name or "", f.size) for f in request.FILES.getlist("files")]
    duty_entry_add(
        actor=actor, item=item, done_on=request.POST.get("done_on"), text=request.POST.get("text"), files=uploads
    )
    return f"已记录事项 {item.number} 的履职情况"


@login_required
@once_per_form("duties.detail")
def duty_detail_view(request: HttpRequest, list_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = _list_or_404(request, list_id)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "entry")
        try:
            done = _detail_post(request, actor, found, action)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            labels = {"item": ITEM_LABELS, "import": {"file": "文件"}}.get(action, ENTRY_LABELS)
            error, status = _errors(exc, labels), exc.status
        else:
            messages.success(request, done)
            return redirect("duty-detail", list_id=found.pk)
        found = _list_or_404(request, list_id)
    as_of = as_of_for(found.year)
    items = []
    for item in found.items.all():
        item.duty_list = found
        items.append((item, item_tally(item, as_of)))
    context: dict[str, Any] = {
        "duty_list": found,
        "items": items,
        "tally": list_tally(found, as_of),
        "as_of": as_of,
        "can_record": may_record(actor, found),
        "can_keep": may_keep(actor, found),
        "periods": ReportPeriod.choices,
        "action": request.POST.get("action", "entry") if request.method == "POST" else "",
        "form": request.POST if request.method == "POST" else {},
        "error": error,
        "today": dates.today(),
    }
    return render(request, "duties/detail.html", context, status=status)


def _pressure_form(actor: Any) -> dict[str, Any]:
    """The choices of the new-pressure form: the kinds, the lower regions and the member units of the actor's
    committee office's region (an admin's own region). Empty when the actor records no pressures."""
    code = office_region(actor) or (actor.region_id if actor.role == Role.ADMIN else None)
    region = Region.objects.filter(pk=code).first() if code else None
    if region is None:
        return {}
    regions = region_children(parent=region.pk).order_by("code")
    units = department_list(actor=actor, region=region.pk).filter(active=True).order_by("id")
    return {
        "region": region,
        "kinds": PressureKind.choices,
        # one select, its values ``region:<code>`` / ``department:<id>`` (the view splits them)
        "targets": [
            ("下级区划", [(f"region:{r.pk}", r.name) for r in regions]),
            ("成员单位（挂牌督办只适用于下级区划）", [(f"department:{u.pk}", u.name) for u in units]),
        ],
    }


@login_required
@once_per_form("duties.pressure")
def pressure_list_view(request: HttpRequest) -> HttpResponse:
    """The measures the actor may see; the committee office records one here (POST: kind, target — ``region:<code>``
    or ``department:<id>`` —, reason, on, follow_up_due)."""
    actor = request_actor(request)
    create = _pressure_form(actor)
    error, status = "", 200
    if request.method == "POST":
        target_kind, _, target = (request.POST.get("target") or "").partition(":")
        try:
            created = pressure_create(
                actor=actor,
                kind=request.POST.get("kind"),
                target_kind=target_kind,
                target=target,
                reason=request.POST.get("reason"),
                on=request.POST.get("on"),
                follow_up_due=request.POST.get("follow_up_due"),
                issuer_region=create["region"].pk if actor.role == Role.ADMIN and create else None,
            )
        except DomainError as exc:
            error, status = _errors(exc, PRESSURE_LABELS), exc.status
        else:
            messages.success(request, f"已登记{created.get_kind_display()}：{created.target_name}")
            return redirect("pressure-detail", pressure_id=created.pk)
    rows = list(pressure_filter(actor=actor)[:LIST_ROWS])
    context = {
        "rows": rows,
        "today": dates.today(),
        "create": create,
        "error": error,
        "form": request.POST if request.method == "POST" else {},
    }
    return render(request, "duties/pressure_list.html", context, status=status)


@login_required
@once_per_form("duties.follow_up")
def pressure_detail_view(request: HttpRequest, pressure_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = pressure_get(actor=actor, pressure_id=pressure_id)
    if found is None:
        raise Http404("督促问责记录不存在")
    error, status = "", 200
    if request.method == "POST":
        try:
            pressure_follow_up(
                actor=actor, pressure=found, done_on=request.POST.get("done_on"), result=request.POST.get("result")
            )
        except DomainError as exc:
            error, status = _errors(exc, FOLLOW_UP_LABELS), exc.status
        else:
            messages.success(request, "已登记整改反馈")
            return redirect("pressure-detail", pressure_id=found.pk)
    kind = document_data.document_kind(found)
    label = next(spec.label for spec in DOCUMENTS if spec.kind == kind)
    context = {
        "p": found,
        "document_url": f"/documents/pressures/{found.pk}/{kind}/",
        "document_label": label,
        "error": error,
        "today": dates.today(),
        "overdue": found.done_on is None and dates.is_past(found.follow_up_due),
        "can_answer": may_answer(actor, found),
    }
    return render(request, "duties/pressure_detail.html", context, status=status)
