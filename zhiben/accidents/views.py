"""Accident pages: list with counts, report form, detail with supplementary reports and the timeline."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from zhiben.accounts.models import Role, User
from zhiben.accounts.request import request_actor
from zhiben.common.errors import Conflict, DomainError, FieldErrors, NotFound, PermissionDenied
from zhiben.common.filters import for_page
from zhiben.common.idempotency import once_per_form
from zhiben.common.inputs import more_errors, parse
from zhiben.common.views import post_or_back
from zhiben.regions.views import picker_context, picker_root

from . import rules
from .filters import AccidentFilterSet
from .forms import AccidentForm, ExtensionForm, InvestigationForm, RelayForm, ReplyForm, SupplementForm
from .inputs import (
    AccidentReport,
    DeadlineExtension,
    InvestigationReport,
    RelayReport,
    ReplyReport,
    SupplementReport,
)
from .models import Accident, Grade
from .selectors import accident_events, accident_get, accident_list, accident_summary, relay_chain_of
from .services import (
    GOVERNMENT,
    accident_create,
    accident_place,
    accident_relay,
    accident_supplement,
    investigation_extend,
    investigation_submit,
    reply_extend,
    reply_record,
)


@login_required
def accident_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    filterset = AccidentFilterSet(request.GET)
    qs, errors = for_page(accident_list, filterset, actor=actor)
    paginator = Paginator(qs, settings.ZHIBEN["PAGE_SIZE"])
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    for key in ("page", "_rp"):
        query.pop(key, None)
    form = filterset.form
    context: dict[str, Any] = {
        "form": form,
        "filters": form.visible_fields(),
        "filter_errors": errors,
        "page": page,
        "summary": accident_summary(qs),
        "query": query.urlencode(),
        "picker": picker_context(actor=actor, selected=request.GET.get("region"), field_name="region", label="区划"),
    }
    htmx = getattr(request, "htmx", None)
    partial = htmx is not None and bool(htmx) and htmx.target == "results"
    return render(request, "accidents/_results.html" if partial else "accidents/list.html", context)


def _form_errors(form: Any, exc: DomainError) -> None:
    if isinstance(exc, FieldErrors):
        for field, message in exc.errors.items():
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, exc.message)


def _report(actor: User, data: dict[str, Any]) -> AccidentReport:
    """The form's data as the typed report; a refusal names every bad field at once, the place (scope)
    included, as the service would."""
    try:
        return parse(AccidentReport, data)
    except FieldErrors as exc:
        _, place = accident_place(
            actor=actor, enterprise=data.get("enterprise"), region=data.get("region"), sector=data.get("sector")
        )
        raise FieldErrors({**place, **exc.errors}) from exc


@login_required
@once_per_form("accidents.create")
def accident_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    enterprise_user = actor.role == Role.ENTERPRISE
    if enterprise_user and actor.enterprise is None:
        raise Http404("您的账号未关联企业")
    initial: dict[str, Any] = {}
    if enterprise_user and actor.enterprise is not None:
        initial["enterprise"] = actor.enterprise.credit_code
    elif request.GET.get("enterprise"):
        initial["enterprise"] = request.GET["enterprise"][:30]
    form = AccidentForm(request.POST or None, initial=initial, enterprise_user=enterprise_user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        # The picker left at "— 全部 —" holds the officer's own region: not a place chosen, so an accident of
        # an enterprise is filed where the enterprise is (the form's help says so), as through the API.
        if data.get("enterprise") and data.get("region") == picker_root(actor):
            data.pop("region")
        try:
            accident = accident_create(actor=actor, report=_report(actor, data))
        except (FieldErrors, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"已登记事故 #{accident.pk}（{accident.get_grade_display()}事故）")
            return redirect("accident-detail", accident_id=accident.pk)
    elif request.method == "POST":
        more_errors(form, lambda d: _report(actor, d))
    picker = picker_context(actor=actor, selected=request.POST.get("region"), field_name="region", label="事故发生地")
    status = 422 if request.method == "POST" else 200
    return render(request, "accidents/form.html", {"form": form, "picker": picker}, status=status)


def _money(raw: Any) -> str:
    try:
        return intcomma(Decimal(str(raw)).quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError):
        return str(raw)


def _grade(raw: Any) -> str:
    return Grade(raw).label if raw in Grade.values else str(raw)


def duration_text(delta: datetime.timedelta) -> str:
    """``1 天 2 小时 5 分钟``, to the minute."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} 天"] if days else []
    if hours:
        parts.append(f"{hours} 小时")
    if mins or not parts:
        parts.append(f"{mins} 分钟")
    return " ".join(parts)


# The government's steps on the detail page: action → (form, input, service, keyword, success message).
STEPS: dict[str, tuple[Any, Any, Any, str, str]] = {
    "relay": (RelayForm, RelayReport, accident_relay, "report", "已登记逐级上报"),
    "investigation": (InvestigationForm, InvestigationReport, investigation_submit, "report", "已登记调查报告"),
    "investigation_extension": (ExtensionForm, DeadlineExtension, investigation_extend, "request", "已延长调查期限"),
    "reply": (ReplyForm, ReplyReport, reply_record, "report", "已登记批复"),
    "reply_extension": (ExtensionForm, DeadlineExtension, reply_extend, "request", "已延长批复期限"),
}


def _detail_context(
    request: HttpRequest,
    accident: Accident,
    form: SupplementForm | None = None,
    step: tuple[str, Any] | None = None,
) -> dict[str, Any]:
    events = list(accident_events(accident)[:200])
    deadline = rules.supplement_deadline(occurred_at=accident.occurred_at, accident_type=accident.type)
    today = rules.today()
    if form is None:
        form = SupplementForm(
            initial={
                "reported_on": today,
                "deaths": accident.deaths,
                "missing": accident.missing,
                "serious_injuries": accident.serious_injuries,
                "direct_loss": accident.direct_loss,
            }
        )
    # Several forms on one page: their own element ids, plain field names (the names the API takes).
    forms_by_step = {name: spec[0](auto_id=f"id_{name}_%s") for name, spec in STEPS.items()}
    if step is not None:
        forms_by_step[step[0]] = step[1]
    actor = request_actor(request)
    return {
        "a": accident,
        "supplements": list(accident.supplements.all()),
        "relays": relay_chain_of(accident),
        "events": events,
        "form": form,
        "steps": forms_by_step,
        "failed_step": step[0] if step else "",
        "government": actor.role in GOVERNMENT,
        "deadline": deadline,
        "window_days": rules.supplement_days(accident.type),
        "window_open": today <= deadline,
        "report_delay": duration_text(accident.reported_at - accident.head_notified_at),
        "report_due": accident.head_notified_at + rules.report_limit(),
        "limit_minutes": int(settings.ZHIBEN["ACCIDENT_REPORT_LIMIT_MINUTES"]),
        "investigation_overdue": accident.investigation_submitted_on is None and today > accident.investigation_due,
        "reply_overdue": accident.replied_on is None and accident.reply_due is not None and today > accident.reply_due,
        "reply_extendable": rules.reply_extendable(accident.statistical_grade),
        "reply_days": rules.reply_days(accident.statistical_grade),
    }


@login_required
def accident_detail_view(request: HttpRequest, accident_id: int) -> HttpResponse:
    accident = accident_get(actor=request_actor(request), accident_id=accident_id)
    if accident is None:
        raise Http404("事故不存在")
    return render(request, "accidents/detail.html", _detail_context(request, accident))


@login_required
@post_or_back("accident-detail")
@once_per_form("accidents.supplement")
def accident_supplement_view(request: HttpRequest, accident_id: int) -> HttpResponse:
    """A refusal re-renders the detail page with the form's errors (422)."""
    actor = request_actor(request)
    accident = accident_get(actor=actor, accident_id=accident_id)
    if accident is None:
        raise Http404("事故不存在")
    form = SupplementForm(request.POST)
    if form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            accident_supplement(accident_id=accident.pk, actor=actor, report=parse(SupplementReport, d))
        except (FieldErrors, Conflict, PermissionDenied) as exc:
            _form_errors(form, exc)
        except NotFound as exc:
            raise Http404 from exc
        else:
            fresh = accident_get(actor=actor, accident_id=accident.pk)
            grade = fresh.get_grade_display() if fresh else accident.get_grade_display()
            row = fresh.supplements.order_by("-id").first() if fresh else None
            if row is not None and not row.counted:
                messages.success(request, "已过补报期，已作为后续情况记录，事故数字和等级不变")
            else:
                messages.success(request, f"已补报，事故等级：{grade}")
            return redirect("accident-detail", accident_id=accident.pk)
    else:
        more_errors(form, lambda d: parse(SupplementReport, {k: v for k, v in d.items() if v is not None}))
    return render(request, "accidents/detail.html", _detail_context(request, accident, form), status=422)


@login_required
@post_or_back("accident-detail")
@once_per_form("accidents.step")
def accident_step_view(request: HttpRequest, accident_id: int, action: str) -> HttpResponse:
    """One of the government's steps (逐级上报, 调查报告, 批复 and their extensions) from the detail page; a
    refusal re-renders the page with that form's errors (422); enterprise users are refused (403)."""
    actor = request_actor(request)
    accident = accident_get(actor=actor, accident_id=accident_id)
    if accident is None or action not in STEPS:
        raise Http404("事故不存在")
    form_class, model, service, keyword, done = STEPS[action]
    form = form_class(request.POST, auto_id=f"id_{action}_%s")
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            service(accident_id=accident.pk, actor=actor, **{keyword: parse(model, data)})
        except PermissionDenied as exc:
            raise Forbidden(exc.message) from exc
        except (FieldErrors, Conflict) as exc:
            _form_errors(form, exc)
        except NotFound as exc:
            raise Http404 from exc
        else:
            messages.success(request, done)
            return redirect(reverse("accident-detail", args=[accident.pk]) + "#investigation")
    else:
        more_errors(form, lambda d: parse(model, {k: v for k, v in d.items() if v not in (None, "")}))
    fresh = accident_get(actor=actor, accident_id=accident.pk) or accident
    return render(request, "accidents/detail.html", _detail_context(request, fresh, step=(action, form)), status=422)
