"""The pages of the risk register (风险分级管控清单, issue 15): ``/risks/`` (an enterprise user's own register; for
officers and admins the enterprises in their scope with the grade their register gives) and
``/risks/enterprises/<credit_code>/`` (one enterprise's register: units → events → measures, the forms that keep
them, the method and safety manager, and the grade that follows with its reason). The same selectors and services as
the API: out of scope is 404; one who sees but may not write (an officer) gets no forms, and 403 if they post."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from zhiben.accounts.models import Role
from zhiben.accounts.request import request_actor
from zhiben.common.errors import DomainError, FieldErrors, NotFound
from zhiben.common.idempotency import once_per_form
from zhiben.common.middleware import page_field_labels
from zhiben.enterprises.models import Enterprise

from .. import rules
from ..models import Method, RiskProfile, UnitKind
from ..selectors import events_visible, may_edit, measures_visible, units_visible
from ..selectors.register import enterprises_graded, profile_of, safety_manager_choices, unit_list
from ..services import register as services

ROWS = 300
ACTIONS = (
    "profile",
    "unit_add",
    "unit_edit",
    "unit_delete",
    "event_add",
    "event_edit",
    "event_delete",
    "measure_add",
    "measure_edit",
    "measure_delete",
)
page_field_labels(
    "risks",
    {"action": "操作", "target": "对象", "q": "企业名称或统一社会信用代码", "grade": "风险等级"},
)

# --- the fields of the forms (one description, rendered by risks/_register_field.html) --------------------------

UNIT_FIELDS = ("name", "kind", "hazard_source_code", "department", "responsible")
EVENT_TEXT = ("name", "consequence")
MEASURE_FIELDS = ("description", "classify1", "classify2", "classify3", "content", "department", "responsible")


def _label(model: type[services.Input], name: str) -> str:
    return model.model_fields[name].title or name


def _field(
    name: str,
    label: str,
    value: Any,
    errors: Mapping[str, str],
    *,
    kind: str = "text",
    options: Any = (),
    required: bool = False,
    maxlength: int | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "value": "" if value is None else str(value),
        "error": errors.get(name, ""),
        "kind": kind,
        "options": options,
        "required": required,
        "maxlength": maxlength,
    }


def _number_text(value: Any) -> str:
    """A stored factor as people write it (600, 0.5); what was typed as it was typed."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int):
        return rules.value_text(Decimal(value))
    return str(value)


def unit_fields(values: Mapping[str, Any], errors: Mapping[str, str]) -> list[dict[str, Any]]:
    """The unit form's fields (labels from ``UnitIn``)."""
    m = services.UnitIn
    return [
        _field("name", _label(m, "name"), values.get("name"), errors, required=True, maxlength=100),
        _field(
            "kind",
            _label(m, "kind"),
            values.get("kind") or UnitKind.INSTALLATION,
            errors,
            kind="select",
            options=UnitKind.choices,
        ),
        _field(
            "hazard_source_code",
            _label(m, "hazard_source_code"),
            values.get("hazard_source_code"),
            errors,
            maxlength=40,
        ),
        _field("department", _label(m, "department"), values.get("department"), errors, required=True, maxlength=60),
        _field("responsible", _label(m, "responsible"), values.get("responsible"), errors, required=True, maxlength=40),
    ]


# What each value of the LEC tables means (作业条件危险性分析法, Graham–Kinney), shown beside the value in the selects;
# a value a province adds to the tables (settings RISK_METHODS) is shown as it is.
LEC_MEANINGS: dict[str, dict[str, str]] = {
    "l": {
        "10": "完全可以预料",
        "6": "相当可能",
        "3": "可能，但不经常",
        "1": "可能性小，完全意外",
        "0.5": "很不可能，可以设想",
        "0.2": "极不可能",
        "0.1": "实际不可能",
    },
    "e": {
        "10": "连续暴露",
        "6": "每天工作时间内暴露",
        "3": "每周一次或偶然暴露",
        "2": "每月一次暴露",
        "1": "每年几次暴露",
        "0.5": "非常罕见地暴露",
    },
    "c": {
        "100": "大灾难，许多人死亡",
        "40": "灾难，数人死亡",
        "15": "非常严重，一人死亡",
        "7": "严重，重伤",
        "3": "重大，致残",
        "1": "引人注目，需要救护",
    },
}


def factor_options(method: str) -> dict[str, list[tuple[str, str]]]:
    """The values each factor of ``method`` may take, for the selects: LEC its tables' values (with what each
    means), L×S 1–5."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name, rule in rules.methods()[method]["factors"].items():
        if "values" in rule:
            values = [rules.value_text(Decimal(str(v))) for v in rule["values"]]
        else:
            values = [str(v) for v in range(int(rule["min"]), int(rule["max"]) + 1)]
        meanings = LEC_MEANINGS.get(name, {}) if method == Method.LEC else {}
        shown = [(v, f"{v} {meanings[v]}" if v in meanings else v) for v in values]
        out[name] = [("", "请选择"), *shown]
    return out


def event_fields(method: str, values: Mapping[str, Any], errors: Mapping[str, str]) -> list[dict[str, Any]]:
    """The event form's fields: name, consequence and the factors of the enterprise's method as selects."""
    m = services.EventIn
    fields = [
        _field("name", _label(m, "name"), values.get("name"), errors, required=True, maxlength=100),
        _field("consequence", _label(m, "consequence"), values.get("consequence"), errors, maxlength=100),
    ]
    for name, options in factor_options(method).items():
        fields.append(
            _field(name, _label(m, name), _number_text(values.get(name)), errors, kind="select", options=options)
        )
    return fields


CLASSIFY2_GROUPS = [(rules.CLASSIFY1[c1], list(subs.items())) for c1, subs in rules.CLASSIFY2.items()]


def measure_fields(values: Mapping[str, Any], errors: Mapping[str, str]) -> list[dict[str, Any]]:
    """The measure form's fields: classify1 a select of the national classes, classify2 a select of their
    sub-classes grouped by class (``rules.CLASSIFY2``)."""
    m = services.MeasureIn
    return [
        _field(
            "description",
            _label(m, "description"),
            values.get("description"),
            errors,
            kind="textarea",
            required=True,
            maxlength=500,
        ),
        _field(
            "classify1",
            _label(m, "classify1"),
            values.get("classify1"),
            errors,
            kind="select",
            options=[("", "请选择"), *rules.CLASSIFY1.items()],
            required=True,
        ),
        _field(
            "classify2",
            _label(m, "classify2"),
            values.get("classify2"),
            errors,
            kind="groups",
            options=CLASSIFY2_GROUPS,
            required=True,
        ),
        _field("classify3", _label(m, "classify3"), values.get("classify3"), errors, maxlength=60),
        _field("content", _label(m, "content"), values.get("content"), errors, kind="textarea", maxlength=500),
        _field("department", _label(m, "department"), values.get("department"), errors, maxlength=60),
        _field("responsible", _label(m, "responsible"), values.get("responsible"), errors, maxlength=40),
    ]


def _values(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names}


# --- the posts ---------------------------------------------------------------------------------------------------


def _target(request: HttpRequest) -> int:
    raw = (request.POST.get("target") or "").strip()
    if not raw.isdigit() or len(raw) > 18 or int(raw) == 0:
        raise NotFound("记录不存在")
    return int(raw)


def _posted(request: HttpRequest, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields ``names`` as typed (blank ones left out of a change: blank is "not given" on a page only for
    optional fields, which the services take as blank anyway)."""
    return {n: request.POST.get(n, "") for n in names}


def _post(request: HttpRequest, actor: Any, firm: Enterprise, method: str) -> tuple[str, str]:
    """One of the register page's forms, through its service; answers (the sentence to show, the anchor to
    return to). Raises what the services raise; NotFound for a record out of sight or of another enterprise."""
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise FieldErrors({"action": "操作不正确"})
    if action == "profile":
        services.profile_set(
            actor=actor,
            enterprise=firm,
            method=request.POST.get("method") or None,
            safety_manager=request.POST.get("safety_manager", ""),
        )
        return "已保存风险评价方法和安全管理负责人", "profile"
    if action == "unit_add":
        unit = services.unit_create(actor=actor, enterprise=firm, data=_posted(request, UNIT_FIELDS))
        return f"已登记风险分析单元“{unit.name}”", f"unit-{unit.pk}"
    target = _target(request)
    if action.startswith("unit_"):
        _own(actor, firm, "unit", target)
        if action == "unit_edit":
            unit = services.unit_update(actor=actor, unit_id=target, data=_posted(request, UNIT_FIELDS))
            return f"已保存风险分析单元“{unit.name}”", f"unit-{unit.pk}"
        unit = services.unit_delete(actor=actor, unit_id=target)
        return f"已删除风险分析单元“{unit.name}”及其风险事件、管控措施", "units"
    if action.startswith("event_"):
        factors = tuple(services.FACTORS[method])
        if action == "event_add":
            _own(actor, firm, "unit", target)
            event = services.event_create(actor=actor, unit_id=target, data=_posted(request, EVENT_TEXT + factors))
            return f"已登记风险事件“{event.name}”（{rules.GRADE_NAMES[event.grade]}）", f"event-{event.pk}"
        unit_id = _own(actor, firm, "event", target)
        if action == "event_edit":
            event = services.event_update(
                actor=actor, unit_id=unit_id, event_id=target, data=_posted(request, EVENT_TEXT + factors)
            )
            return f"已保存风险事件“{event.name}”（{rules.GRADE_NAMES[event.grade]}）", f"event-{event.pk}"
        event = services.event_delete(actor=actor, unit_id=unit_id, event_id=target)
        return f"已删除风险事件“{event.name}”及其管控措施", f"unit-{unit_id}"
    if action == "measure_add":
        unit_id = _own(actor, firm, "event", target)
        data = {**_posted(request, MEASURE_FIELDS), "event": target, "unit": unit_id, "enterprise": firm.credit_code}
        measure = services.measure_create(actor=actor, data=data)
        return "已登记管控措施", f"event-{measure.event_id}"
    _own(actor, firm, "measure", target)
    if action == "measure_edit":
        measure = services.measure_update(actor=actor, measure_id=target, data=_posted(request, MEASURE_FIELDS))
        return "已保存管控措施", f"event-{measure.event_id}"
    measure = services.measure_delete(actor=actor, measure_id=target)
    return "已删除管控措施", f"event-{measure.event_id}"


def _own(actor: Any, firm: Enterprise, kind: str, pk: int) -> int:
    """That record ``kind`` ``pk`` is a live one of ``firm`` the actor may see (NotFound otherwise: a form of one
    enterprise's page never reaches another's records); answers its unit's id."""
    found: Any
    if kind == "unit":
        found = units_visible(actor).filter(pk=pk, enterprise_id=firm.pk, deleted=False).values_list("pk", flat=True)
    elif kind == "event":
        found = (
            events_visible(actor)
            .filter(pk=pk, enterprise_id=firm.pk, deleted=False, unit__deleted=False)
            .values_list("unit_id", flat=True)
        )
    else:
        found = (
            measures_visible(actor)
            .filter(pk=pk, enterprise_id=firm.pk, deleted=False, event__deleted=False)
            .values_list("event__unit_id", flat=True)
        )
    unit_id = found.first()
    if unit_id is None:
        raise NotFound("记录不存在")
    return int(unit_id)


# --- the pages ---------------------------------------------------------------------------------------------------


def _errors(exc: DomainError) -> dict[str, str]:
    if isinstance(exc, FieldErrors):
        return dict(exc.errors)
    field = getattr(exc, "field", None)
    return {field or "__all__": exc.message}


def _register_context(
    request: HttpRequest, actor: Any, firm: Enterprise, profile: RiskProfile, errors: Mapping[str, str]
) -> dict[str, Any]:
    """Everything the register page shows: the units with their events and measures, each with its edit form's
    fields (the posted values and errors on the form that was sent), and the grade with its reason."""
    can_edit = may_edit(actor, firm.pk)
    method = profile.method or Method.LEC
    posted = request.POST if request.method == "POST" else None
    key = f"{posted.get('action', '')}:{posted.get('target', '')}" if posted is not None else ""

    def form(action: str, target: Any, fields: Any, current: Mapping[str, Any]) -> dict[str, Any]:
        mine = posted is not None and key == f"{action}:{target}"
        values = posted if mine and posted is not None else current
        shown = errors if mine else {}
        return {
            "fields": fields(values, shown),
            "open": mine,
            "error": shown.get("__all__", "") or shown.get("event", ""),
        }

    units = list(unit_list(actor=actor, enterprise=firm.credit_code)[:ROWS])
    rows = []
    for unit in units:
        events = []
        for event in unit.live_events:  # type: ignore[attr-defined]
            measures = []
            for measure in event.live_measures:
                measures.append(
                    {
                        "obj": measure,
                        "class1": rules.CLASSIFY1.get(measure.classify1, ""),
                        "class2": rules.CLASSIFY2.get(measure.classify1, {}).get(measure.classify2, ""),
                        "edit": form("measure_edit", measure.pk, measure_fields, _values(measure, MEASURE_FIELDS))
                        if can_edit
                        else None,
                    }
                )
            current = _values(event, EVENT_TEXT + services.FACTORS[event.method])
            events.append(
                {
                    "obj": event,
                    "score": rules.value_text(event.score),
                    "grade_name": rules.GRADE_NAMES.get(event.grade, ""),
                    "factors": _factor_text(event),
                    "measures": measures,
                    "edit": form("event_edit", event.pk, lambda v, e: event_fields(method, v, e), current)
                    if can_edit
                    else None,
                    "add_measure": form("measure_add", event.pk, measure_fields, {}) if can_edit else None,
                }
            )
        rows.append(
            {
                "obj": unit,
                "kind_name": UnitKind(unit.kind).label if unit.kind in UnitKind.values else "",
                "grade_name": rules.GRADE_NAMES.get(unit.grade, ""),
                "events": events,
                "edit": form("unit_edit", unit.pk, unit_fields, _values(unit, UNIT_FIELDS)) if can_edit else None,
                "add_event": form("event_add", unit.pk, lambda v, e: event_fields(method, v, e), {})
                if can_edit
                else None,
            }
        )
    profile_errors = errors if key == "profile:" else {}
    reason = profile.grade_reason or {}
    worst = [{**w, "grade_name": rules.GRADE_NAMES.get(str(w.get("grade")), "")} for w in reason.get("worst", [])]
    manager = profile.safety_manager.username if profile.safety_manager_id and profile.safety_manager else ""
    return {
        "firm": firm,
        "profile": profile,
        "can_edit": can_edit,
        "method_name": Method(method).label,
        "units": rows,
        "truncated": len(rows) >= ROWS,
        "shown": ROWS,
        "unit_add": form("unit_add", "", unit_fields, {}) if can_edit else None,
        "grade_name": rules.GRADE_NAMES.get(profile.grade, ""),
        "reason_text": reason.get("text", ""),
        "worst": worst,
        "registered_level": firm.get_risk_level_display() if firm.risk_level else "",
        "profile_form": {
            "open": bool(profile_errors),
            "error": profile_errors.get("__all__", ""),
            "fields": [
                _field(
                    "method",
                    _label(services.ProfileIn, "method"),
                    posted.get("method") if profile_errors and posted is not None else method,
                    profile_errors,
                    kind="select",
                    options=Method.choices,
                ),
                _field(
                    "safety_manager",
                    _label(services.ProfileIn, "safety_manager"),
                    posted.get("safety_manager") if profile_errors and posted is not None else manager,
                    profile_errors,
                    kind="select",
                    options=[("", "（未指定）"), *safety_manager_choices(actor=actor, enterprise=firm)],
                ),
            ],
        }
        if can_edit
        else None,
        "manager_name": str(profile.safety_manager) if manager and profile.safety_manager else "",
        "colours": rules.GRADE_COLOURS,
    }


def _factor_text(event: Any) -> str:
    if event.method == Method.LS:
        return f"L={event.likelihood} × S={event.severity}"
    return f"L={_number_text(event.l)} × E={_number_text(event.e)} × C={_number_text(event.c)}"


def _register_page(request: HttpRequest, actor: Any, key: Any) -> HttpResponse:
    try:
        firm, profile = profile_of(actor=actor, key=key)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    status, errors = 200, {}
    if request.method == "POST":
        try:
            done, anchor = _post(request, actor, firm, profile.method or Method.LEC)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            errors, status = _errors(exc), exc.status
            firm, profile = profile_of(actor=actor, key=firm.pk)  # as it stands: nothing of the refusal was kept
        else:
            messages.success(request, done)
            return redirect(reverse("risks:register", args=[firm.credit_code]) + f"#{anchor}")
    context = _register_context(request, actor, firm, profile, errors)
    context["form_error"] = errors.get("action", "") or (errors.get("__all__", "") if status == 403 else "")
    return render(request, "risks/register_detail.html", context, status=status)


@login_required
@once_per_form("risks.register")
def register_view(request: HttpRequest, credit_code: str) -> HttpResponse:
    """风险分级管控清单 of one enterprise the actor may see (404 otherwise). Its staff and admins keep it here (POST
    ``action`` = profile, unit_add/edit/delete, event_add/edit/delete, measure_add/edit/delete, with ``target``
    the record's id); officers read it (403 if they post)."""
    return _register_page(request, request_actor(request), credit_code)


@login_required
@require_http_methods(["GET", "HEAD"])
def home_view(request: HttpRequest) -> HttpResponse:
    """双重预防 · 风险分级管控: an enterprise user's own register; officers and admins the enterprises in their scope
    with the grade their register gives (searchable by name or credit code, filterable by grade), each linking to
    its register page."""
    actor = request_actor(request)
    if actor.role == Role.ENTERPRISE:
        if not actor.enterprise_id:
            raise Http404("页面不存在")
        return _register_page(request, actor, actor.enterprise_id)
    q = (request.GET.get("q") or "").strip()[:40]
    grade = (request.GET.get("grade") or "").strip()[:10]
    error = ""
    try:
        rows = list(enterprises_graded(actor=actor, q=q, grade=grade)[:ROWS])
    except FieldErrors as exc:
        error, rows, grade = exc.errors.get("grade", exc.message), [], ""
    context = {
        "rows": [
            {
                "firm": firm,
                "grade": firm.register_grade,  # type: ignore[attr-defined]
                "grade_name": rules.GRADE_NAMES.get(firm.register_grade, ""),  # type: ignore[attr-defined]
                "units": firm.unit_count,  # type: ignore[attr-defined]
                "level": firm.get_risk_level_display() if firm.risk_level else "",
            }
            for firm in rows
        ],
        "q": q,
        "grade": grade,
        "grades": [(g, rules.GRADE_NAMES[g]) for g in rules.GRADES],
        "error": error,
        "shown": ROWS,
    }
    return render(request, "risks/register_home.html", context, status=422 if error else 200)
