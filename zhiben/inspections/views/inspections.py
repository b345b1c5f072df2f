"""The pages of the inspection on site, phone first: the list (本企业检查记录 for an enterprise user), the
new-inspection form (prefilled from a draw's pick, a tip or a plan item), and the checklist page — each line
符合/不符合/不适用 with its note and photo, findings into hazards, completion with the enterprise's
acknowledgement. Same selectors and services as the API: out of scope is 404. Every form works as a plain POST;
``inspections.js`` adds the weak-connection queue (and ``forms.js`` the drafts) on top."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from zhiben.accounts.models import Role, User
from zhiben.accounts.request import request_actor
from zhiben.accounts.scope import scoped
from zhiben.common import dates
from zhiben.common.errors import DomainError, FieldErrors, NotFound
from zhiben.common.filters import for_page
from zhiben.common.idempotency import TOKEN_FIELD, once_per_form
from zhiben.common.middleware import page_field_labels
from zhiben.common.views import post_or_back
from zhiben.enterprises.models import Enterprise
from zhiben.hazards import rules as hazard_rules
from zhiben.regions.views import picker_context
from zhiben.tips.selectors import tip_get

from .. import rules
from ..api.inspections import photo_response
from ..models import CheckResult, InspectionFlag, InspectionKind, InspectionStatus
from ..selectors.inspections import (
    InspectionFilterSet,
    draw_for,
    inspection_detail,
    inspection_events,
    inspection_list,
    own_officer,
    photo_get,
    picked,
    plan_item_for,
    results_count,
    team_choices,
)
from ..services.inspections import (
    inspection_complete,
    inspection_create,
    inspection_finding_add,
    inspection_findings_from_failed,
    inspection_items_set,
    inspection_photo_add,
    may_edit,
)
from ..services.inspections_inputs import Completion, FindingNew, InspectionNew

# The pages' fields written in their templates: their Chinese names for a refusal before the view.
page_field_labels(
    "inspections",
    {
        "officers": "执法人员",
        "experts": "专家",
        "leader": "带队人员",
        "names": "其他检查人员",
        "add_text": "新增检查项",
        "photo": "现场照片",
        "files": "隐患照片",
        "action": "操作",
        "from_failed_items": "由不符合项生成",
    },
)

LABELS: dict[str, str] = {
    **{k: v.title or k for k, v in InspectionNew.model_fields.items()},
    **{k: v.title or k for k, v in FindingNew.model_fields.items()},
    **{k: v.title or k for k, v in Completion.model_fields.items()},
    "items": "检查项",
    "file": "现场照片",
    "files": "隐患照片",
    "from_failed_items": "由不符合项生成",
}


def _said(errors: dict[str, str]) -> dict[str, str]:
    """The errors keyed by field, each led by the field's Chinese name (``team.0`` → 检查组), for the page."""
    out: dict[str, str] = {}
    for field, message in errors.items():
        head = field.split(".", 1)[0]
        label = LABELS.get(head, "")
        if head == "items" and "." in field:
            label = "检查结果"
        out.setdefault(head, message if not label or label in message else f"{label}：{message}")
    return out


# ------------------------------------------------------------------------------------------- the list
@login_required
def inspection_list_view(request: HttpRequest) -> HttpResponse:
    """监督检查 (本企业检查记录 for an enterprise user): the inspections in scope, filtered, latest first."""
    actor = request_actor(request)
    filterset = InspectionFilterSet(request.GET)
    rows, errors = for_page(inspection_list, filterset, actor=actor)
    page = Paginator(rows, settings.ZHIBEN["PAGE_SIZE"]).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for key in ("page", "_rp"):
        query.pop(key, None)
    form = filterset.form
    context = {
        "form": form,
        "filters": [f for f in form.visible_fields() if f.name not in ("region",)],
        "filter_errors": errors,
        "page": page,
        "query": query.urlencode(),
        "enterprise_user": actor.role == Role.ENTERPRISE,
        "may_create": actor.role in (Role.ADMIN, Role.OFFICER),
        "picker": picker_context(actor=actor, selected=request.GET.get("region"), field_name="region", label="区划")
        if actor.role != Role.ENTERPRISE
        else None,
    }
    return render(request, "inspections/inspection_list.html", context)


# ------------------------------------------------------------------------------------ a new inspection
def _new_data(post: Any) -> dict[str, Any]:
    """The form as ``InspectionNew`` takes it: the team from the ticked officers and experts, the names typed,
    and the leader (``officer:<id>`` or ``name:<n>``)."""
    leader = str(post.get("leader") or "")
    team: list[dict[str, Any]] = []
    for raw in post.getlist("officers"):
        team.append({"officer": int(raw) if str(raw).isdigit() and len(str(raw)) <= 18 else raw})
    for raw in post.getlist("experts"):
        team.append({"expert": raw})
    names = [n.strip() for n in str(post.get("names") or "").replace("，", "\n").replace("、", "\n").splitlines()]
    team += [{"name": n} for n in names if n]
    for member in team:
        mark = f"officer:{member['officer']}" if "officer" in member else f"name:{member.get('name', '')}"
        if "expert" not in member and mark == leader:
            member["leader"] = True
    data: dict[str, Any] = {k: post.get(k) for k in ("enterprise", "kind", "on", "place", "plan_item", "draw", "tip")}
    data = {k: v for k, v in data.items() if v not in (None, "")}
    data["flags"] = post.getlist("flags")
    data["team"] = team
    # the form's own key when the script did not set one: the same form sent again is the same inspection
    data["client_key"] = post.get("client_key") or post.get(TOKEN_FIELD) or ""
    return data


def _start(actor: User, source: Any) -> dict[str, Any]:
    """What the form starts from (``?draw=&enterprise=``, ``?tip=``, ``?plan_item=``): the record, the
    enterprise it names and the kind it implies; the team a draw picked (certificate numbers)."""
    out: dict[str, Any] = {"picked_inspectors": []}

    def number(name: str) -> int | None:
        raw = str(source.get(name) or "").strip()
        return int(raw) if raw.isdigit() and len(raw) <= 18 else None

    if (key := number("plan_item")) is not None and (item := plan_item_for(actor, key)) is not None:
        out.update(plan_item=item, enterprise=item.enterprise, kind=InspectionKind.PLANNED)
    elif (key := number("draw")) is not None and (draw := draw_for(actor, key)) is not None:
        out.update(draw=draw, kind=InspectionKind.RANDOM)
        code = str(source.get("enterprise") or "").strip().upper()
        pick = picked(draw, code) if code else None
        if pick is not None:
            out["enterprise"] = scoped(Enterprise.objects, actor).filter(credit_code=code).first()
            out["picked_inspectors"] = list(pick.get("inspectors") or [])
    elif (key := number("tip")) is not None and (tip := tip_get(actor=actor, tip_id=key)) is not None:
        out.update(tip=tip, kind=InspectionKind.TIP)
        if tip.enterprise_id is not None:
            out["enterprise"] = scoped(Enterprise.objects, actor).filter(pk=tip.enterprise_id).first()
    return out


@login_required
@once_per_form("inspections.new")
def inspection_create_view(request: HttpRequest) -> HttpResponse:
    """The new-inspection form (GET, prefilled) and its submission (POST → the checklist page)."""
    actor = request_actor(request)
    if actor.role not in (Role.ADMIN, Role.OFFICER):
        raise PermissionDenied("只有执法人员可以登记检查")
    source = request.POST if request.method == "POST" else request.GET
    start = _start(actor, source)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            inspection, created = inspection_create(actor=actor, data=_new_data(request.POST))
        except FieldErrors as exc:
            errors = _said(exc.errors)
        except DomainError as exc:
            errors = {"body": exc.message}
        else:
            if created:
                messages.success(request, "已登记检查，请逐项记录检查结果")
            return redirect("inspection-detail", inspection_id=inspection.pk)
    choices = team_choices(actor)
    mine = own_officer(actor)
    chosen_officers = set(request.POST.getlist("officers")) if request.method == "POST" else set()
    if request.method != "POST":
        certs = set(start["picked_inspectors"])
        chosen_officers = {str(o.pk) for o in choices["officers"] if o.certificate_no in certs}
        if not chosen_officers and mine is not None:
            chosen_officers = {str(mine.pk)}
    enterprise = start.get("enterprise")
    chosen_experts = set(request.POST.getlist("experts"))
    leader = request.POST.get("leader", "")
    context = {
        "form": request.POST if request.method == "POST" else {},
        "errors": errors,
        "start": start,
        "enterprise": enterprise,
        "enterprise_code": source.get("enterprise") or (enterprise.credit_code if enterprise else ""),
        "kinds": InspectionKind.choices,
        "kind": source.get("kind") or start.get("kind") or "",
        "flags": InspectionFlag.choices,
        "chosen_flags": set(request.POST.getlist("flags")),
        "officers": [
            {"o": o, "checked": str(o.pk) in chosen_officers, "leader": leader == f"officer:{o.pk}"}
            for o in choices["officers"]
        ],
        "experts": [{"e": e, "checked": str(e.pk) in chosen_experts} for e in choices["experts"]],
        "today": dates.today(),
        "client_key": request.POST.get("client_key") or uuid.uuid4().hex,
        "min_officers": rules.MIN_OFFICERS,
    }
    return render(request, "inspections/inspection_new.html", context, status=422 if errors else 200)


# ------------------------------------------------------------------------------------- the checklist
def _detail_or_404(request: HttpRequest, inspection_id: int) -> Any:
    found = inspection_detail(actor=request_actor(request), inspection_id=inspection_id)
    if found is None:
        raise Http404("检查记录不存在")
    return found


def _context(request: HttpRequest, inspection: Any, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    actor = request_actor(request)
    items = list(inspection.items.all())
    team = list(inspection.team.all())
    findings = list(inspection.findings.all())
    for f in findings:
        f.overdue = hazard_rules.is_overdue(f.hazard)
    editable = inspection.status == InspectionStatus.OPEN and may_edit(inspection, actor)
    sent = (bound or {}).get("data") if (bound or {}).get("form") in ("checklist", "complete") else None
    for it in items:  # a refused form shows what was chosen and typed, not what was kept
        it.shown_result = sent.get(f"result_{it.pk}", it.result) if sent is not None else it.result
        it.shown_note = sent.get(f"note_{it.pk}", it.note) if sent is not None else it.note
    chosen = str((bound or {}).get("data", {}).get("item") or request.GET.get("finding") or "")
    return {
        "i": inspection,
        "items": items,
        "results": results_count(items),
        "result_choices": [(v, label) for v, label in CheckResult.choices if v != CheckResult.PENDING],
        "team": team,
        "certified": rules.certified_officers(team),
        "issue_refusal": rules.issue_refusal(team),
        "findings": findings,
        "photos": list(inspection.photos.all()),
        "orders": list(inspection.orders.all()),
        "penalties": list(inspection.penalties.all()),
        "events": list(inspection_events(inspection)),
        "editable": editable,
        "bound": bound or {},
        "chosen_item": chosen,
        "failed_open": sum(1 for it in items if it.result == CheckResult.FAIL and not it.findings.all()),
        "today": dates.today(),
        # the finding form's fields, each with its message beside it; any other refusal is said under the form
        "finding_fields": ("item", "title", "level", "criterion", "deadline", "files", "body"),
    }


@login_required
def inspection_detail_view(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """The checklist page: the inspection, its team (and whether it may issue documents), its findings (the
    hazards, with their ordered deadlines), each checklist line, and — while it is open, to whoever may fill it
    in — the results, photos, findings and completion forms."""
    inspection = _detail_or_404(request, inspection_id)
    return render(request, "inspections/inspection_detail.html", _context(request, inspection))


def _refused(request: HttpRequest, inspection_id: int, form: str, exc: DomainError) -> HttpResponse:
    """The checklist page again with the refusal beside the form that was sent (422/409/403)."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message) from exc
    errors = _said(exc.errors) if isinstance(exc, FieldErrors) else {"body": exc.message}
    # the messages as pairs too: a template reads ``errors.items`` as the field called items
    bound = {"form": form, "errors": errors, "messages": list(errors.items()), "data": request.POST}
    inspection = _detail_or_404(request, inspection_id)
    return render(
        request, "inspections/inspection_detail.html", _context(request, inspection, bound), status=exc.status
    )


def _results_data(request: HttpRequest) -> dict[str, Any]:
    """The checklist form as ``ItemResults`` takes it: each line with a result chosen (``result_<id>``) and
    its note (``note_<id>``), and a free line typed (``add_text``)."""
    items = []
    for key, value in request.POST.items():
        if key.startswith("result_") and key[7:].isdigit() and len(key) <= 30:
            line = key[7:]
            items.append({"id": line, "result": value, "note": request.POST.get(f"note_{line}", "")})
    add = str(request.POST.get("add_text") or "").strip()
    return {"items": items, "add": [{"text": add}] if add else []}


@login_required
@post_or_back("inspection-detail")
def inspection_items_view(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """The checklist form: results and notes, photos of lines (``photo_<id>``) and of the inspection
    (``photo``), a free line — all in one transaction; with ``action=complete`` the inspection is then
    completed (summary, acknowledgement) in the same one."""
    actor = request_actor(request)
    completing = request.POST.get("action") == "complete"
    kept: list[str] = []  # the photos' files written: removed again if the whole does not commit
    try:
        with transaction.atomic():
            inspection_items_set(actor=actor, inspection_id=inspection_id, data=_results_data(request))
            photos = 0
            for key in request.FILES:
                line = key[6:] if key.startswith("photo_") else ""
                for upload in request.FILES.getlist(key):
                    photo, created = inspection_photo_add(
                        actor=actor,
                        inspection_id=inspection_id,
                        upload=(upload, upload.name or "", upload.size),
                        item=line or None,
                    )
                    if created:
                        kept.append(photo.file.name)
                        photos += 1
            if completing:
                inspection_complete(
                    actor=actor,
                    inspection_id=inspection_id,
                    data={
                        "summary": request.POST.get("summary", ""),
                        "acknowledged_by": request.POST.get("acknowledged_by", ""),
                        "acknowledgement_refused": request.POST.get("acknowledgement_refused") in ("1", "on", "true"),
                    },
                )
    except DomainError as exc:
        for name in kept:
            default_storage.delete(name)
        return _refused(request, inspection_id, "complete" if completing else "checklist", exc)
    if completing:
        messages.success(request, "检查已完成，现场检查记录已登记")
        return redirect("inspection-detail", inspection_id=inspection_id)
    messages.success(request, "检查结果已保存" + (f"，照片 {photos} 张" if photos else ""))
    return redirect(f"/inspections/{inspection_id}/#checklist")


@login_required
@post_or_back("inspection-detail")
@once_per_form("inspections.finding")
def inspection_findings_view(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """A finding into a hazard (the line chosen, level, clause, deadline, photos), or every failed line at once
    (``from_failed_items``); back to the checklist page."""
    actor = request_actor(request)
    try:
        if request.POST.get("from_failed_items"):
            made = inspection_findings_from_failed(
                actor=actor,
                inspection_id=inspection_id,
                data={
                    "from_failed_items": True,
                    "level": request.POST.get("level", ""),
                    "deadline": request.POST.get("deadline") or None,
                },
            )
        else:
            fields = {k: request.POST.get(k) for k in FindingNew.model_fields if request.POST.get(k) not in (None, "")}
            uploads = [(f, f.name or "", f.size) for f in request.FILES.getlist("files")]
            made = [inspection_finding_add(actor=actor, inspection_id=inspection_id, data=fields, files=uploads)]
    except DomainError as exc:
        return _refused(request, inspection_id, "bulk" if request.POST.get("from_failed_items") else "finding", exc)
    messages.success(request, f"已生成隐患 {len(made)} 条（来源：执法检查），企业将在隐患闭环中整改")
    return redirect(f"/inspections/{inspection_id}/#findings")


@login_required
def inspection_photo_view(request: HttpRequest, inspection_id: int, photo_id: int) -> FileResponse:
    """A photo of an inspection the user may see."""
    found = photo_get(actor=request_actor(request), inspection_id=inspection_id, photo_id=photo_id)
    if found is None:
        raise Http404("照片不存在")
    return photo_response(found)


# --------------------------------------------------------------------------- the weak-connection worker
@require_GET
def offline_worker_view(request: HttpRequest) -> HttpResponse:
    """The service worker of the inspection pages (``/inspections/`` is its scope): the pages and their assets
    a phone has opened are kept, and shown again from the phone when the network is gone, so that a reload on
    site keeps the form; nothing is sent by it (the queue is ``inspections.js``'s)."""
    body = render_to_string("inspections/offline_worker.js")
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/inspections/"
    return response
