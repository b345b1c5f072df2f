"""Accident pages: list with counts, report form, detail with supplementary reports and the timeline."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

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
from .forms import AccidentForm, SupplementForm
from .inputs import AccidentReport, SupplementReport
from .models import Accident, Grade
from .selectors import accident_events, accident_get, accident_list, accident_summary
from .services import accident_create, accident_place, accident_supplement


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


def _detail_context(request: HttpRequest, accident: Accident, form: SupplementForm | None = None) -> dict[str, Any]:
    events = list(accident_events(accident)[:200])
    deadline = rules.supplement_deadline(occurred_at=accident.occurred_at, sector=accident.sector_id)
    if form is None:
        form = SupplementForm(
            initial={
                "reported_on": min(rules.today(), deadline),
                "deaths": accident.deaths,
                "serious_injuries": accident.serious_injuries,
                "direct_loss": accident.direct_loss,
            }
        )
    return {
        "a": accident,
        "supplements": list(accident.supplements.all()),
        "events": events,
        "form": form,
        "deadline": deadline,
        "window_days": rules.supplement_days(accident.sector_id),
        "window_open": rules.today() <= deadline,
        "report_delay": duration_text(accident.reported_at - accident.occurred_at),
        "limit_minutes": int(settings.ZHIBEN["ACCIDENT_REPORT_LIMIT_MINUTES"]),
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
        d = form.cleaned_data
        try:
            accident_supplement(accident_id=accident.pk, actor=actor, report=parse(SupplementReport, d))
        except (FieldErrors, Conflict, PermissionDenied) as exc:
            _form_errors(form, exc)
        except NotFound as exc:
            raise Http404 from exc
        else:
            fresh = accident_get(actor=actor, accident_id=accident.pk)
            grade = fresh.get_grade_display() if fresh else accident.get_grade_display()
            messages.success(request, f"已补报，事故等级：{grade}")
            return redirect("accident-detail", accident_id=accident.pk)
    else:
        more_errors(form, lambda d: parse(SupplementReport, d))
    return render(request, "accidents/detail.html", _detail_context(request, accident, form), status=422)
