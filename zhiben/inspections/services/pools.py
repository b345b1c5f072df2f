"""Writes of the inspector pool (执法人员) and the expert pool (专家库), with their typed inputs (DESIGN.md §8).

Who keeps them (who may see them is ``selectors/pools.py``; a record one may see but not change answers 403, one
one may not see 404):

- a unit's law-enforcement officers: the unit's own officers, the committee office (安委会办公室) of the unit's
  region or above (``departments.services.can_manage``), and admins;
- a region's expert pool: the officers of the member units of that region or above (every unit draws its
  experts from it, 执法+专家), the committee office, and admins.

A certificate number (行政执法证件号) is unique across the country: a second officer with it answers 409 naming
``certificate_no``. Only an active officer with a certificate number counts towards the two a team needs to
issue documents (行政处罚法 第四十二条, ``rules.issue_refusal``); an expired certificate (``valid_to`` before
today) is shown as such.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from ninja import Field
from pydantic import BeforeValidator

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import region_in_scope, scoped
from zhiben.audit.services import event_append
from zhiben.common.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from zhiben.common.inputs import Input, choice, parse, required, text
from zhiben.common.inputs import phone as phone_number
from zhiben.common.validators import clean_credit_code, to_halfwidth
from zhiben.departments.models import Department
from zhiben.departments.selectors import department_list, scoped_users
from zhiben.departments.services import can_manage
from zhiben.enterprises.models import Enterprise
from zhiben.reference.models import Sector
from zhiben.regions.models import Region
from zhiben.regions.selectors import parse_region

from ..models import Expert, ExpertRelation, LawOfficer, OwnCheckItem, RelationKind

ID_MAX = 2**63 - 1


def record_id(raw: Any, *, label: str) -> int | None:
    """A record's number (a whole number, as JSON or text) or None for blank; ValueError in Chinese naming
    ``label`` for anything else (a yes/no is not record #1)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ValueError(f"{label}应为编号（整数）")
    text_ = to_halfwidth(str(raw)).strip()
    if not text_.isdigit() or not 0 < int(text_) <= ID_MAX:
        raise ValueError(f"{label}应为编号（正整数）")
    return int(text_)


def certificate_number(raw: Any) -> str:
    """执法证号 as typed, without spaces (full-width letters and digits made ASCII): ``渝应急执500401``."""
    if raw is None or not isinstance(raw, str | int) or isinstance(raw, bool):
        raise ValueError("请填写执法证号")
    code = "".join(to_halfwidth(str(raw)).split())
    if not code:
        raise ValueError("请填写执法证号")
    if len(code) > 40:
        raise ValueError("执法证号不能超过40个字符")
    return code


def sector_keys(raw: Any, *, label: str = "行业领域") -> list[str]:
    """Sector keys (or their Chinese names) as a list of keys, each known; ValueError in Chinese otherwise."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = [p for p in raw.replace("，", ",").replace("、", ",").split(",") if p.strip()]
    if not isinstance(raw, list | tuple):
        raise ValueError(f"{label}应为行业领域代码的列表")
    known = dict(Sector.objects.values_list("key", "name"))
    by_name = {name: key for key, name in known.items()}
    out: list[str] = []
    for item in raw:
        value = str(item).strip() if isinstance(item, str) else ""
        key = value if value in known else by_name.get(value)
        if key is None:
            raise ValueError(f"{label}中有未知的行业领域：{value[:40] or str(item)[:40]}")
        if key not in out:
            out.append(key)
    return out


class OfficerIn(Input):
    """登记执法人员: a member unit's officer with the certificate number that lets them enforce."""

    department: Annotated[int | None, BeforeValidator(partial(record_id, label="所属单位"))] = required(
        title="所属单位", description="成员单位编号（GET /api/v1/departments）"
    )
    name: Annotated[str, text("姓名", 40, required=True)] = required(max_length=40, title="姓名")
    certificate_no: Annotated[str, BeforeValidator(certificate_number)] = required(
        max_length=40, title="执法证号", description="行政执法证件号，全国唯一，如 渝应急执500401"
    )
    valid_to: datetime.date | None = Field(None, title="执法证有效期至")
    user: Annotated[str, text("登录账号", 150)] = Field(
        "", max_length=150, title="登录账号", description="本人在本系统的用户名（可不填）"
    )


text_checker = text


class OwnItemIn(Input):
    """自定检查项: a line a member unit adds to its inspections' checklists, of one sector or of every sector."""

    department: Annotated[int | None, BeforeValidator(partial(record_id, label="所属单位"))] = required(
        title="所属单位", description="成员单位编号（GET /api/v1/departments）"
    )
    # ``text`` is also the field's name: the checker is reached by its other name here
    text: Annotated[str, text_checker("检查内容", 300, required=True)] = required(max_length=300, title="检查内容")
    sector: Annotated[str, text_checker("行业领域", 40)] = Field(
        "", max_length=40, title="行业领域", description="行业领域代码（GET /api/v1/sectors）；不填：各行业领域"
    )


class OwnItemChange(Input):
    """自定检查项变更: in use or not (a retired line stays on the inspections that used it)."""

    active: bool | None = Field(None, title="启用")


class OfficerChange(Input):
    """执法人员变更: in post or not (调离、退休 …), the certificate's new validity."""

    active: bool | None = Field(None, title="在岗")
    valid_to: datetime.date | None = Field(None, title="执法证有效期至")


class ExpertIn(Input):
    """登记专家: an expert of a region's pool (专家库), with the sectors of their specialty."""

    region: Annotated[str, text("专家库区划", 12, required=True)] = required(max_length=12, title="专家库区划")
    name: Annotated[str, text("姓名", 40, required=True)] = required(max_length=40, title="姓名")
    organisation: Annotated[str, text("工作单位", 120)] = Field("", max_length=120, title="工作单位")
    title: Annotated[str, text("职称", 40)] = Field("", max_length=40, title="职称")
    phone: Annotated[str, phone_number("联系电话")] = Field("", max_length=20, title="联系电话")
    sectors: Annotated[list[str], BeforeValidator(partial(sector_keys, label="专业行业领域"))] = Field(
        default_factory=list, title="专业行业领域", description="行业领域代码的列表（GET /api/v1/sectors）"
    )
    specialty: Annotated[str, text("专业特长", 200)] = Field("", max_length=200, title="专业特长")


class ExpertChange(Input):
    """专家信息变更 (only the fields given change)."""

    active: bool | None = Field(None, title="在库")
    organisation: Annotated[str | None, text("工作单位", 120)] = Field(None, max_length=120, title="工作单位")
    title: Annotated[str | None, text("职称", 40)] = Field(None, max_length=40, title="职称")
    phone: Annotated[str | None, phone_number("联系电话")] = Field(None, max_length=20, title="联系电话")
    sectors: Annotated[list[str] | None, BeforeValidator(partial(sector_keys, label="专业行业领域"))] = Field(
        None, title="专业行业领域"
    )
    specialty: Annotated[str | None, text("专业特长", 200)] = Field(None, max_length=200, title="专业特长")


def _credit_code(raw: Any) -> str:
    return clean_credit_code(raw)


class RelationIn(Input):
    """登记回避关系: the expert may not inspect this enterprise."""

    enterprise: Annotated[str, BeforeValidator(_credit_code)] = required(
        max_length=30, title="企业", description="企业的统一社会信用代码"
    )
    kind: Annotated[str, choice("关系", RelationKind.choices, allow_blank=False)] = required(title="关系")
    note: Annotated[str, text("说明", 200)] = Field("", max_length=200, title="说明")


# --- who keeps the pools ---------------------------------------------------------------------------------------


def may_keep_officers(actor: User, department: Department) -> bool:
    """Whether ``actor`` keeps ``department``'s officers: its own officers, the committee office over it, admins."""
    if actor.role == Role.ADMIN:
        return True
    if not actor.is_regulator:
        return False
    return actor.department_id == department.pk or can_manage(actor, department.region_id)


def may_keep_experts(actor: User, region_code: str) -> bool:
    """Whether ``actor`` keeps the expert pool of ``region_code``: an officer of a member unit of that region or
    above, the committee office, admins."""
    if actor.role == Role.ADMIN:
        return True
    return bool(actor.is_regulator and actor.department_id and region_in_scope(actor, region_code))


def department_in_reach(actor: User, pk: int | None) -> Department:
    """The active member unit ``pk`` within ``actor``'s region subtree (an admin: any); FieldErrors naming
    ``department`` otherwise."""
    if pk is None:
        raise FieldErrors({"department": "请选择所属单位"})
    unit = department_list(actor=actor).filter(pk=pk).select_related("region").first()
    if unit is None:
        raise FieldErrors({"department": f"成员单位 {pk} 不存在或不在您的辖区内"})
    if not unit.active:
        raise FieldErrors({"department": f"成员单位“{unit.name}”已停用"})
    if actor.role != Role.ADMIN and not region_in_scope(actor, unit.region_id):
        raise FieldErrors({"department": f"成员单位“{unit.name}”不在您的辖区内"})
    return unit


def _login(actor: User, username: str, unit: Department) -> User | None:
    if not username:
        return None
    user = scoped_users(actor=actor).filter(username=username).first()
    if user is None:
        raise FieldErrors({"user": "找不到该用户，或其不在您的辖区内"})
    if not (user.region_id or "").startswith(unit.region_id):
        raise FieldErrors({"user": "该用户的辖区不在所属单位的区划内"})
    return user


def _log(actor: User, subject_type: str, pk: int, kind: str, payload: Mapping[str, Any]) -> None:
    event_append(actor=actor, subject_type=subject_type, subject_id=str(pk), kind=kind, payload=dict(payload))


# --- officers ---------------------------------------------------------------------------------------------------


@transaction.atomic
def officer_create(*, actor: User, data: OfficerIn | Mapping[str, Any]) -> LawOfficer:
    """Register a law-enforcement officer of a member unit: ``{department, name, certificate_no, valid_to?,
    user?}`` (``user``: the officer's login, a username in ``actor``'s reach). The officer's region is the unit's.

    Raises FieldErrors naming the field (an unknown unit or one out of reach, a login not in reach),
    PermissionDenied when ``actor`` does not keep the unit's officers, Conflict naming ``certificate_no`` (the
    number is registered already) or ``user`` (the login belongs to another officer)."""
    given = parse(OfficerIn, data)
    unit = department_in_reach(actor, given.department)
    if not may_keep_officers(actor, unit):
        raise PermissionDenied("只有本单位执法人员、安委会办公室或系统管理员可以登记执法人员")
    login = _login(actor, given.user, unit)
    existing = LawOfficer.objects.filter(certificate_no=given.certificate_no).select_related("department").first()
    if existing is not None:
        raise Conflict(f"执法证号 {given.certificate_no} 已登记", field="certificate_no")
    if login is not None and LawOfficer.objects.filter(user=login).exists():
        raise Conflict(f"登录账号 {login.username} 已对应其他执法人员", field="user")
    try:
        with transaction.atomic():
            officer = LawOfficer.objects.create(
                department=unit,
                region_id=unit.region_id,
                user=login,
                name=given.name,
                certificate_no=given.certificate_no,
                certificate_valid_to=given.valid_to,
            )
    except IntegrityError:  # registered by someone else a moment ago
        raise Conflict(f"执法证号 {given.certificate_no} 已登记", field="certificate_no") from None
    _log(
        actor,
        "law_officer",
        officer.pk,
        "registered",
        {
            "name": officer.name,
            "certificate_no": officer.certificate_no,
            "department": unit.name,
            "valid_to": officer.certificate_valid_to,
            "user": login.username if login else "",
        },
    )
    return officer


@transaction.atomic
def officer_update(*, actor: User, officer: LawOfficer, data: OfficerChange | Mapping[str, Any]) -> LawOfficer:
    """Change an officer's ``active`` and ``valid_to`` (only the fields given; ``valid_to`` null clears it).
    ``officer`` is one ``actor`` may see (the caller's 404). Raises FieldErrors naming the field,
    PermissionDenied when ``actor`` does not keep the unit's officers."""
    given = parse(OfficerChange, data)
    locked = LawOfficer.objects.select_for_update().select_related("department").get(pk=officer.pk)
    if not may_keep_officers(actor, locked.department):
        raise PermissionDenied("只有本单位执法人员、安委会办公室或系统管理员可以修改执法人员信息")
    changes: dict[str, list[Any]] = {}
    if "active" in given.model_fields_set:
        if given.active is None:
            raise FieldErrors({"active": "应为 true 或 false"})
        if given.active != locked.active:
            changes["active"] = [locked.active, given.active]
            locked.active = given.active
    if "valid_to" in given.model_fields_set and given.valid_to != locked.certificate_valid_to:
        changes["valid_to"] = [locked.certificate_valid_to, given.valid_to]
        locked.certificate_valid_to = given.valid_to
    if changes:
        locked.save(update_fields=["active", "certificate_valid_to"])
        _log(actor, "law_officer", locked.pk, "changed", {"certificate_no": locked.certificate_no, **changes})
    return locked


# --- the unit's own checklist lines --------------------------------------------------------------------------------


def own_item_add(*, actor: User, data: OwnItemIn | Mapping[str, Any]) -> OwnCheckItem:
    """Add a line to a member unit's own checklist (自定检查项): ``{department, text, sector?}``. New inspections
    of the unit (of that sector, or of every sector when ``sector`` is blank) list it after the criteria clauses in
    force on the day. Kept by those who keep the unit's officers. Raises FieldErrors naming the field (an unknown
    unit or sector), PermissionDenied, Conflict naming ``text`` (the unit has the same line already)."""
    given = parse(OwnItemIn, data)
    unit = department_in_reach(actor, given.department)
    if not may_keep_officers(actor, unit):
        raise PermissionDenied("只有本单位执法人员、安委会办公室或系统管理员可以维护本单位的自定检查项")
    if given.sector and not Sector.objects.filter(key=given.sector).exists():
        raise FieldErrors({"sector": f"未知的行业领域：{given.sector}"})
    with transaction.atomic():
        mine = OwnCheckItem.objects.select_for_update().filter(department=unit)
        if mine.filter(sector=given.sector, text=given.text).exists():
            raise Conflict("本单位已有相同的自定检查项", field="text")
        last = mine.order_by("-position").values_list("position", flat=True).first()
        item = OwnCheckItem.objects.create(
            department=unit, sector=given.sector, text=given.text, position=(last or 0) + 1
        )
        _log(
            actor,
            "own_check_item",
            item.pk,
            "created",
            {"department": unit.pk, "sector": item.sector, "text": item.text},
        )
    return item


def own_item_update(*, actor: User, item: OwnCheckItem, data: OwnItemChange | Mapping[str, Any]) -> OwnCheckItem:
    """Put a line of a unit's own checklist in or out of use (``active``); ``item`` is one ``actor`` may see (the
    caller's 404). Inspections already recorded keep their lines. Raises FieldErrors, PermissionDenied."""
    given = parse(OwnItemChange, data)
    with transaction.atomic():
        locked = OwnCheckItem.objects.select_for_update().select_related("department").get(pk=item.pk)
        if not may_keep_officers(actor, locked.department):
            raise PermissionDenied("只有本单位执法人员、安委会办公室或系统管理员可以维护本单位的自定检查项")
        if "active" in given.model_fields_set:
            if given.active is None:
                raise FieldErrors({"active": "应为 true 或 false"})
            if given.active != locked.active:
                locked.active = given.active
                locked.save(update_fields=["active"])
                _log(actor, "own_check_item", locked.pk, "changed", {"active": locked.active})
    return locked


# --- experts ----------------------------------------------------------------------------------------------------


def region_in_reach(actor: User, raw: str) -> Region:
    """The region ``raw`` names, within ``actor``'s subtree (an admin: any); FieldErrors naming ``region``
    otherwise."""
    code = parse_region(raw)
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise FieldErrors({"region": f"行政区划代码 {code} 不存在"})
    if actor.role != Role.ADMIN and not region_in_scope(actor, code):
        raise FieldErrors({"region": f"{region.name}不在您的辖区内"})
    return region


@transaction.atomic
def expert_create(*, actor: User, data: ExpertIn | Mapping[str, Any]) -> Expert:
    """Register an expert in the pool of ``region`` (a region code in ``actor``'s subtree): ``{region, name,
    organisation?, title?, phone?, sectors?, specialty?}``. Raises FieldErrors naming the field, PermissionDenied
    when ``actor`` does not keep that pool."""
    given = parse(ExpertIn, data)
    region = region_in_reach(actor, given.region)
    if not may_keep_experts(actor, region.code):
        raise PermissionDenied("只有成员单位执法人员、安委会办公室或系统管理员可以维护专家库")
    expert = Expert.objects.create(
        region=region,
        name=given.name,
        organisation=given.organisation,
        title=given.title,
        phone=given.phone,
        sectors=given.sectors,
        specialty=given.specialty,
        created_by=actor,
    )
    # the phone stays out of the event: the chain is kept for ever, a phone number changes hands
    _log(
        actor,
        "expert",
        expert.pk,
        "registered",
        {"name": expert.name, "region": region.code, "organisation": expert.organisation, "sectors": expert.sectors},
    )
    return expert


@transaction.atomic
def expert_update(*, actor: User, expert: Expert, data: ExpertChange | Mapping[str, Any]) -> Expert:
    """Change an expert's ``active``, ``organisation``, ``title``, ``phone``, ``sectors`` or ``specialty`` (only
    the fields given). Raises FieldErrors naming the field, PermissionDenied."""
    given = parse(ExpertChange, data)
    locked = Expert.objects.select_for_update().get(pk=expert.pk)
    if not may_keep_experts(actor, locked.region_id):
        raise PermissionDenied("只有成员单位执法人员、安委会办公室或系统管理员可以维护专家库")
    changed: list[str] = []
    for name in ("active", "organisation", "title", "phone", "sectors", "specialty"):
        if name not in given.model_fields_set:
            continue
        value = getattr(given, name)
        if value is None:
            raise FieldErrors({name: "不能为空（不修改请不要提交此字段）"})
        if value != getattr(locked, name):
            setattr(locked, name, value)
            changed.append(name)
    if changed:
        locked.save(update_fields=changed)
        shown = {k: getattr(locked, k) for k in changed if k != "phone"}
        _log(actor, "expert", locked.pk, "changed", {"name": locked.name, **shown, "fields": changed})
    return locked


@transaction.atomic
def relation_add(*, actor: User, expert: Expert, data: RelationIn | Mapping[str, Any]) -> ExpertRelation:
    """Record that ``expert`` is tied to an enterprise (回避: they are refused on its teams): ``{enterprise: credit
    code, kind, note?}``; the enterprise must be one ``actor`` may see. Raises FieldErrors naming the field,
    PermissionDenied, Conflict naming ``enterprise`` when the tie is recorded already."""
    given = parse(RelationIn, data)
    if not may_keep_experts(actor, expert.region_id):
        raise PermissionDenied("只有成员单位执法人员、安委会办公室或系统管理员可以维护专家库")
    firm = scoped(Enterprise.objects, actor).filter(credit_code=given.enterprise).first()
    if firm is None:
        raise FieldErrors({"enterprise": "未找到该统一社会信用代码对应的企业（须为您管辖范围内已登记的企业）"})
    if ExpertRelation.objects.filter(expert=expert, enterprise=firm).exists():
        raise Conflict(f"已登记该专家与“{firm.name}”的回避关系", field="enterprise")
    try:
        with transaction.atomic():
            relation = ExpertRelation.objects.create(expert=expert, enterprise=firm, kind=given.kind, note=given.note)
    except IntegrityError:
        raise Conflict(f"已登记该专家与“{firm.name}”的回避关系", field="enterprise") from None
    _log(
        actor,
        "expert",
        expert.pk,
        "relation_added",
        {"name": expert.name, "enterprise": firm.credit_code, "enterprise_name": firm.name, "kind": given.kind},
    )
    return relation


@transaction.atomic
def relation_remove(*, actor: User, expert: Expert, relation_id: int) -> None:
    """Remove one of ``expert``'s ties (recorded in error, or ended). Raises NotFound for a tie that is not the
    expert's, PermissionDenied."""
    relation = ExpertRelation.objects.select_related("enterprise").filter(pk=relation_id, expert=expert).first()
    if relation is None:
        raise NotFound("回避关系不存在")
    if not may_keep_experts(actor, expert.region_id):
        raise PermissionDenied("只有成员单位执法人员、安委会办公室或系统管理员可以维护专家库")
    payload = {
        "name": expert.name,
        "enterprise": relation.enterprise.credit_code,
        "enterprise_name": relation.enterprise.name,
        "kind": relation.kind,
    }
    relation.delete()
    _log(actor, "expert", expert.pk, "relation_removed", payload)
