"""/api/v1/risk-units, /api/v1/control-measures and /api/v1/enterprises/{credit_code}/risk-profile: the risk
register (风险分级管控清单, DESIGN.md §6 "Dual prevention"). Reads go through the scoped selectors (out of scope answers
404, as for a missing record); writes through the services (403 for one who sees but may not write: officers)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from zhiben.accounts.request import request_actor
from zhiben.common.errors import NotFound, PermissionDenied
from zhiben.common.inputs import json_body, openapi_body, parse

from .. import rules
from ..models import ControlMeasure, Method, RiskEvent, RiskProfile, RiskUnit, UnitKind
from ..selectors import int_param, may_edit, paging
from ..selectors.register import (
    event_get,
    event_list,
    measure_get,
    measure_list,
    profile_of,
    unit_get,
    unit_list,
)
from ..services.register import (
    WRITE_REFUSED,
    EventChange,
    EventIn,
    MeasureChange,
    MeasureIn,
    ProfileIn,
    UnitChange,
    UnitIn,
    event_create,
    event_delete,
    event_update,
    measure_create,
    measure_delete,
    measure_update,
    profile_set,
    unit_create,
    unit_delete,
    unit_update,
)

units_router = Router(tags=["risks"])
measures_router = Router(tags=["risks"])
profile_router = Router(tags=["risks"])

KIND_NAMES = dict(UnitKind.choices)
METHOD_NAMES = dict(Method.choices)


def _number(value: Any) -> str | None:
    return None if value is None else rules.value_text(value)


# --- shapes -------------------------------------------------------------------------------------------------------


class MeasureBrief(Schema):
    id: int
    description: str
    classify1: str
    classify1_name: str
    classify2: str
    classify2_name: str
    classify3: str
    content: str
    department: str
    responsible: str
    external_id: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_classify1_name(obj: ControlMeasure) -> str:
        return rules.CLASSIFY1.get(obj.classify1, "")

    @staticmethod
    def resolve_classify2_name(obj: ControlMeasure) -> str:
        return rules.CLASSIFY2.get(obj.classify1, {}).get(obj.classify2, "")


class MeasureOut(MeasureBrief):
    event: int
    event_name: str
    unit: int
    unit_name: str

    @staticmethod
    def resolve_event(obj: ControlMeasure) -> int:
        return int(obj.event_id)

    @staticmethod
    def resolve_event_name(obj: ControlMeasure) -> str:
        return obj.event.name

    @staticmethod
    def resolve_unit(obj: ControlMeasure) -> int:
        return int(obj.event.unit_id)

    @staticmethod
    def resolve_unit_name(obj: ControlMeasure) -> str:
        return obj.event.unit.name


class EventOut(Schema):
    id: int
    unit: int
    name: str
    consequence: str
    method: str
    l: str | None  # noqa: E741
    e: str | None
    c: str | None
    likelihood: int | None
    severity: int | None
    score: str
    grade: str
    grade_name: str
    external_id: str
    updated_at: datetime.datetime
    measures: list[MeasureBrief]

    @staticmethod
    def resolve_unit(obj: RiskEvent) -> int:
        return int(obj.unit_id)

    @staticmethod
    def resolve_l(obj: RiskEvent) -> str | None:
        return _number(obj.l)

    @staticmethod
    def resolve_e(obj: RiskEvent) -> str | None:
        return _number(obj.e)

    @staticmethod
    def resolve_c(obj: RiskEvent) -> str | None:
        return _number(obj.c)

    @staticmethod
    def resolve_score(obj: RiskEvent) -> str:
        return rules.value_text(obj.score)

    @staticmethod
    def resolve_grade_name(obj: RiskEvent) -> str:
        return rules.GRADE_NAMES.get(obj.grade, "")

    @staticmethod
    def resolve_measures(obj: RiskEvent) -> list[ControlMeasure]:
        return list(getattr(obj, "live_measures", []))


class UnitOut(Schema):
    id: int
    enterprise: str
    enterprise_name: str
    region: str
    sector: str
    name: str
    kind: str
    kind_name: str
    hazard_source_code: str
    department: str
    responsible: str
    grade: str
    grade_name: str
    external_id: str
    updated_at: datetime.datetime
    events: list[EventOut]

    @staticmethod
    def resolve_enterprise(obj: RiskUnit) -> str:
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise_name(obj: RiskUnit) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_region(obj: RiskUnit) -> str:
        return str(obj.region_id)

    @staticmethod
    def resolve_sector(obj: RiskUnit) -> str:
        return str(obj.sector_id)

    @staticmethod
    def resolve_kind_name(obj: RiskUnit) -> str:
        return KIND_NAMES.get(obj.kind, "")

    @staticmethod
    def resolve_grade_name(obj: RiskUnit) -> str:
        return rules.GRADE_NAMES.get(obj.grade, "")

    @staticmethod
    def resolve_events(obj: RiskUnit) -> list[RiskEvent]:
        return list(getattr(obj, "live_events", []))


class UnitList(Schema):
    items: list[UnitOut]
    count: int


class EventList(Schema):
    items: list[EventOut]
    count: int


class MeasureList(Schema):
    items: list[MeasureOut]
    count: int


# --- units --------------------------------------------------------------------------------------------------------


def _unit(request: HttpRequest, unit_id: int) -> RiskUnit:
    found = unit_get(actor=request_actor(request), unit_id=unit_id)
    if found is None:
        raise NotFound("风险分析单元不存在")
    return found


@units_router.get("", response=UnitList)
def list_units(
    request: HttpRequest,
    enterprise: str = "",
    grade: str = "",
    region: str = "",
    q: str = "",
    limit: str = "",
    offset: str = "",
) -> dict[str, Any]:
    """The live risk units the caller may see, each with its live events (worst first) and their control measures;
    by enterprise (credit code), grade (red/orange/yellow/blue: the unit's worst event's), region subtree and
    name, department or responsible person (``q``)."""
    qs = unit_list(actor=request_actor(request), enterprise=enterprise, grade=grade, region=region, q=q)
    start, size = paging(limit, offset)
    return {"items": list(qs[start : start + size]), "count": qs.count()}


@units_router.post("", response={201: UnitOut}, openapi_extra=openapi_body(UnitIn))
def create_unit(request: HttpRequest) -> Status[RiskUnit]:
    """``{enterprise?, name, kind?, hazard_source_code?, department, responsible}`` → 201 the unit. ``enterprise``
    (credit code) is needed by admins; an enterprise user's unit is their own enterprise's. Officers 403; 422
    naming the field."""
    unit = unit_create(actor=request_actor(request), data=json_body(request))
    return Status(201, _unit(request, unit.pk))


@units_router.get("/{int:unit_id}", response=UnitOut)
def get_unit(request: HttpRequest, unit_id: int) -> RiskUnit:
    """A live unit with its live events and their measures; 404 when missing, deleted or out of scope."""
    return _unit(request, unit_id)


@units_router.patch("/{int:unit_id}", response=UnitOut, openapi_extra=openapi_body(UnitChange))
def patch_unit(request: HttpRequest, unit_id: int) -> RiskUnit:
    """``{name?, kind?, hazard_source_code?, department?, responsible?}`` (only the fields given change)."""
    body = json_body(request)
    unit_update(actor=request_actor(request), unit_id=unit_id, data=body)
    return _unit(request, unit_id)


@units_router.delete("/{int:unit_id}", response={204: None})
def delete_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Delete the unit with its events and measures (kept as deleted for the national interface's incremental
    feed); their check tasks stop; the grades follow. 204."""
    unit_delete(actor=request_actor(request), unit_id=unit_id)
    return HttpResponse(status=204)


# --- events -------------------------------------------------------------------------------------------------------


def _event(request: HttpRequest, unit_id: int, event_id: int) -> RiskEvent:
    found = event_get(actor=request_actor(request), unit_id=unit_id, event_id=event_id)
    if found is None:
        raise NotFound("风险事件不存在")
    return found


@units_router.get("/{int:unit_id}/events", response=EventList)
def list_events(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """The live risk events of the unit, worst first, each with its control measures."""
    items = list(event_list(actor=request_actor(request), unit_id=unit_id))
    return {"items": items, "count": len(items)}


@units_router.post("/{int:unit_id}/events", response={201: EventOut}, openapi_extra=openapi_body(EventIn))
def create_event(request: HttpRequest, unit_id: int) -> Status[RiskEvent]:
    """``{name, consequence?, l, e, c}`` (LEC) or ``{name, consequence?, likelihood, severity}`` (L×S), by the
    enterprise's method (``GET /api/v1/enterprises/{credit_code}/risk-profile``) → 201 the event with its score
    and grade. 422 naming a factor outside the method's table."""
    body = json_body(request)
    event = event_create(actor=request_actor(request), unit_id=unit_id, data=body)
    return Status(201, _event(request, unit_id, event.pk))


@units_router.patch("/{int:unit_id}/events/{int:event_id}", response=EventOut, openapi_extra=openapi_body(EventChange))
def patch_event(request: HttpRequest, unit_id: int, event_id: int) -> RiskEvent:
    """Only the fields given change; a changed factor re-scores and re-grades the event (and the grades that
    follow)."""
    body = json_body(request)
    event_update(actor=request_actor(request), unit_id=unit_id, event_id=event_id, data=body)
    return _event(request, unit_id, event_id)


@units_router.delete("/{int:unit_id}/events/{int:event_id}", response={204: None})
def delete_event(request: HttpRequest, unit_id: int, event_id: int) -> HttpResponse:
    """Delete the event with its measures (their check tasks stop); the grades follow. 204."""
    event_delete(actor=request_actor(request), unit_id=unit_id, event_id=event_id)
    return HttpResponse(status=204)


# --- control measures ---------------------------------------------------------------------------------------------


def _measure(request: HttpRequest, measure_id: int) -> ControlMeasure:
    found = measure_get(actor=request_actor(request), measure_id=measure_id)
    if found is None:
        raise NotFound("管控措施不存在")
    return found


@measures_router.get("", response=MeasureList)
def list_measures(
    request: HttpRequest, event: str = "", unit: str = "", enterprise: str = "", limit: str = "", offset: str = ""
) -> dict[str, Any]:
    """The live control measures the caller may see, by event, unit and enterprise (credit code)."""
    qs = measure_list(
        actor=request_actor(request),
        event=int_param("event", event),
        unit=int_param("unit", unit),
        enterprise=enterprise,
    )
    start, size = paging(limit, offset)
    return {"items": list(qs[start : start + size]), "count": qs.count()}


@measures_router.post("", response={201: MeasureOut}, openapi_extra=openapi_body(MeasureIn))
def create_measure(request: HttpRequest) -> Status[ControlMeasure]:
    """``{event, unit?, enterprise?, description, classify1, classify2, classify3?, content?, department?,
    responsible?}`` → 201. A measure belongs to a live event of a unit of the same enterprise: 422 naming
    ``event`` otherwise; ``classify2`` must be a sub-class of ``classify1`` (422 naming it)."""
    measure = measure_create(actor=request_actor(request), data=json_body(request))
    return Status(201, _measure(request, measure.pk))


@measures_router.get("/{int:measure_id}", response=MeasureOut)
def get_measure(request: HttpRequest, measure_id: int) -> ControlMeasure:
    """A live control measure with its event and unit; 404 when missing, deleted or out of scope."""
    return _measure(request, measure_id)


@measures_router.patch("/{int:measure_id}", response=MeasureOut, openapi_extra=openapi_body(MeasureChange))
def patch_measure(request: HttpRequest, measure_id: int) -> ControlMeasure:
    """Only the fields given change; ``classify1`` and ``classify2`` are checked together."""
    body = json_body(request)
    measure_update(actor=request_actor(request), measure_id=measure_id, data=body)
    return _measure(request, measure_id)


@measures_router.delete("/{int:measure_id}", response={204: None})
def delete_measure(request: HttpRequest, measure_id: int) -> HttpResponse:
    """Delete the measure (kept as deleted for the incremental feed); its check tasks stop. 204."""
    measure_delete(actor=request_actor(request), measure_id=measure_id)
    return HttpResponse(status=204)


# --- the enterprise's settings and grade --------------------------------------------------------------------------


class ProfileOut(Schema):
    enterprise: str
    enterprise_name: str
    method: str
    method_name: str
    safety_manager: str | None
    safety_manager_name: str
    grade: str
    grade_name: str
    grade_reason: dict[str, Any]
    graded_at: datetime.datetime | None
    registered_risk_level: str

    @staticmethod
    def resolve_enterprise(obj: RiskProfile) -> str:
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise_name(obj: RiskProfile) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_method_name(obj: RiskProfile) -> str:
        return METHOD_NAMES.get(obj.method, "")

    @staticmethod
    def resolve_safety_manager(obj: RiskProfile) -> str | None:
        return obj.safety_manager.username if obj.safety_manager_id and obj.safety_manager else None

    @staticmethod
    def resolve_safety_manager_name(obj: RiskProfile) -> str:
        return str(obj.safety_manager) if obj.safety_manager_id and obj.safety_manager else ""

    @staticmethod
    def resolve_grade_name(obj: RiskProfile) -> str:
        return rules.GRADE_NAMES.get(obj.grade, "")

    @staticmethod
    def resolve_registered_risk_level(obj: RiskProfile) -> str:
        """The level the regulator recorded on the enterprise (``Enterprise.risk_level``), apart from the grade its
        register gives."""
        return obj.enterprise.risk_level


@profile_router.get("/{credit_code}/risk-profile", response=ProfileOut)
def get_profile(request: HttpRequest, credit_code: str) -> RiskProfile:
    """The enterprise's scoring method and safety manager, and the grade its register gives with the reason in
    words and figures (``grade_reason``: ``text``, ``counts``, ``worst``). Read-only: ``grade``, ``grade_reason``."""
    _, profile = profile_of(actor=request_actor(request), key=credit_code)
    return profile


@profile_router.put("/{credit_code}/risk-profile", response=ProfileOut, openapi_extra=openapi_body(ProfileIn))
def put_profile(request: HttpRequest, credit_code: str) -> RiskProfile:
    """``{method?, safety_manager?}``: ``method`` lec/ls (409 naming it while live events are scored by the other
    method), ``safety_manager`` the username of an active user of the enterprise ("" or null clears it). The
    enterprise's staff and admins (officers 403)."""
    body = json_body(request)
    actor = request_actor(request)
    firm, _ = profile_of(actor=actor, key=credit_code)
    if not may_edit(actor, firm.pk):  # before the values: 403 says nothing an officer in scope cannot see
        raise PermissionDenied(WRITE_REFUSED)
    given = parse(ProfileIn, body)
    manager = given.safety_manager if "safety_manager" in given.model_fields_set else None
    profile_set(actor=actor, enterprise=firm, method=given.method or None, safety_manager=manager)
    return profile_of(actor=actor, key=credit_code)[1]
