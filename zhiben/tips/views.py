"""Tip pages. Public (no account): report a danger, get the receipt, follow up with it — the receipt only
ever travels in a POST body, never in a URL. Handlers: the queue, a tip, its verification and reward."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from zhiben.accounts.models import Role
from zhiben.accounts.request import request_actor
from zhiben.audit.models import Event
from zhiben.common import idempotency
from zhiben.common.dates import is_past as dates_past
from zhiben.common.errors import Conflict, DomainError, FieldErrors, NotFound
from zhiben.common.filters import for_page
from zhiben.common.inputs import parse
from zhiben.common.middleware import form_saved, page_field_labels
from zhiben.common.views import post_or_back
from zhiben.regions.resolve import resolve_region
from zhiben.regions.views import picker_context

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
from .models import Category, Exclusion, Outcome, TipAttachment, TipReward
from .rules import is_overdue
from .selectors import tip_content, tip_get, tip_list, tip_messages
from .services import (
    tip_by_receipt,
    tip_extend,
    tip_files_check,
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


def _uploads(request: HttpRequest) -> list[tuple[Any, str, int | None]]:
    return [(f, f.name or "", f.size) for f in request.FILES.getlist("files")]


RECEIPT_COOKIE = "zb_tip_form"
REPORT_SCOPE = "tips.report"


def _tip_receipt(report: TipReport, files: list[tuple[Any, str, int | None]]) -> dict[str, Any]:
    tip, receipt = tip_submit(report=report, files=files)
    # what the receipt page shows, kept with the receipt (sealed): the page reads nothing else
    return {
        "receipt": receipt,
        "accepted_on": tip.accepted_on.isoformat(),
        "verification_due": tip.verification_due.isoformat(),
    }


def _to_receipt(token: str) -> HttpResponse:
    """POST-redirect-GET: the receipt page is reached by a GET, which a reload repeats harmlessly. The form
    token rides in a cookie scoped to the tip pages (never in the URL); only it can open the receipt kept
    for this submission (common/idempotency.py)."""
    response = redirect("tip-receipt")
    response.status_code = 303
    response.set_cookie(
        RECEIPT_COOKIE,
        token,
        max_age=settings.ZHIBEN["SUBMISSION_KEEP_MINUTES"] * 60,
        path="/tips/report/",
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@never_cache
def report(request: HttpRequest) -> HttpResponse:
    """举报: the public form. No account, nothing about the visitor kept. One tip per form: the same form
    sent again (a double tap, a retry after a lost answer) is answered with the first receipt."""
    values = {
        k: request.POST.get(k, "")
        for k in (
            "place",
            "category",
            "description",
            "enterprise_name",
            "credit_code",
            "address",
            "name",
            "phone",
            "id_number",
            "joint",
        )
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        token = idempotency.usable(request.POST.get(idempotency.TOKEN_FIELD)) or idempotency.new_token()
        if idempotency.recall(scope=REPORT_SCOPE, token=token) is not None:
            return _to_receipt(token)  # already accepted: neither the rate limit nor a second tip
        limited = limits.submission_limited(request)
        if limited:
            context = {"values": values, "errors": {"form": limited.message()}, "categories": Category.choices}
            return _retry_after(render(request, "tips/report.html", context, status=429), limited)
        region = ""
        try:
            region = resolve_region(values["place"])
        except ValueError as exc:
            errors["place"] = str(exc)
        data = {
            "region": region,
            "category": values["category"],
            "description": values["description"],
            "enterprise_name": values["enterprise_name"],
            "credit_code": values["credit_code"],
            "address": values["address"],
            "reporter": {k: values[k] for k in ("name", "phone", "id_number") if values[k].strip()},
            "joint": values["joint"] == "1",
        }
        try:  # checked even when the place was not understood, so every problem is named at once
            try:
                parsed = parse(TipReport, data)
                if errors:
                    raise FieldErrors(errors)
            except FieldErrors as refused:
                try:  # the files too, in the same answer
                    tip_files_check(_uploads(request))
                except FieldErrors as files:
                    raise FieldErrors({**files.errors, **refused.errors}) from refused
                raise
            idempotency.once(scope=REPORT_SCOPE, token=token, work=lambda: _tip_receipt(parsed, _uploads(request)))
            limits.submission_accepted(request)  # only an accepted tip counts toward the limit
        except idempotency.Replayed:
            return _to_receipt(token)
        except FieldErrors as exc:
            named = {("place" if k == "region" else k.replace("reporter.", "")): v for k, v in exc.errors.items()}
            errors = {**named, **errors}
        except Conflict as exc:
            errors = {"form": exc.message}
        else:
            return _to_receipt(token)
    return render(
        request,
        "tips/report.html",
        {"values": values, "errors": errors, "categories": Category.choices},
        status=422 if errors else 200,
    )


# the public pages' fields written in their templates (tips/report.html, check.html, status.html)
page_field_labels(
    "tips",
    {
        "place": "所在地区",
        "receipt": "回执码",
        "action": "操作",
        "body": "补充内容",
        "files": "现场照片或材料",
        "reason": "异议理由",
        "joint": "联名举报",
    },
)


def _retry_after(response: HttpResponse, limited: limits.Limited) -> HttpResponse:
    response.headers["Retry-After"] = str(limited.seconds)
    return response


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    """回执: the receipt of the tip this browser just sent (its form token, in a cookie), for as long as the
    submission is kept; otherwise back to the form with a word on why."""
    found = idempotency.recall(scope=REPORT_SCOPE, token=request.COOKIES.get(RECEIPT_COOKIE, ""))
    if found is None:
        messages.info(request, "回执页面已过期：回执码只在提交后的短时间内显示。请凭抄下的回执码查询。")
        return redirect("tip-check")
    dates = {k: datetime.date.fromisoformat(found[k]) for k in ("accepted_on", "verification_due")}
    return render(request, "tips/receipt.html", {"receipt": found["receipt"], "tip": dates})


@never_cache
def check(request: HttpRequest) -> HttpResponse:
    """查询: the receipt (POSTed, never in the URL) opens the tip's status and the replies."""
    if request.method != "POST":
        return render(request, "tips/check.html", {})
    receipt = request.POST.get("receipt", "")
    limited = limits.lookup_limited(request)
    if limited:
        answer = render(request, "tips/check.html", {"error": limited.message("查询")}, status=429)
        return _retry_after(answer, limited)
    if not receipts.well_formed(receipt):  # not a code at all: said so, and no strike toward the lockout
        return render(request, "tips/check.html", {"error": receipts.MALFORMED, "typed": receipt}, status=422)
    tip = tip_by_receipt(receipt)
    if tip is None:
        limits.lookup_failed(request)
        return render(request, "tips/check.html", {"error": "回执码不正确，请核对后重新输入"}, status=404)
    error = ""
    added = False
    if request.POST.get("action") == "add":
        # one addition per form: the same form sent twice adds once (keyed by the form token and the tip)
        scope, token = f"tips.add:{tip.pk}", request.POST.get(idempotency.TOKEN_FIELD, "")
        if idempotency.recall(scope=scope, token=token) is not None:
            added = True
        elif limited := limits.submission_limited(request):
            error = limited.message()
        else:
            try:
                addition = parse(TipAddition, {"body": request.POST.get("body", "")})
                idempotency.once(
                    scope=scope,
                    token=token,
                    work=lambda: {
                        "tip": tip_reporter_message(receipt=receipt, addition=addition, files=_uploads(request)).pk
                    },
                )
                limits.submission_accepted(request)
                added = True
            except idempotency.Replayed:
                added = True
            except FieldErrors as exc:
                error = "；".join(exc.errors.values())
            except Conflict as exc:
                error = exc.message
    objected = False
    if request.POST.get("action") == "object":
        # the objection (异议) within 10 days of the reply: one per form, counted like an addition
        scope, token = f"tips.object:{tip.pk}", request.POST.get(idempotency.TOKEN_FIELD, "")
        if idempotency.recall(scope=scope, token=token) is not None:
            objected = True
        elif limited := limits.submission_limited(request):
            error = limited.message()
        else:
            try:
                objection = parse(TipObjection, {"reason": request.POST.get("reason", "")})
                idempotency.once(
                    scope=scope,
                    token=token,
                    work=lambda: {"tip": tip_object(receipt=receipt, objection=objection).pk},
                )
                limits.submission_accepted(request)
                objected = True
            except idempotency.Replayed:
                objected = True
            except FieldErrors as exc:
                error = "；".join(exc.errors.values())
            except Conflict as exc:
                error = exc.message
        tip = tip_by_receipt(receipt) or tip
    context = {
        "tip": tip,
        "receipt": receipt,
        "content": tip_content(tip),
        "messages_": tip_messages(tip),
        "reward": TipReward.objects.filter(tip=tip).first(),
        "error": error,
        "added": added,
        "objected": objected,
        "action": request.POST.get("action", ""),
        "may_object": tip.status == "replied" and not dates_past(tip.objection_due),
    }
    response = render(request, "tips/status.html", context, status=422 if error else 200)
    acted = request.POST.get("action") in ("add", "object")
    return form_saved(response) if added or objected or not acted else response


# ---------------------------------------------------------------------------------------- handlers
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.role == Role.ENTERPRISE:
        raise Http404
    filterset = TipFilterSet(request.GET)
    tips, errors = for_page(tip_list, filterset, actor=actor)
    page = Paginator(tips, 30).get_page(request.GET.get("page"))
    for tip in page.object_list:
        tip.is_overdue = is_overdue(tip)
    query = request.GET.copy()
    for key in ("page", "_rp"):
        query.pop(key, None)
    return render(
        request,
        "tips/queue.html",
        {
            "page": page,
            "query": query.urlencode(),
            "form": filterset.form,
            "filters": filterset.form.visible_fields(),
            "filter_errors": errors,
            "picker": picker_context(
                actor=actor, selected=request.GET.get("region"), field_name="region", label="区划"
            ),
        },
    )


def _tip(request: HttpRequest, tip_id: int) -> Any:
    tip = tip_get(actor=request_actor(request), tip_id=tip_id)
    if tip is None:
        raise Http404
    return tip


def _detail(request: HttpRequest, tip: Any, errors: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    events = Event.objects.filter(subject_type="tip", subject_id=str(tip.pk)).order_by("id")
    return render(
        request,
        "tips/detail.html",
        {
            "tip": tip,
            "content": tip_content(tip),
            "messages_": tip_messages(tip),
            "attachments": TipAttachment.objects.filter(tip=tip),
            "reward": TipReward.objects.filter(tip=tip).first(),
            "overdue": is_overdue(tip),
            "outcomes": Outcome.choices,
            "exclusions": Exclusion.choices,
            "events": events,
            "escalations": tip.escalations.order_by("day"),
            "errors": errors or {},
            "post": request.POST if errors else {},
            "is_handler": request_actor(request).role == Role.TIP_HANDLER,
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, tip_id: int) -> HttpResponse:
    return _detail(request, _tip(request, tip_id))


@login_required
@post_or_back("tip-detail")
@idempotency.once_per_form("tips.step")
def act(request: HttpRequest, tip_id: int, action: str) -> HttpResponse:
    """One POST endpoint per handling step (verify, extend, reply, reward paid). Each form carries a form
    token: the same form sent again (a double tap, a retry after a lost answer) goes to the page the first
    one reached, and a reply is never sent twice."""
    tip = _tip(request, tip_id)
    actor = request_actor(request)
    p = request.POST
    try:
        if action == "verify":
            fields = (
                "outcome",
                "enterprise",
                "hazard_title",
                "criterion",
                "fine",
                "hazard",
                "accident",
                "concealed_deaths",
                "reporter_excluded",
            )
            data: dict[str, Any] = {k: p[k].strip() for k in fields if p.get(k, "").strip()}
            if p.get("already_known") == "1":
                data["already_known"] = True
            tip_verify(actor=actor, tip_id=tip.pk, verification=parse(TipVerification, data))
        elif action == "extend":
            extension = parse(TipExtension, {"reason": p.get("reason"), "approved_by": p.get("approved_by")})
            tip_extend(actor=actor, tip_id=tip.pk, extension=extension)
        elif action == "reply":
            reply = parse(TipReply, {k: p.get(k, "") for k in ("body", "facts", "handling")})
            tip_reply(actor=actor, tip_id=tip.pk, reply=reply)
        elif action == "review":
            review = parse(TipReview, {k: p.get(k, "") for k in ("facts", "handling")})
            tip_review(actor=actor, tip_id=tip.pk, review=review)
        elif action == "notice":
            tip_reward_notice(actor=actor, tip_id=tip.pk)
        elif action == "paid":
            payment = parse(TipRewardPayment, {k: p.get(k) for k in ("paid_on", "amount", "late_reason")})
            tip_reward_paid(actor=actor, tip_id=tip.pk, payment=payment)
        else:
            raise Http404
    except FieldErrors as exc:
        return _detail(request, _tip(request, tip_id), exc.errors, 422)
    except (Conflict, NotFound) as exc:
        return _detail(request, _tip(request, tip_id), {"form": str(exc)}, 409)
    except DomainError as exc:
        return _detail(request, _tip(request, tip_id), {"form": str(exc)}, 403)
    return redirect("tip-detail", tip_id=tip.pk)


@login_required
@post_or_back("tip-detail")
@never_cache
def reporter(request: HttpRequest, tip_id: int) -> HttpResponse:
    """The identity, shown once to a tip handler who asked (recorded as an event); 404 to anyone else."""
    try:
        identity = tip_reporter(actor=request_actor(request), tip_id=tip_id)
    except NotFound:
        raise Http404 from None
    return render(request, "tips/reporter.html", {"tip_id": tip_id, "identity": identity})


@login_required
def attachment(request: HttpRequest, tip_id: int, attachment_id: int) -> FileResponse:
    tip = _tip(request, tip_id)
    found = TipAttachment.objects.filter(tip=tip, pk=attachment_id).first()
    if found is None:
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
