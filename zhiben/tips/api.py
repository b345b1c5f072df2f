"""``/api/v1/tips``: the public submission and receipt follow-up (no account), and the handlers' queue.

Lists and details never carry identity; ``/tips/{id}/reporter`` does, for tip handlers only, and each
read is an event. A wrong receipt answers exactly like a missing one (404), after the rate limit.
"""

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhiben.accounts.request import request_actor
from zhiben.common.errors import FieldErrors, NotFound, TooManyRequests
from zhiben.common.filters import query_params, query_schema
from zhiben.common.inputs import json_body, openapi_body, parse
from zhiben.common.pagination import LimitOffset

from . import limits, receipts
from .filters import TipFilterSet
from .inputs import (
    TipAddition,
    TipExtension,
    TipObjection,
    TipReply,
    TipReport,
    TipReview,
    TipRewardPayment,
    TipVerification,
)
from .models import Category, Tip, TipAttachment, TipReward, TipStatus
from .rules import is_overdue
from .selectors import tip_content, tip_get, tip_list, tip_messages
from .services import (
    tip_by_receipt,
    tip_extend,
    tip_object,
    tip_reply,
    tip_reporter,
    tip_reporter_message,
    tip_review,
    tip_reward_notice,
    tip_reward_paid,
    tip_submit,
    tip_verify,
)

router = Router(tags=["tips"])


def _refuse_if_limited(limited: limits.Limited | None, what: str = "提交") -> None:
    """429 saying when the client may try again (Beijing time)."""
    if limited:
        raise TooManyRequests(limited.message(what), limited.seconds)


class ReceiptOut(Schema):
    receipt: str
    status: str


class RewardOut(Schema):
    eligible: bool
    amount: Decimal
    basis: str
    decided_on: datetime.date
    notified_on: datetime.date | None
    claim_due: datetime.date | None
    paid_on: datetime.date | None
    paid_amount: Decimal | None


class MessageOut(Schema):
    sender: Literal["reporter", "handler"] = Field(..., alias="from")
    on: datetime.date
    body: str


class PublicTipOut(Schema):
    """What the receipt holder sees."""

    status: str
    status_label: str
    category: str
    accepted_on: datetime.date
    verification_due: datetime.date
    outcome: str
    description: str
    messages: list[dict[str, Any]]
    reward: RewardOut | None
    reward_reason: str | None
    reward_reason_code: str | None
    extended: bool
    extension_reason: str
    reply_due: datetime.date | None
    replied_on: datetime.date | None
    objection_due: datetime.date | None
    objected_on: datetime.date | None
    review_due: datetime.date | None
    reviewed_on: datetime.date | None


class TipOut(Schema):
    id: int
    region: str
    region_name: str
    category: str
    enterprise_name: str
    credit_code: str
    status: str
    real_name: bool
    accepted_on: datetime.date
    verification_due: datetime.date
    extended: bool
    overdue: bool
    outcome: str
    verified_on: datetime.date | None
    reply_due: datetime.date | None
    replied_on: datetime.date | None
    hazard: int | None
    accident: int | None
    joint: bool
    objection_due: datetime.date | None
    objected_on: datetime.date | None
    review_due: datetime.date | None
    reviewed_on: datetime.date | None

    @staticmethod
    def resolve_region(obj: Tip) -> str:
        return obj.region_code

    @staticmethod
    def resolve_region_name(obj: Tip) -> str:
        return obj.region.full_name or obj.region.name

    @staticmethod
    def resolve_overdue(obj: Tip) -> bool:
        return is_overdue(obj)

    @staticmethod
    def resolve_hazard(obj: Tip) -> int | None:
        return obj.hazard_id

    @staticmethod
    def resolve_accident(obj: Tip) -> int | None:
        return obj.accident_id


class TipDetail(TipOut):
    description: str
    address: str
    extension_reason: str
    extension_approved_by: str
    extended_on: datetime.date | None
    fine: Decimal | None
    concealed_deaths: int | None
    reporter_excluded: str | None
    already_known: bool
    reward_reason: str | None
    reward_reason_code: str | None
    late_reason: str
    messages: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
    reward: RewardOut | None

    @staticmethod
    def resolve_description(obj: Tip) -> str:
        return str(tip_content(obj).get("description", ""))

    @staticmethod
    def resolve_address(obj: Tip) -> str:
        return str(tip_content(obj).get("address", ""))

    @staticmethod
    def resolve_messages(obj: Tip) -> list[dict[str, Any]]:
        return tip_messages(obj)

    @staticmethod
    def resolve_attachments(obj: Tip) -> list[dict[str, Any]]:
        return [
            {
                "id": a.pk,
                "content_type": a.content_type,
                "size": a.size,
                "url": f"/api/v1/tips/{obj.pk}/attachments/{a.pk}",
            }
            for a in obj.attachments.all()
        ]

    @staticmethod
    def resolve_reward(obj: Tip) -> TipReward | None:
        return TipReward.objects.filter(tip=obj).first()

    @staticmethod
    def resolve_reporter_excluded(obj: Tip) -> str | None:
        return obj.reporter_excluded or None

    @staticmethod
    def resolve_reward_reason(obj: Tip) -> str | None:
        return obj.reward_reason_text

    @staticmethod
    def resolve_reward_reason_code(obj: Tip) -> str | None:
        return obj.reward_reason or None

    @staticmethod
    def resolve_late_reason(obj: Tip) -> str:
        reward = TipReward.objects.filter(tip=obj).first()
        return reward.late_reason if reward else ""


class TipQuery(query_schema(TipFilterSet)):  # type: ignore[misc]  # a generated base
    """The queue's query parameters: generated from the one filter declaration (filters.py)."""


class VerifyOut(TipDetail):
    pass


class ReporterOut(Schema):
    name: str = ""
    phone: str = ""
    id_number: str = ""


def _public(tip: Tip) -> dict[str, Any]:
    reward = TipReward.objects.filter(tip=tip).first()
    return {
        "status": tip.status,
        "status_label": tip.get_status_display(),
        "category": tip.category,
        "accepted_on": tip.accepted_on,
        "verification_due": tip.verification_due,
        "outcome": tip.outcome,
        "description": str(tip_content(tip).get("description", "")),
        "messages": tip_messages(tip),
        "reward": reward,
        "reward_reason": tip.reward_reason_text,
        "reward_reason_code": tip.reward_reason or None,
        # the reason for an extension is told to the reporter (FACTS §3); who approved it is not theirs
        "extended": tip.extended,
        "extension_reason": tip.extension_reason,
        "reply_due": tip.reply_due,
        "replied_on": tip.replied_on,
        "objection_due": tip.objection_due,
        "objected_on": tip.objected_on,
        "review_due": tip.review_due,
        "reviewed_on": tip.reviewed_on,
    }


def _receipt_tip(request: HttpRequest, receipt: str) -> Tip:
    _refuse_if_limited(limits.lookup_limited(request), "查询")
    if not receipts.well_formed(receipt):  # not a code at all: said so, and no strike toward the lockout
        raise FieldErrors({"receipt": receipts.MALFORMED})
    tip = tip_by_receipt(receipt)
    if tip is None:
        limits.lookup_failed(request)
        raise NotFound("回执码不正确")
    return tip


# ------------------------------------------------------------------------------------------ public
@router.post("", auth=None, response={201: ReceiptOut}, openapi_extra=openapi_body(TipReport))
def submit(request: HttpRequest) -> Status[dict[str, str]]:
    """Report a danger without an account. Answers the receipt code — keep it: it is the only way back.
    The rate limit is checked before the body is read."""
    _refuse_if_limited(limits.submission_limited(request))
    tip, receipt = tip_submit(report=parse(TipReport, json_body(request)))
    limits.submission_accepted(request)  # a report refused for bad input does not count
    return Status(201, {"receipt": receipt, "status": tip.status})


@router.get("/by-receipt/{receipt}", auth=None, response=PublicTipOut)
def by_receipt(request: HttpRequest, receipt: str) -> dict[str, Any]:
    """The tip's status, the handler's replies and any reward decision, by receipt."""
    return _public(_receipt_tip(request, receipt))


@router.post(
    "/by-receipt/{receipt}/messages", auth=None, response={201: PublicTipOut}, openapi_extra=openapi_body(TipAddition)
)
def add_message(request: HttpRequest, receipt: str) -> Status[dict[str, Any]]:
    """Add information to a tip, by receipt. The body is read after the receipt and the rate limit."""
    _receipt_tip(request, receipt)
    _refuse_if_limited(limits.submission_limited(request))
    tip = tip_reporter_message(receipt=receipt, addition=parse(TipAddition, json_body(request)))
    limits.submission_accepted(request)
    return Status(201, _public(tip))


@router.post("/by-receipt/{receipt}/attachments", auth=None, response={201: PublicTipOut})
def add_attachment(request: HttpRequest, receipt: str, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Add a photo (its EXIF and GPS are removed before storage) or a PDF, by receipt."""
    _receipt_tip(request, receipt)
    _refuse_if_limited(limits.submission_limited(request))
    try:
        tip = tip_reporter_message(receipt=receipt, addition=TipAddition(), files=[(file, file.name or "", file.size)])
    except FieldErrors as exc:  # the upload's field is "file" here
        raise FieldErrors({("file" if k == "files" else k): v for k, v in exc.errors.items()}) from exc
    limits.submission_accepted(request)
    return Status(201, _public(tip))


@router.post(
    "/by-receipt/{receipt}/objection", auth=None, response={201: PublicTipOut}, openapi_extra=openapi_body(TipObjection)
)
def object_to_reply(request: HttpRequest, receipt: str) -> Status[dict[str, Any]]:
    """The reporter objects (异议) to the reply within 10 days of it (应急〔2023〕106号); the re-review is due
    within 30 days. 409 before the reply, after the 10 days, or a second time. Rate-limited like additions."""
    _receipt_tip(request, receipt)
    _refuse_if_limited(limits.submission_limited(request))
    tip = tip_object(receipt=receipt, objection=parse(TipObjection, json_body(request)))
    limits.submission_accepted(request)
    return Status(201, _public(tip))


# ---------------------------------------------------------------------------------------- handlers
def _detail(request: HttpRequest, tip_id: int) -> Tip:
    tip = tip_get(actor=request_actor(request), tip_id=tip_id)
    if tip is None:
        raise NotFound("举报不存在")
    return tip


@router.get("", response=list[TipOut])
@paginate(LimitOffset)
def list_tips(request: HttpRequest, query: Query[TipQuery]) -> object:
    """The queue of tips in your region (identity never shown here)."""
    return tip_list(actor=request_actor(request), filters=query_params(query))


@router.get("/{int:tip_id}", response=TipDetail)
def get_tip(request: HttpRequest, tip_id: int) -> Tip:
    return _detail(request, tip_id)


@router.get("/{int:tip_id}/reporter", response=ReporterOut)
def reporter(request: HttpRequest, tip_id: int) -> dict[str, str]:
    """The tipster's identity: tip handlers only (404 for anyone else); every read is recorded."""
    return tip_reporter(actor=request_actor(request), tip_id=tip_id)


@router.get("/{int:tip_id}/attachments/{int:attachment_id}")
def attachment(request: HttpRequest, tip_id: int, attachment_id: int) -> FileResponse:
    tip = _detail(request, tip_id)
    found = TipAttachment.objects.filter(tip=tip, pk=attachment_id).first()
    if found is None:
        raise NotFound("附件不存在")
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = f'inline; filename="tip-{tip.pk}-{found.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/{int:tip_id}/verify", response=VerifyOut, openapi_extra=openapi_body(TipVerification))
def verify(request: HttpRequest, tip_id: int) -> Tip:
    """Record the verification; a confirmed major-hazard tip creates or links the hazard (source=tip);
    the reward is decided by the national rule and answered in ``reward``. Out of scope: 404 before the
    body is read."""
    _detail(request, tip_id)
    verification = parse(TipVerification, json_body(request))
    tip_verify(actor=request_actor(request), tip_id=tip_id, verification=verification)
    return _detail(request, tip_id)


@router.post("/{int:tip_id}/extend", response=TipDetail, openapi_extra=openapi_body(TipExtension))
def extend(request: HttpRequest, tip_id: int) -> Tip:
    """Extend verification once by 30 days, with a reason. Out of scope: 404 before the body is read."""
    _detail(request, tip_id)
    extension = parse(TipExtension, json_body(request))
    tip_extend(actor=request_actor(request), tip_id=tip_id, extension=extension)
    return _detail(request, tip_id)


@router.post("/{int:tip_id}/messages", response=TipDetail, openapi_extra=openapi_body(TipReply))
def reply(request: HttpRequest, tip_id: int) -> Tip:
    """A message to the tipster; the first after verification is the reply (答复). Out of scope: 404 before
    the body is read."""
    _detail(request, tip_id)
    message = parse(TipReply, json_body(request))
    tip_reply(actor=request_actor(request), tip_id=tip_id, reply=message)
    return _detail(request, tip_id)


@router.post("/{int:tip_id}/reward/payment", response=TipDetail, openapi_extra=openapi_body(TipRewardPayment))
def reward_paid(request: HttpRequest, tip_id: int) -> Tip:
    """Record that the reward was paid. Out of scope: 404 before the body is read."""
    _detail(request, tip_id)
    payment = parse(TipRewardPayment, json_body(request))
    tip_reward_paid(actor=request_actor(request), tip_id=tip_id, payment=payment)
    return _detail(request, tip_id)


@router.post("/{int:tip_id}/review", response=TipDetail, openapi_extra=openapi_body(TipReview))
def review(request: HttpRequest, tip_id: int) -> Tip:
    """The re-review (复核) of the reporter's objection: ``facts`` and ``handling``. 409 unless the tip is
    under objection. Out of scope: 404 before the body is read."""
    _detail(request, tip_id)
    reviewed = parse(TipReview, json_body(request))
    tip_review(actor=request_actor(request), tip_id=tip_id, review=reviewed)
    return _detail(request, tip_id)


@router.post("/{int:tip_id}/reward/notice", response=TipDetail)
def reward_notice(request: HttpRequest, tip_id: int) -> Tip:
    """Send the reward notice: the 60-day claim window (``reward.claim_due``) starts today. 409 without a
    reward or a second time."""
    _detail(request, tip_id)
    tip_reward_notice(actor=request_actor(request), tip_id=tip_id)
    return _detail(request, tip_id)


__all__ = ["Category", "TipStatus", "router"]
