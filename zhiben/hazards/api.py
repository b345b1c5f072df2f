"""/api/v1/hazards — the major-hazard database and its closed loop (DESIGN.md §6)."""

import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhiben.accounts.request import request_actor
from zhiben.common.errors import NotFound
from zhiben.common.filters import query_params, query_schema
from zhiben.common.inputs import Input, json_body, openapi_body, parse
from zhiben.common.pagination import LimitOffset
from zhiben.common.schemas import EventOut
from zhiben.common.xlsx import xlsx_openapi, xlsx_response

from . import rules
from .exports import hazards_xlsx, list_filename, timeline_filename, timeline_xlsx
from .filters import HazardFilterSet
from .inputs import (
    HazardCancellation,
    HazardDelisting,
    HazardDualReport,
    HazardExtension,
    HazardExtensionDecision,
    HazardPlan,
    HazardReport,
    HazardReviewDecision,
    HazardSubmission,
    HazardSupervision,
)
from .models import Attachment, AttachmentKind, Hazard, Status
from .selectors import (
    API_LIST_RELATED,
    API_RELATED,
    hazard_events,
    hazard_get,
    hazard_list,
    hazard_recorded,
    hazard_visible,
)
from .services import (
    hazard_attach,
    hazard_cancel,
    hazard_create,
    hazard_delist,
    hazard_extension_decide,
    hazard_extension_request,
    hazard_plan,
    hazard_report,
    hazard_review,
    hazard_submit,
    hazard_supervise,
)

router = Router(tags=["hazards"])
StepInput = TypeVar("StepInput", bound=Input)


class AttachmentOut(Schema):
    id: int
    kind: str = Field(..., description="photo: 隐患现场照片; evidence: 整改佐证材料")
    name: str = Field(..., alias="original_name")
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime
    url: str
    thumbnail_url: str | None

    @staticmethod
    def resolve_url(obj: Attachment) -> str:
        return f"/api/v1/hazards/{obj.hazard_id}/attachments/{obj.pk}"

    @staticmethod
    def resolve_thumbnail_url(obj: Attachment) -> str | None:
        return f"/api/v1/hazards/{obj.hazard_id}/attachments/{obj.pk}?thumbnail=true" if obj.thumbnail else None


class HazardOut(Schema):
    id: int
    enterprise: str
    enterprise_name: str
    region: str = Field(..., alias="region_id")
    sector: str = Field(..., alias="sector_id")
    level: str
    source: str
    status: str
    title: str
    description: str
    location: str
    criterion: str | None = Field(None, alias="criterion_id")
    external_ref: str
    discovered_on: datetime.date
    deadline: datetime.date | None
    deadline_owner: str | None = Field(None, description="enterprise（企业自定）| regulator（监管部门责令）| null")
    due: datetime.date | None = Field(None, description="起作用的期限：整改期限与督办期限中较早者")
    cohort: str
    overdue: bool
    closed_on_time: bool
    self_check_missed: bool
    listed: bool
    submitted_on: datetime.date | None = Field(None, description="申请销号日期（企业完成整改之日）")
    review_due: datetime.date | None = Field(None, description="审核销号期限（待审核时）")
    review_overdue: bool
    without_plan: bool = Field(..., description="重大隐患超过 ZHIBEN_PLAN_DAYS 天仍未制定整改方案")
    report_late: bool = Field(..., description="重大隐患向监管部门报告晚于期限（电力：3 个工作日）")
    cancel_proposed_by: int | None = Field(None, alias="cancel_proposed_by_id")
    historical: bool
    closed_on: datetime.date | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_enterprise(obj: Hazard) -> str:
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise_name(obj: Hazard) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_cohort(obj: Hazard) -> str:
        return rules.cohort(obj)

    @staticmethod
    def resolve_overdue(obj: Hazard) -> bool:
        return rules.is_overdue(obj)

    @staticmethod
    def resolve_closed_on_time(obj: Hazard) -> bool:
        return rules.closed_on_time(obj)

    @staticmethod
    def resolve_self_check_missed(obj: Hazard) -> bool:
        return rules.self_check_missed(obj)

    @staticmethod
    def resolve_deadline_owner(obj: Hazard) -> str | None:
        return rules.deadline_owner(obj)

    @staticmethod
    def resolve_due(obj: Hazard) -> datetime.date | None:
        return rules.due(obj)

    @staticmethod
    def resolve_review_due(obj: Hazard) -> datetime.date | None:
        return rules.review_due(obj)

    @staticmethod
    def resolve_review_overdue(obj: Hazard) -> bool:
        return rules.review_overdue(obj)

    @staticmethod
    def resolve_without_plan(obj: Hazard) -> bool:
        return rules.without_plan(obj)

    @staticmethod
    def resolve_report_late(obj: Hazard) -> bool:
        return rules.report_late(obj)


class PlanOut(Schema):
    responsible_person: str
    measures: str
    funds: Decimal | None
    interim_measures: str
    planned_at: datetime.datetime | None


class SupervisionOut(Schema):
    level: str = Field(..., alias="supervision_level")
    notice_no: str = Field(..., alias="supervision_notice_no")
    listed_on: datetime.date | None
    deadline: datetime.date | None = Field(None, alias="supervision_deadline")
    delisted_on: datetime.date | None
    delist_reason: str


class ExtensionOut(Schema):
    deadline: datetime.date | None = Field(None, alias="extension_deadline")
    reason: str = Field(..., alias="extension_reason")
    status: str = Field(..., alias="extension_status", description="pending|approved|rejected")
    requested_by: int | None = Field(None, alias="extension_requested_by_id")
    comment: str = Field(..., alias="extension_comment")
    requested_on: datetime.date | None = Field(None, alias="extension_requested_on", description="申请日期")
    late: bool = Field(
        ...,
        alias="extension_late",
        description="申请时距整改期限不足 ZHIBEN_EXTENSION_NOTICE_WORKING_DAYS 个工作日（企业自定期限仍受理）",
    )
    decide_by: datetime.date | None = Field(
        None, description="审批期限：申请日后第 ZHIBEN_EXTENSION_DECISION_WORKING_DAYS 个工作日（待审批时）"
    )
    overdue: bool = Field(..., description="待审批且已过审批期限")

    @staticmethod
    def resolve_decide_by(obj: Hazard) -> datetime.date | None:
        return rules.extension_decide_by(obj)

    @staticmethod
    def resolve_overdue(obj: Hazard) -> bool:
        return rules.extension_overdue(obj)


class ReportsOut(Schema):
    regulator: datetime.date | None = Field(None, alias="reported_to_regulator_on")
    workers_congress: datetime.date | None = Field(None, alias="reported_to_workers_congress_on")
    regulator_due: datetime.date | None = Field(
        None,
        alias="regulator_report_due",
        description="向监管部门报告期限：电力企业自查发现的重大隐患，发现后第 3 个工作日（发改委令第41号 第十八条）",
    )
    regulator_late: bool = Field(..., description="登记与报告监管部门均晚于报告期限（迟报）")

    @staticmethod
    def resolve_regulator_late(obj: Hazard) -> bool:
        return rules.report_late(obj)


class HazardDetail(HazardOut):
    plan: PlanOut | None
    supervision: SupervisionOut | None
    extension: ExtensionOut | None
    reports: ReportsOut
    cancel_reason: str
    attachments: list[AttachmentOut]
    events: list[EventOut]

    @staticmethod
    def resolve_plan(obj: Hazard) -> Hazard | None:
        return obj if obj.planned_at else None

    @staticmethod
    def resolve_supervision(obj: Hazard) -> Hazard | None:
        return obj if obj.supervision_level else None

    @staticmethod
    def resolve_extension(obj: Hazard) -> Hazard | None:
        return obj if obj.extension_status else None

    @staticmethod
    def resolve_reports(obj: Hazard) -> Hazard:
        return obj

    @staticmethod
    def resolve_attachments(obj: Hazard) -> list[Attachment]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_events(obj: Hazard) -> list[Any]:
        return hazard_events(obj)


class HazardQuery(query_schema(HazardFilterSet)):  # type: ignore[misc]  # a generated base
    """The list's and the export's query parameters: generated from the one filter declaration (filters.py)."""


class AttachmentCreated(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    sha256: str


def _input(request: HttpRequest, hazard_id: int, model: type[StepInput]) -> StepInput:
    """A step's typed input, read from the body only once the hazard is known to be in the caller's scope:
    out of scope is 404 whatever the body says."""
    if not hazard_visible(actor=request_actor(request), hazard_id=hazard_id):
        raise NotFound("隐患不存在")
    return parse(model, json_body(request))


def _detail(request: HttpRequest, hazard_id: int) -> Hazard:
    hazard = hazard_get(actor=request_actor(request), hazard_id=hazard_id, related=API_RELATED)
    if hazard is None:
        raise NotFound("隐患不存在")
    return hazard


@router.post("", response={201: HazardDetail})
def create_hazard(request: HttpRequest, payload: HazardReport) -> Answer[Hazard]:
    """Record a hazard. An enterprise user may only self-report (source=self_check) for its own enterprise."""
    # The service's hazard as recorded: its creator sees it (no second read, no seven-table join).
    return Answer(201, hazard_recorded(hazard_create(actor=request_actor(request), report=payload)))


@router.get("", response=list[HazardOut])
@paginate(LimitOffset)
def list_hazards(request: HttpRequest, query: Query[HazardQuery]) -> object:
    return hazard_list(actor=request_actor(request), filters=query_params(query), related=API_LIST_RELATED)


@router.get("/export", openapi_extra=xlsx_openapi("隐患清单（.xlsx）"))
def export_hazards(request: HttpRequest, query: Query[HazardQuery]) -> HttpResponse:
    """Every hazard the same query selects on ``GET /hazards`` (all of them, no paging), as an Excel
    workbook with Chinese headers and labels."""
    name, fallback = list_filename()
    return xlsx_response(
        hazards_xlsx(actor=request_actor(request), filters=query_params(query)), name, fallback=fallback
    )


@router.get("/{int:hazard_id}", response=HazardDetail)
def get_hazard(request: HttpRequest, hazard_id: int) -> Hazard:
    """One hazard with its attachments and its full timeline (events oldest first)."""
    return _detail(request, hazard_id)


@router.get("/{int:hazard_id}/events/export", openapi_extra=xlsx_openapi("全过程记录（.xlsx）"))
def export_events(request: HttpRequest, hazard_id: int) -> HttpResponse:
    """The hazard's timeline (全过程记录) as an Excel workbook: times in Beijing time, Chinese labels."""
    hazard = _detail(request, hazard_id)
    name, fallback = timeline_filename(hazard)
    return xlsx_response(timeline_xlsx(hazard, hazard_events(hazard)), name, fallback=fallback)


@router.post("/{int:hazard_id}/plan", response=HazardDetail, openapi_extra=openapi_body(HazardPlan))
def plan(request: HttpRequest, hazard_id: int) -> Hazard:
    """File the rectification plan (五落实); its deadline becomes the hazard's."""
    plan = _input(request, hazard_id, HazardPlan)
    hazard_plan(hazard_id=hazard_id, actor=request_actor(request), plan=plan)
    return _detail(request, hazard_id)


@router.post("/{int:hazard_id}/attachments", response={201: AttachmentCreated})
def attach(
    request: HttpRequest, hazard_id: int, file: File[UploadedFile], kind: Form[str] = AttachmentKind.EVIDENCE
) -> Answer[Attachment]:
    """Upload a file: JPEG, PNG, WebP or PDF (detected from content), size-capped. ``kind`` is
    ``evidence`` (整改佐证材料, the default: what a close-out may cite) or ``photo`` (隐患现场照片). The same
    content uploaded again to the same hazard answers the file already kept."""
    attachment = hazard_attach(
        hazard_id=hazard_id, actor=request_actor(request), uploads=[(file, file.name or "", file.size)], kind=kind
    )[0]
    return Answer(201, attachment)


@router.get("/{int:hazard_id}/attachments/{int:attachment_id}")
def download(request: HttpRequest, hazard_id: int, attachment_id: int, thumbnail: bool = False) -> FileResponse:
    """An evidence file (or its thumbnail), for users in scope only."""
    hazard = _detail(request, hazard_id)
    attachment = hazard.attachments.filter(pk=attachment_id).first()
    if attachment is None or (thumbnail and not attachment.thumbnail):
        raise NotFound("文件不存在")
    return evidence_response(attachment, thumbnail=thumbnail)


def evidence_response(attachment: Attachment, *, thumbnail: bool) -> FileResponse:
    field = attachment.thumbnail if thumbnail else attachment.file
    content_type = "image/jpeg" if thumbnail else attachment.content_type
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


@router.post("/{int:hazard_id}/submit", response=HazardDetail, openapi_extra=openapi_body(HazardSubmission))
def submit(request: HttpRequest, hazard_id: int) -> Hazard:
    """Apply for close-out (申请销号). General hazards close at once; major ones wait for review."""
    submission = _input(request, hazard_id, HazardSubmission)
    hazard_submit(hazard_id=hazard_id, actor=request_actor(request), submission=submission)
    return _detail(request, hazard_id)


@router.post("/{int:hazard_id}/review", response=HazardDetail, openapi_extra=openapi_body(HazardReviewDecision))
def review(request: HttpRequest, hazard_id: int) -> Hazard:
    """Approve (销号) or reject a close-out application; not by the one who submitted it."""
    decision = _input(request, hazard_id, HazardReviewDecision)
    hazard_review(hazard_id=hazard_id, actor=request_actor(request), review=decision)
    return _detail(request, hazard_id)


@router.post(
    "/{int:hazard_id}/cancel",
    response={200: HazardDetail, 202: HazardDetail},
    openapi_extra=openapi_body(HazardCancellation),
)
def cancel(request: HttpRequest, hazard_id: int) -> Answer[Hazard]:
    """Cancel a record that is not a hazard (误报/不构成), with a reason. A general hazard: 200, cancelled.
    A major one takes two regulators: the first call records the proposal and answers 202 with the hazard
    unchanged (``cancel_proposed_by`` set); the same person again 409; another regulator in scope 200."""
    cancellation = _input(request, hazard_id, HazardCancellation)
    hazard = hazard_cancel(hazard_id=hazard_id, actor=request_actor(request), cancellation=cancellation)
    return Answer(200 if hazard.status == Status.CANCELLED else 202, _detail(request, hazard_id))


@router.post("/{int:hazard_id}/supervise", response=HazardDetail, openapi_extra=openapi_body(HazardSupervision))
def supervise(request: HttpRequest, hazard_id: int) -> Hazard:
    """List for supervision (挂牌督办): at most at the level of the caller's own region (403 above it)."""
    supervision = _input(request, hazard_id, HazardSupervision)
    hazard_supervise(hazard_id=hazard_id, actor=request_actor(request), supervision=supervision)
    return _detail(request, hazard_id)


@router.post("/{int:hazard_id}/delist", response=HazardDetail, openapi_extra=openapi_body(HazardDelisting))
def delist(request: HttpRequest, hazard_id: int) -> Hazard:
    """End a supervision listing (摘牌) with its date and reason; 403 above the caller's listing authority."""
    delisting = _input(request, hazard_id, HazardDelisting)
    hazard_delist(hazard_id=hazard_id, actor=request_actor(request), delisting=delisting)
    return _detail(request, hazard_id)


@router.post("/{int:hazard_id}/extension", response=HazardDetail, openapi_extra=openapi_body(HazardExtension))
def extension(request: HttpRequest, hazard_id: int) -> Hazard:
    """Ask for a later deadline (延期申请). 409 (naming ``deadline``) once a regulator-ordered deadline has
    passed, or with no deadline yet; 409 while another request is pending; 422 for a deadline not later."""
    asked = _input(request, hazard_id, HazardExtension)
    hazard_extension_request(hazard_id=hazard_id, actor=request_actor(request), extension=asked)
    return _detail(request, hazard_id)


@router.post(
    "/{int:hazard_id}/extension/decision",
    response=HazardDetail,
    openapi_extra=openapi_body(HazardExtensionDecision),
)
def extension_decision(request: HttpRequest, hazard_id: int) -> Hazard:
    """Approve or reject the pending extension: a regulator in scope other than the requester (403 for the
    requester or an enterprise user; 409 when nothing is pending)."""
    decision = _input(request, hazard_id, HazardExtensionDecision)
    hazard_extension_decide(hazard_id=hazard_id, actor=request_actor(request), decision=decision)
    return _detail(request, hazard_id)


@router.post("/{int:hazard_id}/reports", response=HazardDetail, openapi_extra=openapi_body(HazardDualReport))
def reports(request: HttpRequest, hazard_id: int) -> Hazard:
    """Record a report (双报告): to the regulator or to the workers' congress."""
    dual_report = _input(request, hazard_id, HazardDualReport)
    hazard_report(hazard_id=hazard_id, actor=request_actor(request), dual_report=dual_report)
    return _detail(request, hazard_id)
