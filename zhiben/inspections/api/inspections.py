"""/api/v1/inspections — the inspection on site (DESIGN.md §6 additions): record it with its team and checklist,
results in bulk, findings that become hazards in one step, photos, completion; the scoped list and the record.
Thin: the selectors read (out of scope answers 404, before any input is read), the services write."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhiben.accounts.request import request_actor
from zhiben.common.errors import NotFound
from zhiben.common.filters import query_params, query_schema
from zhiben.common.inputs import json_body, openapi_body
from zhiben.common.pagination import LimitOffset
from zhiben.common.schemas import EventOut
from zhiben.hazards import rules as hazard_rules

from .. import rules
from ..models import CheckItem, Finding, Inspection, InspectionPhoto, Order, Penalty, TeamMember
from ..selectors.inspections import (
    InspectionFilterSet,
    inspection_detail,
    inspection_events,
    inspection_list,
    inspection_visible,
    photo_get,
    results_count,
)
from ..services.inspections import (
    inspection_complete,
    inspection_create,
    inspection_finding_add,
    inspection_findings_from_failed,
    inspection_items_set,
    inspection_photo_add,
)
from ..services.inspections_inputs import Completion, FindingNew, FindingsFromFailed, InspectionNew, ItemResults

router = Router(tags=["inspections"])


class InspectionOut(Schema):
    id: int
    enterprise: str
    enterprise_name: str
    region: str = Field(..., alias="region_id")
    region_name: str
    sector: str = Field(..., alias="sector_id")
    sector_name: str
    department: int | None = Field(None, alias="department_id")
    department_name: str
    kind: str = Field(..., description="planned|random|tip|special|other")
    flags: list[str] = Field(..., description="unannounced（四不两直）|covert（明察暗访）|cross_region（异地交叉执法）")
    on: datetime.date
    place: str
    status: str = Field(..., description="open（检查中）|done（已完成）")
    items_total: int = 0
    items_failed: int = 0
    items_pending: int = 0
    findings_count: int = Field(0, alias="findings_total", description="发现问题（生成的隐患）数")

    @staticmethod
    def resolve_enterprise(obj: Inspection) -> str:
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise_name(obj: Inspection) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_region_name(obj: Inspection) -> str:
        return obj.region.name

    @staticmethod
    def resolve_sector_name(obj: Inspection) -> str:
        return obj.sector.name

    @staticmethod
    def resolve_department_name(obj: Inspection) -> str:
        return obj.department.name if obj.department else ""


class MemberOut(Schema):
    id: int
    role: str = Field(..., description="leader（带队）|officer（执法人员）|expert（专家）")
    name: str
    certificate_no: str
    officer: int | None = Field(None, alias="officer_id")
    expert: int | None = Field(None, alias="expert_id")


class ItemOut(Schema):
    id: int
    position: int
    criterion: str | None = Field(None, alias="criterion_id")
    article: str = Field("", description="条款")
    standard: str = Field("", description="判定标准（文号）")
    topic_only: bool = Field(False, description="仅条目主题，正文见标准原文")
    text: str
    result: str = Field(..., description="pending|pass|fail|na")
    note: str
    findings: list[int] = Field(..., description="由本项生成的隐患编号")
    photos: list[int]

    @staticmethod
    def resolve_article(obj: CheckItem) -> str:
        return obj.criterion.article if obj.criterion else ""

    @staticmethod
    def resolve_standard(obj: CheckItem) -> str:
        return f"{obj.criterion.standard.title}（{obj.criterion.standard.number}）" if obj.criterion else ""

    @staticmethod
    def resolve_topic_only(obj: CheckItem) -> bool:
        return bool(obj.criterion and not obj.criterion.text_available)

    @staticmethod
    def resolve_findings(obj: CheckItem) -> list[int]:
        return [f.hazard_id for f in obj.findings.all()]

    @staticmethod
    def resolve_photos(obj: CheckItem) -> list[int]:
        return [p.pk for p in obj.photos.all()]


class FindingOut(Schema):
    id: int
    hazard: int = Field(..., alias="hazard_id")
    item: int | None = Field(None, alias="item_id")
    title: str
    level: str
    status: str = Field(..., description="隐患状态：open|rectifying|pending_review|closed|cancelled")
    criterion: str | None
    deadline: datetime.date | None = Field(None, description="整改期限（监管部门责令）")
    deadline_owner: str | None
    overdue: bool
    url: str

    @staticmethod
    def resolve_title(obj: Finding) -> str:
        return obj.hazard.title

    @staticmethod
    def resolve_level(obj: Finding) -> str:
        return obj.hazard.level

    @staticmethod
    def resolve_status(obj: Finding) -> str:
        return obj.hazard.status

    @staticmethod
    def resolve_criterion(obj: Finding) -> str | None:
        return obj.hazard.criterion_id

    @staticmethod
    def resolve_deadline(obj: Finding) -> datetime.date | None:
        return obj.hazard.deadline

    @staticmethod
    def resolve_deadline_owner(obj: Finding) -> str | None:
        return hazard_rules.deadline_owner(obj.hazard)

    @staticmethod
    def resolve_overdue(obj: Finding) -> bool:
        return hazard_rules.is_overdue(obj.hazard)

    @staticmethod
    def resolve_url(obj: Finding) -> str:
        return f"/api/v1/hazards/{obj.hazard_id}"


class PhotoOut(Schema):
    id: int
    item: int | None = Field(None, alias="item_id")
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime
    url: str

    @staticmethod
    def resolve_url(obj: InspectionPhoto) -> str:
        return f"/api/v1/inspections/{obj.inspection_id}/photos/{obj.pk}"


class OrderOut(Schema):
    id: int
    kind: str
    issued_on: datetime.date
    deadline: datetime.date | None
    status: str
    reinspection_due: datetime.date | None
    hazards: list[int]

    @staticmethod
    def resolve_hazards(obj: Order) -> list[int]:
        return [h.pk for h in obj.hazards.all()]


class PenaltyOut(Schema):
    id: int
    kind: str
    decided_on: datetime.date
    amount: Decimal = Field(..., description="罚款金额（元）")
    basis: str
    payment: str


class InspectionDetail(InspectionOut):
    plan_item: int | None = Field(None, alias="plan_item_id")
    draw: int | None = Field(None, alias="draw_id")
    tip: int | None = Field(None, alias="tip_id")
    summary: str
    acknowledged_by: str
    acknowledgement_refused: bool
    created_at: datetime.datetime
    done_at: datetime.datetime | None
    team: list[MemberOut]
    certified_officers: int = Field(..., description="持证执法人员人数")
    issue_refusal: str | None = Field(None, description="不能出具执法文书的原因（持证执法人员不足2人）；null：可以出具")
    results: dict[str, int] = Field(..., description="各检查结果的项数：pending、pass、fail、na")
    items: list[ItemOut]
    findings: list[FindingOut]
    photos: list[PhotoOut]
    orders: list[OrderOut]
    penalties: list[PenaltyOut]
    events: list[EventOut]

    @staticmethod
    def resolve_team(obj: Inspection) -> list[TeamMember]:
        return list(obj.team.all())

    @staticmethod
    def resolve_certified_officers(obj: Inspection) -> int:
        return rules.certified_officers(obj.team.all())

    @staticmethod
    def resolve_issue_refusal(obj: Inspection) -> str | None:
        return rules.issue_refusal(obj.team.all())

    @staticmethod
    def resolve_results(obj: Inspection) -> dict[str, int]:
        return results_count(obj.items.all())

    @staticmethod
    def resolve_items(obj: Inspection) -> list[CheckItem]:
        return list(obj.items.all())

    @staticmethod
    def resolve_items_total(obj: Inspection) -> int:
        return len(obj.items.all())

    @staticmethod
    def resolve_items_failed(obj: Inspection) -> int:
        return results_count(obj.items.all())["fail"]

    @staticmethod
    def resolve_items_pending(obj: Inspection) -> int:
        return results_count(obj.items.all())["pending"]

    @staticmethod
    def resolve_findings_count(obj: Inspection) -> int:
        return len(obj.findings.all())

    @staticmethod
    def resolve_findings(obj: Inspection) -> list[Finding]:
        return list(obj.findings.all())

    @staticmethod
    def resolve_photos(obj: Inspection) -> list[InspectionPhoto]:
        return list(obj.photos.all())

    @staticmethod
    def resolve_orders(obj: Inspection) -> list[Order]:
        return list(obj.orders.all())

    @staticmethod
    def resolve_penalties(obj: Inspection) -> list[Penalty]:
        return list(obj.penalties.all())

    @staticmethod
    def resolve_events(obj: Inspection) -> list[Any]:
        return list(inspection_events(obj))


class InspectionQuery(query_schema(InspectionFilterSet)):  # type: ignore[misc]  # a generated base
    """The list's query parameters, from the one filter declaration (selectors/inspections.py)."""


class FindingsOut(Schema):
    findings: list[FindingOut]


class PhotoCreated(Schema):
    id: int
    item: int | None = Field(None, alias="item_id")
    name: str
    content_type: str
    size: int
    sha256: str
    url: str

    @staticmethod
    def resolve_url(obj: InspectionPhoto) -> str:
        return f"/api/v1/inspections/{obj.inspection_id}/photos/{obj.pk}"


def _detail(request: HttpRequest, inspection_id: int) -> Inspection:
    found = inspection_detail(actor=request_actor(request), inspection_id=inspection_id)
    if found is None:
        raise NotFound("检查记录不存在")
    return found


def _body(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    """The JSON body of a step, once the inspection is known to be in scope (404 otherwise): a bad value must not
    tell an outsider that the inspection exists. Only the body's kind and syntax are checked before (415, 422 on
    ``body``): they say nothing of any record."""
    body = json_body(request)
    _in_scope(request, inspection_id)
    return body


def _in_scope(request: HttpRequest, inspection_id: int) -> None:
    if not inspection_visible(actor=request_actor(request), inspection_id=inspection_id):
        raise NotFound("检查记录不存在")


@router.post("", response={200: InspectionDetail, 201: InspectionDetail}, openapi_extra=openapi_body(InspectionNew))
def create_inspection(request: HttpRequest) -> Answer[Inspection]:
    """Record an inspection: ``{"enterprise","kind","flags","on","team":[…],"place"?,"plan_item"?|"draw"?|"tip"?,
    "department"?,"client_key"?}`` → 201 with the inspection, its team and checklist. The same ``client_key``
    again answers 200 with the inspection already recorded (no second one). 403 for an enterprise user; 422
    naming each bad field (``team`` for a related expert, an inactive member, a duplicate)."""
    inspection, created = inspection_create(actor=request_actor(request), data=json_body(request))
    return Answer(201 if created else 200, _detail(request, inspection.pk))


@router.get("", response=list[InspectionOut])
@paginate(LimitOffset)
def list_inspections(request: HttpRequest, query: Query[InspectionQuery]) -> object:
    """The inspections the caller may see (an enterprise user: those at its own premises), latest first,
    filtered by ``region``, ``department``, ``enterprise``, ``kind``, ``flag``, ``from``, ``to``, ``status``."""
    return inspection_list(actor=request_actor(request), filters=query_params(query))


@router.get("/{int:inspection_id}", response=InspectionDetail)
def get_inspection(request: HttpRequest, inspection_id: int) -> Inspection:
    """One inspection: its team (whether it may issue documents), checklist, findings (each hazard's status and
    deadline), photos, orders and penalties, and its timeline."""
    return _detail(request, inspection_id)


@router.post("/{int:inspection_id}/items", response=InspectionDetail, openapi_extra=openapi_body(ItemResults))
def set_items(request: HttpRequest, inspection_id: int) -> Inspection:
    """Results in bulk: ``{"items":[{"id","result":"pass|fail|na|pending","note"?}],"add"?:[{"text","result"?}]}``.
    409 once the inspection is done."""
    body = _body(request, inspection_id)
    inspection_items_set(actor=request_actor(request), inspection_id=inspection_id, data=body)
    return _detail(request, inspection_id)


def _findings_body() -> dict[str, Any]:
    """The OpenAPI body of ``…/findings``: one finding's fields, and ``from_failed_items`` for the other form."""
    extra = openapi_body(FindingNew)
    schema = extra["requestBody"]["content"]["application/json"]["schema"]
    bulk = openapi_body(FindingsFromFailed)["requestBody"]["content"]["application/json"]["schema"]
    schema["properties"]["from_failed_items"] = bulk["properties"]["from_failed_items"] | {
        "description": "true：本次检查中全部尚未生成隐患的不符合项一次生成隐患（同时给出 level，可给 deadline）"
    }
    schema.pop("required", None)  # level is required in both forms; the rest depends on the form
    return extra


@router.post("/{int:inspection_id}/findings", response={201: FindingsOut}, openapi_extra=_findings_body())
def add_findings(request: HttpRequest, inspection_id: int) -> Answer[dict[str, Any]]:
    """A finding becomes a hazard (``source=inspection``, found on the inspection's day, linked to it):
    ``{"item"?,"title","level","criterion"?,"description"?,"location"?,"deadline"?,"photos"?}`` — ``photos``: ids of
    this inspection's photos (``POST …/photos``), kept as the hazard's photos. A major finding cites a clause
    (default: the failed line's). ``{"from_failed_items": true, "level", "deadline"?}``: every failed line without a
    finding becomes a hazard at once. 201 ``{"findings": […]}``."""
    body = _body(request, inspection_id)
    actor = request_actor(request)
    if "from_failed_items" in body:
        made = inspection_findings_from_failed(actor=actor, inspection_id=inspection_id, data=body)
    else:
        made = [inspection_finding_add(actor=actor, inspection_id=inspection_id, data=body)]
    found = Finding.objects.select_related("hazard").filter(pk__in=[f.pk for f in made]).order_by("id")
    return Answer(201, {"findings": list(found)})


@router.post("/{int:inspection_id}/photos", response={200: PhotoCreated, 201: PhotoCreated})
def add_photo(
    request: HttpRequest, inspection_id: int, file: File[UploadedFile], item: Form[str] = ""
) -> Answer[InspectionPhoto]:
    """A photo (multipart ``file``: JPEG, PNG or WebP, checked from its content; ``item``: a checklist line).
    201; the same picture again answers 200 with the photo already kept."""
    _in_scope(request, inspection_id)
    photo, created = inspection_photo_add(
        actor=request_actor(request), inspection_id=inspection_id, upload=(file, file.name or "", file.size), item=item
    )
    return Answer(201 if created else 200, photo)


@router.get("/{int:inspection_id}/photos/{int:photo_id}")
def photo(request: HttpRequest, inspection_id: int, photo_id: int) -> FileResponse:
    """A photo, for users who may see the inspection only."""
    found = photo_get(actor=request_actor(request), inspection_id=inspection_id, photo_id=photo_id)
    if found is None:
        raise NotFound("照片不存在")
    return photo_response(found)


def photo_response(found: InspectionPhoto) -> FileResponse:
    """The photo as a file answer that a browser shows and never runs."""
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


@router.post("/{int:inspection_id}/complete", response=InspectionDetail, openapi_extra=openapi_body(Completion))
def complete(request: HttpRequest, inspection_id: int) -> Inspection:
    """检查完毕: ``{"summary","acknowledged_by"}`` or ``{"summary","acknowledgement_refused": true}``. 422 naming
    ``items`` while a line is still pending; 409 when already done."""
    body = _body(request, inspection_id)
    inspection_complete(actor=request_actor(request), inspection_id=inspection_id, data=body)
    return _detail(request, inspection_id)
