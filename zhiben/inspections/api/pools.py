"""/api/v1/law-officers and /api/v1/experts: the inspector pool (执法人员) and the expert pool (专家库) with its
ties (回避). Reads go through the scoped selectors (out of scope answers 404, as for a missing record); writes
through the services (403 for one who sees but does not keep the pool)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import NotFound
from zhiben.common.inputs import json_body, openapi_body

from ..models import Expert, ExpertRelation, LawOfficer, OwnCheckItem
from ..selectors.pools import (
    bool_param,
    expert_get,
    expert_list,
    int_param,
    officer_get,
    officer_list,
    own_item_get,
    own_items_visible,
    paging,
    region_param,
)
from ..services.pools import (
    ExpertChange,
    ExpertIn,
    OfficerChange,
    OfficerIn,
    OwnItemChange,
    OwnItemIn,
    RelationIn,
    expert_create,
    expert_update,
    officer_create,
    officer_update,
    own_item_add,
    own_item_update,
    relation_add,
    relation_remove,
)

officers_router = Router(tags=["inspections"])
own_items_router = Router(tags=["inspections"])
experts_router = Router(tags=["inspections"])


# --- officers -----------------------------------------------------------------------------------------------


class OfficerOut(Schema):
    id: int
    department: int
    department_name: str
    region: str
    region_name: str
    name: str
    certificate_no: str
    valid_to: datetime.date | None
    valid: bool
    active: bool
    user: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_department(obj: LawOfficer) -> int:
        return int(obj.department_id)

    @staticmethod
    def resolve_department_name(obj: LawOfficer) -> str:
        return obj.department.name

    @staticmethod
    def resolve_region(obj: LawOfficer) -> str:
        return str(obj.region_id)

    @staticmethod
    def resolve_region_name(obj: LawOfficer) -> str:
        return obj.region.name

    @staticmethod
    def resolve_valid_to(obj: LawOfficer) -> datetime.date | None:
        return obj.certificate_valid_to

    @staticmethod
    def resolve_valid(obj: LawOfficer) -> bool:
        """In post, and the certificate not expired (Beijing days): counts towards a team's two officers."""
        return obj.active and not dates.is_past(obj.certificate_valid_to)

    @staticmethod
    def resolve_user(obj: LawOfficer) -> str | None:
        return obj.user.username if obj.user is not None else None


class OfficerList(Schema):
    items: list[OfficerOut]
    count: int


@officers_router.get("", response=OfficerList)
def list_officers(
    request: HttpRequest,
    department: str = "",
    region: str = "",
    active: str = "",
    q: str = "",
    limit: str = "",
    offset: str = "",
) -> dict[str, Any]:
    """The law-enforcement officers the caller may see (their region subtree; a unit's officer, the unit's own),
    by unit, region subtree, in post (``active``) and name or certificate number (``q``)."""
    qs = officer_list(
        actor=request_actor(request),
        department=int_param("department", department),
        region=region_param(region),
        active=bool_param("active", active),
        q=q.strip()[:40],
    )
    start, size = paging(limit, offset)
    return {"items": list(qs[start : start + size]), "count": qs.count()}


def _officer(request: HttpRequest, officer_id: int) -> LawOfficer:
    found = officer_get(actor=request_actor(request), officer_id=officer_id)
    if found is None:
        raise NotFound("执法人员不存在")
    return found


@officers_router.post("", response={201: OfficerOut}, openapi_extra=openapi_body(OfficerIn))
def create_officer(request: HttpRequest) -> Status[LawOfficer]:
    """``{department, name, certificate_no, valid_to?, user?}`` → 201 the officer. The unit's own officers, the
    committee office or an admin (403 otherwise); 422 naming the field; 409 naming ``certificate_no`` when the
    number is registered already."""
    officer = officer_create(actor=request_actor(request), data=json_body(request))
    return Status(201, _officer(request, officer.pk))


@officers_router.get("/{int:officer_id}", response=OfficerOut)
def get_officer(request: HttpRequest, officer_id: int) -> LawOfficer:
    return _officer(request, officer_id)


@officers_router.patch("/{int:officer_id}", response=OfficerOut, openapi_extra=openapi_body(OfficerChange))
def patch_officer(request: HttpRequest, officer_id: int) -> LawOfficer:
    """``{active?, valid_to?}``: in post or not, the certificate's validity (null clears it)."""
    body = json_body(request)  # its kind first (415 says nothing of the record); its values after the scope
    officer = _officer(request, officer_id)
    officer_update(actor=request_actor(request), officer=officer, data=body)
    return _officer(request, officer_id)


# --- a unit's own checklist lines (自定检查项) ---------------------------------------------------------------


class OwnItemOut(Schema):
    id: int
    department: int
    department_name: str
    sector: str
    text: str
    active: bool
    position: int

    @staticmethod
    def resolve_department(obj: OwnCheckItem) -> int:
        return int(obj.department_id)

    @staticmethod
    def resolve_department_name(obj: OwnCheckItem) -> str:
        return obj.department.name


class OwnItemList(Schema):
    items: list[OwnItemOut]
    count: int


@own_items_router.get("", response=OwnItemList)
def list_own_items(request: HttpRequest, department: str = "", limit: str = "", offset: str = "") -> dict[str, Any]:
    """The member units' own checklist lines the caller may see (a unit's officer: the unit's own), by unit, in
    the order new inspections list them after the criteria clauses."""
    qs = own_items_visible(request_actor(request), department=int_param("department", department))
    start, size = paging(limit, offset)
    return {"items": list(qs[start : start + size]), "count": qs.count()}


def _own_item(request: HttpRequest, item_id: int) -> OwnCheckItem:
    found = own_item_get(actor=request_actor(request), item_id=item_id)
    if found is None:
        raise NotFound("自定检查项不存在")
    return found


@own_items_router.post("", response={201: OwnItemOut}, openapi_extra=openapi_body(OwnItemIn))
def create_own_item(request: HttpRequest) -> Status[OwnCheckItem]:
    """``{department, text, sector?}`` → 201 the line. Those who keep the unit's officers (403 otherwise); 422
    naming the field; 409 naming ``text`` when the unit has the same line already."""
    item = own_item_add(actor=request_actor(request), data=json_body(request))
    return Status(201, _own_item(request, item.pk))


@own_items_router.get("/{int:item_id}", response=OwnItemOut)
def get_own_item(request: HttpRequest, item_id: int) -> OwnCheckItem:
    return _own_item(request, item_id)


@own_items_router.patch("/{int:item_id}", response=OwnItemOut, openapi_extra=openapi_body(OwnItemChange))
def patch_own_item(request: HttpRequest, item_id: int) -> OwnCheckItem:
    """``{active}``: the line in or out of use for new inspections."""
    body = json_body(request)
    item = _own_item(request, item_id)
    own_item_update(actor=request_actor(request), item=item, data=body)
    return _own_item(request, item_id)


# --- experts ------------------------------------------------------------------------------------------------


class RelationOut(Schema):
    id: int
    enterprise: str
    enterprise_name: str
    kind: str
    kind_label: str
    note: str

    @staticmethod
    def resolve_enterprise(obj: ExpertRelation) -> str:
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise_name(obj: ExpertRelation) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_kind_label(obj: ExpertRelation) -> str:
        return obj.get_kind_display()


class ExpertOut(Schema):
    id: int
    region: str
    region_name: str
    name: str
    organisation: str
    title: str
    phone: str
    sectors: list[str]
    specialty: str
    active: bool
    relations: list[RelationOut]
    created_at: datetime.datetime

    @staticmethod
    def resolve_region(obj: Expert) -> str:
        return str(obj.region_id)

    @staticmethod
    def resolve_region_name(obj: Expert) -> str:
        return obj.region.name

    @staticmethod
    def resolve_relations(obj: Expert) -> list[ExpertRelation]:
        return list(obj.relations.all())


class ExpertList(Schema):
    items: list[ExpertOut]
    count: int


@experts_router.get("", response=ExpertList)
def list_experts(
    request: HttpRequest,
    region: str = "",
    sector: str = "",
    active: str = "",
    q: str = "",
    limit: str = "",
    offset: str = "",
) -> dict[str, Any]:
    """The experts of the pools the caller may see (their region subtree), by region subtree, specialty sector,
    in the pool (``active``) and name, organisation or specialty (``q``), each with their ties (回避)."""
    qs = expert_list(
        actor=request_actor(request),
        region=region_param(region),
        sector=sector.strip()[:40],
        active=bool_param("active", active),
        q=q.strip()[:40],
    )
    start, size = paging(limit, offset)
    return {"items": list(qs[start : start + size]), "count": qs.count()}


def _expert(request: HttpRequest, expert_id: int) -> Expert:
    found = expert_get(actor=request_actor(request), expert_id=expert_id)
    if found is None:
        raise NotFound("专家不存在")
    return found


@experts_router.post("", response={201: ExpertOut}, openapi_extra=openapi_body(ExpertIn))
def create_expert(request: HttpRequest) -> Status[Expert]:
    """``{region, name, organisation?, title?, phone?, sectors?, specialty?}`` → 201 the expert. Officers of a
    member unit of the region or above, the committee office, admins (403 otherwise); 422 naming the field."""
    expert = expert_create(actor=request_actor(request), data=json_body(request))
    return Status(201, _expert(request, expert.pk))


@experts_router.get("/{int:expert_id}", response=ExpertOut)
def get_expert(request: HttpRequest, expert_id: int) -> Expert:
    return _expert(request, expert_id)


@experts_router.patch("/{int:expert_id}", response=ExpertOut, openapi_extra=openapi_body(ExpertChange))
def patch_expert(request: HttpRequest, expert_id: int) -> Expert:
    """``{active?, organisation?, title?, phone?, sectors?, specialty?}``: only the fields given change."""
    body = json_body(request)  # its kind first (415 says nothing of the record); its values after the scope
    expert = _expert(request, expert_id)
    expert_update(actor=request_actor(request), expert=expert, data=body)
    return _expert(request, expert_id)


@experts_router.post("/{int:expert_id}/relations", response={201: RelationOut}, openapi_extra=openapi_body(RelationIn))
def add_relation(request: HttpRequest, expert_id: int) -> Status[ExpertRelation]:
    """``{enterprise: credit code, kind, note?}`` → 201 the tie: the expert is refused on that enterprise's
    inspection teams. 409 naming ``enterprise`` when it is recorded already."""
    body = json_body(request)  # its kind first (415 says nothing of the record); its values after the scope
    expert = _expert(request, expert_id)
    relation = relation_add(actor=request_actor(request), expert=expert, data=body)
    return Status(201, ExpertRelation.objects.select_related("enterprise").get(pk=relation.pk))


@experts_router.delete("/{int:expert_id}/relations/{int:relation_id}", response={204: None})
def delete_relation(request: HttpRequest, expert_id: int, relation_id: int) -> HttpResponse:
    """Remove a tie (recorded in error, or ended): 204; 404 for a tie that is not this expert's."""
    expert = _expert(request, expert_id)
    relation_remove(actor=request_actor(request), expert=expert, relation_id=relation_id)
    return HttpResponse(status=204)
