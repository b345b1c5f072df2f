"""Hazard pages: list, report form, detail with the timeline and only the actions allowed now."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.models import Role, User
from zhiben.accounts.request import request_actor
from zhiben.accounts.scope import scoped
from zhiben.common import kit
from zhiben.common.errors import Conflict, DomainError, FieldErrors, NotFound, PermissionDenied
from zhiben.common.filters import for_page
from zhiben.common.idempotency import once_per_form
from zhiben.common.inputs import Input, more_errors, parse
from zhiben.common.middleware import page_field_labels
from zhiben.common.names import code_key
from zhiben.common.views import post_or_back
from zhiben.common.xlsx import xlsx_response
from zhiben.departments.selectors import routing_for
from zhiben.enterprises.models import Enterprise
from zhiben.regions.selectors import parse_region
from zhiben.regions.views import picker_context

from . import rules
from .api import evidence_response
from .exports import hazards_xlsx, list_filename, timeline_filename, timeline_xlsx
from .filters import HazardFilterSet
from .forms import (
    CancelForm,
    DelistForm,
    ExtensionDecisionForm,
    ExtensionForm,
    HazardForm,
    PlanForm,
    ReportForm,
    ReviewForm,
    SubmitForm,
    SuperviseForm,
)
from .inputs import (
    HazardCancellation,
    HazardDelisting,
    HazardDualReport,
    HazardExtension,
    HazardExtensionDecision,
    HazardPlan,
    HazardReviewDecision,
    HazardSubmission,
    HazardSupervision,
    parse_date,
)
from .models import AttachmentKind, Hazard, Source, SupervisionLevel
from .selectors import current_listings, hazard_events, hazard_get, hazard_list
from .services import (
    available_actions,
    hazard_attach,
    hazard_cancel,
    hazard_create,
    hazard_delist,
    hazard_extension_decide,
    hazard_extension_request,
    hazard_input,
    hazard_plan,
    hazard_report,
    hazard_review,
    hazard_submit,
    hazard_supervise,
    listing_levels,
)


@login_required
def hazard_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    filterset = HazardFilterSet(request.GET)
    hazards, errors = for_page(hazard_list, filterset, actor=actor)
    if request.GET.get("format") == "xlsx" and not errors:  # every row the filters select, not just this page
        name, fallback = list_filename()
        return xlsx_response(hazards_xlsx(actor=actor, filters=filterset), name, fallback=fallback)
    paginator = Paginator(hazards, settings.ZHIBEN["PAGE_SIZE"])
    page = paginator.get_page(request.GET.get("page"))
    for h in page.object_list:
        h.is_overdue = rules.is_overdue(h)
    query = request.GET.copy()
    for key in ("page", "_rp"):
        query.pop(key, None)
    form = filterset.form
    context: dict[str, Any] = {
        "form": form,
        "filters": [f for f in form.visible_fields() if f.name != "q"],
        "filter_errors": errors,
        "page": page,
        "query": query.urlencode(),
        "picker": picker_context(actor=actor, selected=request.GET.get("region"), field_name="region", label="区划"),
    }
    htmx = getattr(request, "htmx", None)
    partial = htmx is not None and bool(htmx) and htmx.target == "results"
    return render(request, "hazards/_results.html" if partial else "hazards/list.html", context)


def _enterprise_for_form(actor: User, code: str | None) -> Enterprise | None:
    if actor.role == Role.ENTERPRISE:
        return actor.enterprise
    if not code:
        return None
    return scoped(Enterprise.objects, actor).filter(credit_code=code_key(code)).first()


@login_required
@once_per_form("hazards.create")
def hazard_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    enterprise_user = actor.role == Role.ENTERPRISE
    code = request.POST.get("enterprise") or request.GET.get("enterprise")
    enterprise = _enterprise_for_form(actor, code)
    initial: dict[str, Any] = {"discovered_on": rules.today()}
    if enterprise is not None:
        initial["enterprise"] = enterprise.credit_code
    if enterprise_user:
        initial["source"] = Source.SELF_CHECK
    form = HazardForm(
        request.POST or None,
        initial=initial,
        sector=enterprise.sector_id if enterprise else None,
        on=_day_or_today(request.POST.get("discovered_on") if request.method == "POST" else None),
        enterprise_user=enterprise_user,
    )

    def own(data: dict[str, Any]) -> dict[str, Any]:
        if enterprise_user and enterprise is not None:
            data["enterprise"] = enterprise.credit_code
            data["source"] = Source.SELF_CHECK
        return data

    if request.method == "POST" and form.is_valid():
        data = own({k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
        uploads = [(f, f.name or "", f.size) for f in request.FILES.getlist("files")]
        try:
            hazard = hazard_create(actor=actor, report=hazard_input(data, actor=actor), files=uploads)
        except (FieldErrors, Conflict) as exc:
            _form_errors(form, exc, file_field="files")
        else:
            messages.success(request, f"已登记隐患 #{hazard.pk}")
            return redirect("hazard-detail", hazard_id=hazard.pk)
    elif request.method == "POST":
        more_errors(form, lambda d: hazard_input(own(d), actor=actor))
    return render(
        request,
        "hazards/form.html",
        {"form": form, "enterprise": enterprise, "max_mb": settings.ZHIBEN["ATTACHMENT_MAX_BYTES"] // 1048576},
        status=422 if request.method == "POST" else 200,
    )


def _day_or_today(raw: str | None) -> datetime.date | None:
    """The form's discovery date, for the clauses in force that day: today when blank, None when unreadable
    (the form then says so on the field and offers no clause)."""
    if not raw:
        return rules.today()
    try:
        return parse_date(raw, "发现日期")
    except ValueError:
        return None


@login_required
def criteria_options(request: HttpRequest) -> HttpResponse:
    """The citation block of the report form (clauses in force for the enterprise's sector on the discovery
    date, grouped by standard; fire elements and types of place; notices), reloaded by htmx when the
    enterprise or the date changes. The service checks the choice again on submit."""
    enterprise = _enterprise_for_form(request_actor(request), request.GET.get("enterprise"))
    form = HazardForm(
        initial={"criterion": request.GET.get("criterion", "")},
        sector=enterprise.sector_id if enterprise else None,
        on=_day_or_today(request.GET.get("discovered_on")),
    )
    return render(request, "hazards/_criterion_block.html", {"form": form})


def _form_errors(form: Any, exc: DomainError, *, file_field: str = "") -> None:
    if isinstance(exc, FieldErrors):
        for field, message in exc.errors.items():
            target = field if field in form.fields else None
            if target is None and field == file_field:
                form.file_error = message
                continue
            form.add_error(target, message)
    elif isinstance(exc, Conflict):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# the upload form of the detail page is written in its template (hazards/detail.html)
page_field_labels("hazards", {"kind": "材料类别", "files": "照片或PDF"})

ACTION_FORMS: dict[str, type[forms.Form]] = {
    "plan": PlanForm,
    "submit": SubmitForm,
    "review": ReviewForm,
    "cancel": CancelForm,
    "supervise": SuperviseForm,
    "delist": DelistForm,
    "extend": ExtensionForm,
    "decide_extension": ExtensionDecisionForm,
    "report": ReportForm,
}


def _action_form(name: str, actor: User, data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
    """The step's form; 挂牌督办's offers only the levels ``actor`` may list at, none chosen."""
    if name == "supervise":
        return SuperviseForm(data, initial=initial, levels=listing_levels(actor))
    return ACTION_FORMS[name](data, initial=initial)


def _detail_context(request: HttpRequest, hazard: Hazard, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    actor = request_actor(request)
    actions = available_actions(hazard, actor)
    forms: dict[str, Any] = {}
    for name in actions:
        if name == "attach":
            continue
        if bound and name in bound:
            forms[name] = bound[name]
            continue
        initial: dict[str, Any] = {}
        if name == "plan":
            initial = {
                "responsible_person": hazard.responsible_person,
                "measures": hazard.measures,
                "funds": hazard.funds,
                "deadline": hazard.deadline,
                "interim_measures": hazard.interim_measures,
            }
        if name in ("report", "delist"):
            initial = {"on": rules.today()}
        forms[name] = _action_form(name, actor, initial=initial)
    ask_by = rules.extension_ask_by(hazard.deadline) if hazard.deadline else None
    # the unit that leads the hazard's sector where it is (三管三必须), and those that join
    route = next((r for r in routing_for(hazard.region_id) if r.sector == hazard.sector_id), None)
    attachments = list(hazard.attachments.all())
    evidence = [a for a in attachments if a.kind == AttachmentKind.EVIDENCE]
    if "submit" in forms:
        # only rectification evidence is offered, and none ticked: the officer chooses what proves the
        # rectification (the photos of the hazard as found prove nothing of it)
        field = forms["submit"].fields["attachments"]
        field.choices = [(str(a.pk), a.original_name or f"附件{a.pk}") for a in evidence]
    return {
        "route": route,
        "h": hazard,
        "actions": actions,
        "forms": forms,
        "attach_error": (bound or {}).get("attach_error"),
        "attachments": attachments,
        "photos": [a for a in attachments if a.kind == AttachmentKind.PHOTO],
        "evidence": evidence,
        "attachment_kinds": AttachmentKind.choices,
        "events": hazard_events(hazard),
        "cohort": rules.cohort(hazard),
        "overdue": rules.is_overdue(hazard),
        "closed_on_time": rules.closed_on_time(hazard),
        "self_check_missed": rules.self_check_missed(hazard),
        "due": rules.due(hazard),
        "deadline_owner": rules.deadline_owner(hazard),
        "review_due": rules.review_due(hazard),
        "review_overdue": rules.review_overdue(hazard),
        "without_plan": rules.without_plan(hazard),
        "report_late": rules.report_late(hazard),
        "report_days": settings.ZHIBEN["REGULATOR_REPORT_WORKING_DAYS"],
        "extension_decide_by": rules.extension_decide_by(hazard),
        "extension_overdue": rules.extension_overdue(hazard),
        "extension_notice": settings.ZHIBEN["EXTENSION_NOTICE_WORKING_DAYS"],
        "extension_ask_by": ask_by,
        "extension_late": ask_by is not None and rules.today() > ask_by,
        "max_mb": settings.ZHIBEN["ATTACHMENT_MAX_BYTES"] // 1048576,
        # other registers' sections on this page (an inspection's finding: 来源检查)
        "panels": kit.panels(on="hazard", actor=actor, subject=hazard),
    }


@login_required
def hazard_detail_view(request: HttpRequest, hazard_id: int) -> HttpResponse:
    hazard = hazard_get(actor=request_actor(request), hazard_id=hazard_id)
    if hazard is None:
        raise Http404("隐患不存在")
    if request.GET.get("format") == "xlsx":  # the timeline (全过程记录) as a workbook
        name, fallback = timeline_filename(hazard)
        return xlsx_response(timeline_xlsx(hazard, hazard_events(hazard)), name, fallback=fallback)
    return render(request, "hazards/detail.html", _detail_context(request, hazard))


@login_required
@post_or_back("hazard-detail")
@once_per_form("hazards.step")
def hazard_action_view(request: HttpRequest, hazard_id: int, action: str) -> HttpResponse:
    """One POST endpoint per step; a refusal re-renders the page with the form's errors. Each step's form
    carries a form token: the same form sent again (a double tap, a retry after a lost answer) is sent to
    the page the first one reached, and the step is not taken twice."""
    actor = request_actor(request)
    hazard = hazard_get(actor=actor, hazard_id=hazard_id)
    if hazard is None or (action not in ACTION_FORMS and action != "attach"):
        raise Http404("隐患不存在")
    bound: dict[str, Any] = {}
    try:
        if action == "attach":
            uploads = request.FILES.getlist("files")
            kind = request.POST.get("kind") or AttachmentKind.EVIDENCE
            files = [(f, f.name or "", f.size) for f in uploads]
            hazard_attach(hazard_id=hazard.pk, actor=actor, uploads=files, kind=kind)
            messages.success(request, f"已上传 {len(uploads)} 个文件")
            return redirect("hazard-detail", hazard_id=hazard.pk)
        form = _action_form(action, actor, request.POST)
        if action == "submit":
            field = form.fields["attachments"]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = [(str(a.pk), str(a.pk)) for a in hazard.attachments.filter(kind=AttachmentKind.EVIDENCE)]
        bound[action] = form
        if form.is_valid():
            _run(action, hazard.pk, actor, form.cleaned_data)
            messages.success(request, "操作已完成")
            return redirect("hazard-detail", hazard_id=hazard.pk)
        more_errors(form, lambda d: parse(ACTION_INPUTS[action], d))
    except FieldErrors as exc:
        if action == "attach":
            bound["attach_error"] = "；".join(exc.errors.values())
        else:
            _form_errors(bound[action], exc)
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, exc.message)
        return redirect("hazard-detail", hazard_id=hazard.pk)
    except NotFound as exc:
        raise Http404 from exc
    fresh = hazard_get(actor=actor, hazard_id=hazard.pk)
    assert fresh is not None
    return render(request, "hazards/detail.html", _detail_context(request, fresh, bound), status=422)


ACTION_INPUTS: dict[str, type[Input]] = {
    "plan": HazardPlan,
    "submit": HazardSubmission,
    "review": HazardReviewDecision,
    "cancel": HazardCancellation,
    "supervise": HazardSupervision,
    "delist": HazardDelisting,
    "extend": HazardExtension,
    "decide_extension": HazardExtensionDecision,
    "report": HazardDualReport,
}


def _run(action: str, hazard_id: int, actor: User, d: dict[str, Any]) -> None:
    """The step, with the form's data as its typed input (a refusal names the form's fields)."""
    if action == "plan":
        hazard_plan(hazard_id=hazard_id, actor=actor, plan=parse(HazardPlan, d))
    elif action == "submit":
        hazard_submit(hazard_id=hazard_id, actor=actor, submission=parse(HazardSubmission, d))
    elif action == "review":
        hazard_review(hazard_id=hazard_id, actor=actor, review=parse(HazardReviewDecision, d))
    elif action == "cancel":
        hazard_cancel(hazard_id=hazard_id, actor=actor, cancellation=parse(HazardCancellation, d))
    elif action == "delist":
        hazard_delist(hazard_id=hazard_id, actor=actor, delisting=parse(HazardDelisting, d))
    elif action == "extend":
        hazard_extension_request(hazard_id=hazard_id, actor=actor, extension=parse(HazardExtension, d))
    elif action == "decide_extension":
        hazard_extension_decide(hazard_id=hazard_id, actor=actor, decision=parse(HazardExtensionDecision, d))
    elif action == "supervise":
        hazard_supervise(hazard_id=hazard_id, actor=actor, supervision=parse(HazardSupervision, d))
    elif action == "report":
        hazard_report(hazard_id=hazard_id, actor=actor, dual_report=parse(HazardDualReport, d))


def public_listings_view(request: HttpRequest) -> HttpResponse:
    """挂牌督办公示 (no login): the listings in force by region — enterprise name, hazard title, level,
    listed on, 督办期限, notice number; nothing private (DESIGN.md §3)."""
    raw = (request.GET.get("region") or "").strip()
    region, error = "", ""
    if raw:
        try:
            region = parse_region(raw)
        except FieldErrors as exc:
            error = exc.errors["region"]
    rows = [] if error else list(current_listings(region=region or None)[:PUBLIC_ROWS])
    levels = dict(SupervisionLevel.choices)
    for row in rows:
        row["level_label"] = levels.get(row["supervision_level"], row["supervision_level"])
    context = {"rows": rows, "region": region, "raw": raw, "error": error, "cap": PUBLIC_ROWS}
    return render(request, "hazards/public_listings.html", context, status=422 if error else 200)


PUBLIC_ROWS = 500  # newest listings shown; a region narrows the list


@login_required
def evidence_view(request: HttpRequest, hazard_id: int, attachment_id: int) -> FileResponse:
    """Evidence for users in scope only; ``?thumb=1`` gives the thumbnail."""
    hazard = hazard_get(actor=request_actor(request), hazard_id=hazard_id)
    attachment = hazard.attachments.filter(pk=attachment_id).first() if hazard else None
    thumbnail = request.GET.get("thumb") == "1"
    if attachment is None or (thumbnail and not attachment.thumbnail):
        raise Http404("文件不存在")
    return evidence_response(attachment, thumbnail=thumbnail)
