"""/api/v1/duty-lists, /api/v1/duty-items, /api/v1/stats/duties and /api/v1/pressures: thin handlers over the
selectors (every read scoped: out of scope answers 404) and the services (every write one transaction)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Router
from ninja.responses import Status

from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.common.inputs import json_body, json_content
from zhiben.common.xlsx import xlsx_openapi, xlsx_response

from . import exports, workbooks
from .models import DutyEntry, DutyItem, DutyList, Pressure
from .selectors import (
    as_of_for,
    duty_attachment_get,
    duty_item_get,
    duty_list_filter,
    duty_list_require,
    duty_stats,
    item_tally,
    list_tally,
    pressure_filter,
    pressure_require,
    subtree,
    with_items,
)
from .services import (
    duty_entry_add,
    duty_item_add,
    duty_items_import,
    duty_list_create,
    pressure_create,
    pressure_follow_up,
)

lists_router = Router(tags=["duties"])
items_router = Router(tags=["duties"])
attachments_router = Router(tags=["duties"])
stats_router = Router(tags=["duties"])
pressures_router = Router(tags=["duties"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _int(raw: str | None, name: str, *, default: int | None = None, low: int = 0, high: int = 10**9) -> int | None:
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise FieldErrors({name: "应为整数"}) from None
    if not low <= value <= high:
        raise FieldErrors({name: f"应在 {low}–{high} 之间"})
    return value


def _as_of(raw: str) -> datetime.date | None:
    try:
        return dates.parse_day(raw or None, label="统计截止日期")
    except ValueError as exc:
        raise FieldErrors({"as_of": str(exc)}) from None


def entry_out(entry: DutyEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "done_on": entry.done_on,
        "text": entry.text,
        "recorded_by": str(entry.recorded_by),
        "recorded_at": entry.recorded_at,
        "files": [
            {"id": a.pk, "name": a.name, "size": a.size, "url": f"/api/v1/duty-attachments/{a.pk}"}
            for a in entry.attachments.all()
        ],
    }


def item_out(item: DutyItem, as_of: datetime.date, *, entries: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.pk,
        "number": item.number,
        "text": item.text,
        "due_text": item.due_text,
        "due_kind": item.due_kind,
        "due_on": item.due_on,
        "due_month": item.due_month,
        "due_day": item.due_day,
        "period": item.period or None,
        "completion": item_tally(item, as_of).as_dict(),
    }
    if entries:
        out["entries"] = [entry_out(e) for e in item.entries.all()]
    return out


def list_out(duty_list: DutyList, as_of: datetime.date, *, items: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": duty_list.pk,
        "title": duty_list.title,
        "kind": duty_list.kind,
        "year": duty_list.year,
        "region": duty_list.region_id,
        "region_name": duty_list.region.name,
        "owner": duty_list.owner,
        "leader": duty_list.leader_id,
        "leader_name": duty_list.leader_name,
        "leader_post": duty_list.leader_post,
        "department": duty_list.department_id,
        "filed_on": duty_list.filed_on,
        "as_of": as_of,
        "completion": list_tally(duty_list, as_of).as_dict(),
    }
    if items:
        out["items"] = [item_out(i, as_of) for i in duty_list.items.all()]
    return out


@lists_router.get("", response=dict[str, Any])
def list_duty_lists(
    request: HttpRequest,
    region: str = "",
    year: str = "",
    kind: str = "",
    department: str = "",
    limit: str = "",
    offset: str = "",
) -> dict[str, Any]:
    """The duty lists the caller may see, with each list's completion as of today (or its year's end):
    ``region`` (subtree), ``year``, ``kind`` (``duty``/``annual``), ``department`` (unit id); paged."""
    actor = request_actor(request)
    qs = duty_list_filter(
        actor=actor,
        region=subtree(actor=actor, region=region),
        year=_int(year, "year", low=2000, high=2100),
        kind=kind.strip() or None,
        department=_int(department, "department"),
    )
    start = _int(offset, "offset", default=0) or 0
    size = _int(limit, "limit", default=50, high=500) or 50
    page = list(with_items(qs)[start : start + size])
    return {"items": [list_out(d, as_of_for(d.year), items=False) for d in page], "count": qs.count()}


@lists_router.post("", response={201: dict[str, Any]})
def create_duty_list(request: HttpRequest) -> Status[dict[str, Any]]:
    """Register a list: ``{"region","year","kind"?,"title"?,"leader"? (user id),"leader_name"?,"leader_post"?,
    "department"? (unit id),"filed_on"?}`` — a leader's or a unit's, not both. The committee office of the
    region or above (or an admin); 403 otherwise; 422 naming each bad field."""
    actor = request_actor(request)
    body = json_body(request)
    fields = ("region", "year", "kind", "title", "leader", "leader_name", "leader_post", "department", "filed_on")
    created = duty_list_create(actor=actor, **{k: body.get(k) for k in fields})
    found = duty_list_require(actor=actor, list_id=created.pk)
    return Status(201, list_out(found, as_of_for(found.year), items=True))


@lists_router.get("/{int:list_id}", response=dict[str, Any])
def get_duty_list(request: HttpRequest, list_id: int, as_of: str = "") -> dict[str, Any]:
    """A list with its items, each item's ledger entries and completion, as of ``as_of`` (default: today, or
    the year's last day once it is over)."""
    found = duty_list_require(actor=request_actor(request), list_id=list_id)
    return list_out(found, as_of_for(found.year, _as_of(as_of)), items=True)


@lists_router.post("/{int:list_id}/items", response={201: dict[str, Any]})
def add_item(request: HttpRequest, list_id: int) -> Status[dict[str, Any]]:
    """Add an item: ``{"number","text","due_on"? (date in the list's year),"period"? (month/quarter/year: a 长期
    item),"due_text"?}``. 403 for who may see but not keep the list."""
    actor = request_actor(request)
    found = duty_list_require(actor=actor, list_id=list_id)
    body = json_body(request)
    item = duty_item_add(
        actor=actor,
        duty_list=found,
        **{k: body.get(k) for k in ("number", "text", "due_on", "due_text", "period")},
    )
    item.duty_list = found
    return Status(201, item_out(item, as_of_for(found.year)))


@lists_router.get(
    "/{int:list_id}/report.docx", openapi_extra={"responses": {200: {"description": "年度履职报告（.docx）"}}}
)
def report_docx(request: HttpRequest, list_id: int, as_of: str = "") -> HttpResponse:
    """The year-end report (年度履职情况报告) of a list as a Word document: its items, what was done against each,
    the completion and the signature line."""
    found = duty_list_require(actor=request_actor(request), list_id=list_id)
    day = as_of_for(found.year, _as_of(as_of))
    return exports.docx_response(
        exports.report_docx(found, day), f"{found.title}履职情况报告.docx", fallback=f"duty-list-{found.pk}.docx"
    )


@lists_router.get("/{int:list_id}/ledger.xlsx", openapi_extra=xlsx_openapi("履职台账（.xlsx）"))
def ledger_xlsx(request: HttpRequest, list_id: int, as_of: str = "") -> HttpResponse:
    """The duty ledger (履职台账) of a list as a workbook: the completion figures on top, then each item's
    entries (date, text, who recorded it, how many files), as of ``as_of`` (default: today, or the year's end)."""
    found = duty_list_require(actor=request_actor(request), list_id=list_id)
    day = as_of_for(found.year, _as_of(as_of))
    return xlsx_response(
        workbooks.ledger_xlsx(found, day), f"{found.title}履职台账.xlsx", fallback=f"duty-ledger-{found.pk}.xlsx"
    )


@lists_router.post("/{int:list_id}/items/import", response={201: dict[str, Any]})
def import_items(request: HttpRequest, list_id: int) -> Status[dict[str, Any]]:
    """Add a list's items from an .xlsx sent as multipart ``file`` (columns 序号, 职责内容 or 工作任务, 完成时限,
    header names matched loosely). All or nothing: 422 naming every bad row and column (``rows.<row>.<column>``)
    or the file (``file``); 403 for who may see but not keep the list."""
    actor = request_actor(request)
    found = duty_list_require(actor=actor, list_id=list_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise FieldErrors({"file": "请选择要导入的 Excel 文件（.xlsx）"})
    added = duty_items_import(actor=actor, duty_list=found, upload=upload)
    as_of = as_of_for(found.year)
    for item in added:
        item.duty_list = found
    return Status(201, {"count": len(added), "items": [item_out(i, as_of, entries=False) for i in added]})


@items_router.post("/{int:item_id}/entries", response={201: dict[str, Any]})
def add_entry(request: HttpRequest, item_id: int) -> Status[dict[str, Any]]:
    """Record what was done against an item (履职台账): ``{"done_on","text"}`` as JSON, or the same fields as a
    multipart form with images or PDFs in ``files``. 403 for who may see but not record; 422 naming the field."""
    actor = request_actor(request)
    item = duty_item_get(actor=actor, item_id=item_id)
    if item is None:
        raise NotFound("清单事项不存在")
    if json_content(request.content_type or ""):
        body: Any = json_body(request)
        uploads = []
    else:
        body = request.POST
        uploads = [(f, f.name or "", f.size) for f in request.FILES.getlist("files")]
    entry = duty_entry_add(actor=actor, item=item, done_on=body.get("done_on"), text=body.get("text"), files=uploads)
    return Status(201, entry_out(entry))


@attachments_router.get("/{int:attachment_id}")
def download_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A ledger entry's file, for those who may see its list only."""
    found = duty_attachment_get(actor=request_actor(request), attachment_id=attachment_id)
    if found is None:
        raise NotFound("文件不存在")
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


@stats_router.get("/duties", response=dict[str, Any])
def duty_figures(request: HttpRequest, region: str = "", year: str = "", as_of: str = "") -> dict[str, Any]:
    """Completion of a year's duty lists in ``region``'s subtree (default: this year; ``as_of`` default today or
    the year's end): per list, per person (leaders' lists) and per member unit, and the totals — each
    ``{"due","on_time","done","late","missing","rate","done_rate"}`` (rules module: the counting rule)."""
    actor = request_actor(request)
    the_year = _int(year, "year", low=2000, high=2100) or dates.today().year
    return duty_stats(actor=actor, year=the_year, region=subtree(actor=actor, region=region), as_of=_as_of(as_of))


def pressure_out(p: Pressure) -> dict[str, Any]:
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "issuer_region": p.issuer_region_id,
        "issuer": f"{p.issuer_region.name}安全生产委员会办公室",
        "target_kind": "department" if p.target_department_id else "region",
        "target": p.target_department_id or p.target_region_id,
        "target_name": p.target_name,
        "region": p.region_id,
        "reason": p.reason,
        "on": p.on,
        "follow_up_due": p.follow_up_due,
        "overdue": p.done_on is None and dates.is_past(p.follow_up_due),
        "done_on": p.done_on,
        "result": p.result,
        "task_id": p.task_id,
        "documents_url": f"/api/v1/pressures/{p.pk}/documents",
    }


@pressures_router.get("", response=dict[str, Any])
def list_pressures(
    request: HttpRequest, region: str = "", kind: str = "", open: str = "", limit: str = "", offset: str = ""
) -> dict[str, Any]:
    """The pressures the caller may see: ``region`` (targets in its subtree), ``kind``, ``open`` (true: not
    answered yet; false: answered); paged."""
    actor = request_actor(request)
    flag = {"true": True, "1": True, "false": False, "0": False, "": None}.get(open.strip().lower(), "bad")
    if flag == "bad":
        raise FieldErrors({"open": "应为 true 或 false"})
    qs = pressure_filter(
        actor=actor,
        region=subtree(actor=actor, region=region),
        kind=kind.strip() or None,
        open_only=flag,  # type: ignore[arg-type]
    )
    start = _int(offset, "offset", default=0) or 0
    size = _int(limit, "limit", default=50, high=500) or 50
    return {"items": [pressure_out(p) for p in qs[start : start + size]], "count": qs.count()}


@pressures_router.post("", response={201: dict[str, Any]})
def create_pressure(request: HttpRequest) -> Status[dict[str, Any]]:
    """Record a measure: ``{"kind","target_kind": "region"|"department","target","reason","on","follow_up_due",
    "task_id"?,"issuer_region"? (admins)}``. Only a committee office above the target (or an admin): 403
    otherwise; 422 naming each bad field (挂牌督办 of a unit names ``target``)."""
    actor = request_actor(request)
    body = json_body(request)
    fields = ("kind", "target_kind", "target", "reason", "on", "follow_up_due", "task_id", "issuer_region")
    created = pressure_create(actor=actor, **{k: body.get(k) for k in fields})
    return Status(201, pressure_out(pressure_require(actor=actor, pressure_id=created.pk)))


@pressures_router.get("/{int:pressure_id}", response=dict[str, Any])
def get_pressure(request: HttpRequest, pressure_id: int) -> dict[str, Any]:
    return pressure_out(pressure_require(actor=request_actor(request), pressure_id=pressure_id))


@pressures_router.post("/{int:pressure_id}/follow-up", response=dict[str, Any])
def follow_up(request: HttpRequest, pressure_id: int) -> dict[str, Any]:
    """Record the follow-up: ``{"done_on","result"}``; once (409 again); the target's officers, the issuing office
    or an admin (403 otherwise)."""
    actor = request_actor(request)
    found = pressure_require(actor=actor, pressure_id=pressure_id)
    body = json_body(request)
    return pressure_out(
        pressure_follow_up(actor=actor, pressure=found, done_on=body.get("done_on"), result=body.get("result"))
    )
