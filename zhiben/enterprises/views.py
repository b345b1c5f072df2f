"""Pages of the enterprise register. Thin: selectors for reads, services for writes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.models import User
from zhiben.accounts.request import request_actor
from zhiben.audit.selectors import events_of
from zhiben.common import kit
from zhiben.common.errors import Conflict, FieldErrors, PermissionDenied
from zhiben.common.filters import for_page
from zhiben.common.idempotency import once_per_form
from zhiben.common.inputs import more_errors
from zhiben.common.xlsx import xlsx_response
from zhiben.regions.views import picker_context

from .exports import enterprises_xlsx, export_filename
from .filters import EnterpriseFilterSet
from .forms import EnterpriseForm
from .inputs import EnterpriseChange, EnterpriseRegistration
from .selectors import enterprise_get, enterprise_list
from .services import EDITABLE, enterprise_create, enterprise_input, enterprise_update


def _can_write(actor: User) -> bool:
    return actor.role in ("admin", "officer", "tip_handler")


@login_required
def enterprise_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    filterset = EnterpriseFilterSet(request.GET)
    enterprises, errors = for_page(enterprise_list, filterset, actor=actor)
    if request.GET.get("format") == "xlsx" and not errors:  # every row the filters select, not just this page
        name, fallback = export_filename()
        return xlsx_response(enterprises_xlsx(actor=actor, filters=filterset), name, fallback=fallback)
    paginator = Paginator(enterprises, settings.ZHIBEN["PAGE_SIZE"])
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("_rp", None)
    form = filterset.form
    context: dict[str, Any] = {
        "form": form,
        "filters": [f for f in form.visible_fields() if f.name != "q"],
        "filter_errors": errors,
        "page": page,
        "query": query.urlencode(),
        "can_write": _can_write(actor),
        "picker": picker_context(actor=actor, selected=request.GET.get("region"), field_name="region", label="区划"),
    }
    htmx = getattr(request, "htmx", None)  # set by django-htmx's middleware
    partial = htmx is not None and bool(htmx) and htmx.target == "results"
    template = "enterprises/_results.html" if partial else "enterprises/list.html"
    return render(request, template, context)


@login_required
def enterprise_detail_view(request: HttpRequest, credit_code: str) -> HttpResponse:
    actor = request_actor(request)
    enterprise = enterprise_get(actor=actor, credit_code=credit_code)
    if enterprise is None:
        raise Http404("企业不存在")
    events = list(events_of(subject_type="enterprise", subject_id=enterprise.credit_code)[:200])
    return render(
        request,
        "enterprises/detail.html",
        {
            "e": enterprise,
            "events": events,
            "can_write": _can_write(actor),
            # Other registers' sections of this page (the hazards found here …), as they declare them.
            "panels": kit.panels(on="enterprise", actor=actor, subject=enterprise),
        },
    )


def _apply_errors(form: EnterpriseForm, exc: FieldErrors | Conflict) -> None:
    if isinstance(exc, Conflict):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return
    for field, message in exc.errors.items():
        form.add_error(field if field in form.fields else None, message)


@login_required
@once_per_form("enterprises.create")
def enterprise_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not _can_write(actor):
        raise Http404
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = enterprise_input(EnterpriseRegistration, form.service_data(), actor=actor)
            enterprise = enterprise_create(actor=actor, registration=registration)
        except (FieldErrors, Conflict) as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, f"已登记：{enterprise.name}")
            return redirect("enterprise-detail", credit_code=enterprise.credit_code)
    elif request.method == "POST":
        more_errors(form, lambda d: enterprise_input(EnterpriseRegistration, d, actor=actor))
    picker = picker_context(actor=actor, selected=request.POST.get("region"), field_name="region")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "picker": picker, "editing": False}
    return render(request, "enterprises/form.html", context, status=status)


@login_required
def enterprise_edit_view(request: HttpRequest, credit_code: str) -> HttpResponse:
    actor = request_actor(request)
    enterprise = enterprise_get(actor=actor, credit_code=credit_code)
    if enterprise is None or not _can_write(actor):
        raise Http404("企业不存在")
    initial = {f: getattr(enterprise, f"{f}_id" if f in ("region", "sector") else f) for f in EDITABLE}
    initial["credit_code"] = enterprise.credit_code
    initial["high_risk"] = "1" if enterprise.high_risk else "0"
    form = EnterpriseForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            change = enterprise_input(EnterpriseChange, data, actor=actor)
            enterprise_update(actor=actor, credit_code=enterprise.credit_code, change=change)
        except (FieldErrors, Conflict) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("enterprise-detail", credit_code=enterprise.credit_code)
    elif request.method == "POST":
        more_errors(form, lambda d: enterprise_input(EnterpriseChange, d, actor=actor))
    selected = request.POST.get("region") if request.method == "POST" else enterprise.region_id
    picker = picker_context(actor=actor, selected=selected, field_name="region")
    context = {"form": form, "picker": picker, "editing": True, "e": enterprise}
    return render(request, "enterprises/form.html", context, status=422 if request.method == "POST" else 200)
