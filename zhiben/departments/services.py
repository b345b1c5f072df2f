"""Writes of member units and routing. Who may write: an admin, or an officer of a committee office (安委会办公室)
for its own region and the regions under it (the office keeps its members, DESIGN.md §4)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import region_in_scope
from zhiben.audit.services import event_append
from zhiben.common.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from zhiben.common.validators import clean_choice
from zhiben.reference.models import Sector
from zhiben.regions.models import Region
from zhiben.regions.selectors import parse_region

from .kinds import NAMES, STANDARD_KINDS, DepartmentKind
from .models import Department, Routing
from .selectors import department_list

NAME_MAX = 60


def can_manage(actor: User, region_code: str) -> bool:
    """Whether ``actor`` may keep the units and routing of ``region_code``."""
    if actor.role == Role.ADMIN:
        return True
    office = actor.department if actor.department_id else None
    return (
        actor.is_regulator
        and office is not None
        and office.kind == DepartmentKind.COMMITTEE_OFFICE
        and region_in_scope(actor, region_code)
    )


def _region(actor: User, raw: object) -> Region:
    code = parse_region(raw)
    region = Region.objects.filter(pk=code).first()
    if region is None:
        raise FieldErrors({"region": f"区划代码 {code} 不存在"})
    if actor.role != Role.ADMIN and not region_in_scope(actor, code):
        raise NotFound("区划不存在")
    if not can_manage(actor, code):
        raise PermissionDenied("只有安委会办公室或系统管理员可以维护成员单位")
    return region


def _sectors(raw: object) -> list[Sector]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        raise FieldErrors({"sectors": "应为行业领域代码的列表"})
    known = {s.key: s for s in Sector.objects.all()}
    by_name = {s.name: s for s in known.values()}
    found = []
    for item in raw:
        text = str(item).strip() if isinstance(item, str | int) else ""
        sector = known.get(text) or by_name.get(text)
        if sector is None:
            raise FieldErrors({"sectors": f"未知的行业领域：{str(item)[:40]}"})
        found.append(sector)
    return found


def _name(raw: object) -> str:
    name = raw.strip() if isinstance(raw, str) else ""
    if not name or "\x00" in name:
        raise FieldErrors({"name": "请填写单位名称"})
    if len(name) > NAME_MAX:
        raise FieldErrors({"name": f"单位名称不超过 {NAME_MAX} 个字"})
    return name


def _kind(raw: object) -> str:
    if raw in (None, ""):
        return DepartmentKind.OTHER
    try:
        return clean_choice(raw, label="单位类别", choices=DepartmentKind.choices, allow_blank=False)
    except ValueError as exc:
        raise FieldErrors({"kind": str(exc)}) from None


@transaction.atomic
def department_create(
    *,
    actor: User,
    region: object,
    name: object,
    kind: object = None,
    sectors: object = None,
    aliases: object = "",
    township: object = None,
) -> Department:
    """Register a member unit of ``region`` (a GB/T 2260 code): ``{"region","name","kind"?,"sectors"?,"aliases"?,
    "township"?}``. ``kind`` a DepartmentKind key or label (default ``other``); ``sectors`` sector keys or names;
    ``township`` (for a lower government as a unit) a region directly under ``region``.

    Raises FieldErrors naming the field, PermissionDenied (not the committee office or admin), NotFound
    (region out of scope), Conflict naming ``name`` (the region already has a unit so named)."""
    place = _region(actor, region)
    unit_name, unit_kind, unit_sectors = _name(name), _kind(kind), _sectors(sectors)
    below = None
    if township not in (None, ""):
        code = parse_region(township, field="township")
        below = Region.objects.filter(pk=code, parent_id=place.pk).first()
        if below is None:
            raise FieldErrors({"township": f"{code} 不是 {place.name} 的直接下级区划"})
    if not isinstance(aliases, str):
        raise FieldErrors({"aliases": "应为文本，每行一个别名"})
    try:
        with transaction.atomic():
            unit = Department.objects.create(
                region=place, name=unit_name, kind=unit_kind, aliases=aliases.strip()[:2000], township=below
            )
    except IntegrityError:
        raise Conflict(f"{place.name}已有名为“{unit_name}”的成员单位", field="name") from None
    unit.sectors.set(unit_sectors)
    event_append(
        actor=actor,
        subject_type="department",
        subject_id=str(unit.pk),
        kind="created",
        payload={"name": unit.name, "kind": unit.kind, "region": place.pk},
    )
    return unit


@transaction.atomic
def department_update(*, actor: User, department: Department, **changes: Any) -> Department:
    """Change a unit's ``name``, ``kind``, ``aliases``, ``active`` or ``sectors`` (only those given). Errors as
    :func:`department_create`."""
    if not can_manage(actor, department.region_id):
        raise PermissionDenied("只有安委会办公室或系统管理员可以维护成员单位")
    if "name" in changes:
        department.name = _name(changes["name"])
    if "kind" in changes:
        department.kind = _kind(changes["kind"])
    if "aliases" in changes:
        if not isinstance(changes["aliases"], str):
            raise FieldErrors({"aliases": "应为文本，每行一个别名"})
        department.aliases = changes["aliases"].strip()[:2000]
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            raise FieldErrors({"active": "应为 true 或 false"})
        department.active = changes["active"]
    try:
        with transaction.atomic():
            department.save()
    except IntegrityError:
        raise Conflict(f"已有名为“{department.name}”的成员单位", field="name") from None
    if "sectors" in changes:
        department.sectors.set(_sectors(changes["sectors"]))
    event_append(
        actor=actor,
        subject_type="department",
        subject_id=str(department.pk),
        kind="updated",
        payload={"name": department.name, "kind": department.kind, "active": department.active},
    )
    return department


def _unit_of(actor: User, region: Region, raw: object, field: str) -> Department | None:
    if raw in (None, ""):
        return None
    try:
        pk = int(str(raw))
    except (TypeError, ValueError):
        raise FieldErrors({field: "应为成员单位编号"}) from None
    unit = department_list(actor=actor).filter(pk=pk, region_id__in=[region.pk]).first()
    if unit is None:
        raise FieldErrors({field: f"成员单位 {pk} 不是{region.name}的成员单位"})
    return unit


@transaction.atomic
def routing_set(*, actor: User, region: object, sector: object, lead: object, co: object = ()) -> Routing:
    """Set who leads ``sector`` in ``region``: ``lead`` a unit id of that region (or null: nobody yet), ``co`` unit
    ids of that region. Overrides the default and whatever a higher region set, for this region and those under
    it that set nothing. Raises FieldErrors naming ``sector``, ``lead`` or ``co``; PermissionDenied; NotFound."""
    place = _region(actor, region)
    key = str(sector or "").strip()
    found = Sector.objects.filter(pk=key).first() or Sector.objects.filter(name=key).first()
    if found is None:
        raise FieldErrors({"sector": f"未知的行业领域：{key[:40] or '（空）'}"})
    head = _unit_of(actor, place, lead, "lead")
    if co in (None, ""):
        co = []
    if not isinstance(co, list | tuple):
        raise FieldErrors({"co": "应为成员单位编号的列表"})
    helpers = [u for u in (_unit_of(actor, place, c, "co") for c in co) if u is not None]
    if head is not None and any(u.pk == head.pk for u in helpers):
        raise FieldErrors({"co": "牵头单位不必再列为配合单位"})
    row, _ = Routing.objects.update_or_create(region=place, sector=found, defaults={"lead": head})
    row.co.set(helpers)
    event_append(
        actor=actor,
        subject_type="department",
        subject_id=str(head.pk if head else 0),
        kind="routing_set",
        payload={"sector": found.name, "lead": head.name if head else "", "co": "、".join(u.name for u in helpers)},
    )
    return row


def standard_name(region: Region, kind: str) -> str:
    """The usual full name of a ``kind`` unit in ``region``: 大井县应急管理局, 重庆市消防救援总队."""
    if kind == DepartmentKind.FIRE:
        word = {2: "消防救援总队", 4: "消防救援支队"}.get(len(region.pk), "消防救援大队")
        return f"{region.name}{word}"
    return f"{region.name}{NAMES[kind][0]}"


@transaction.atomic
def departments_seed(*, actor: User, region: object, kinds: Iterable[str] = STANDARD_KINDS) -> list[Department]:
    """Create the usual member units of ``region`` (those it lacks, by kind), named by :func:`standard_name`
    with their short names as aliases, each supervising the sectors it leads by default. Returns the new ones."""
    place = _region(actor, region)
    from .kinds import DEFAULT_ROUTING

    have = set(Department.objects.filter(region=place).values_list("kind", flat=True))
    made = []
    for position, kind in enumerate(kinds):
        if kind in have:
            continue
        name = standard_name(place, kind)
        if Department.objects.filter(region=place, name=name).exists():
            continue
        unit = Department.objects.create(
            region=place, name=name, kind=kind, aliases="\n".join(NAMES.get(kind, ())[1:]), position=position * 10
        )
        unit.sectors.set(
            list(Sector.objects.filter(pk__in=[s for s, (lead, _) in DEFAULT_ROUTING.items() if lead == kind]))
        )
        event_append(
            actor=actor,
            subject_type="department",
            subject_id=str(unit.pk),
            kind="created",
            payload={"name": unit.name, "kind": unit.kind, "region": place.pk},
        )
        made.append(unit)
    return made


@transaction.atomic
def member_set(*, actor: User, user: User, department: object) -> User:
    """Put officer ``user`` in ``department`` (a unit id of the user's region or above; null: none). Raises
    FieldErrors naming ``department``; PermissionDenied when ``actor`` may not keep that region's units."""
    if department in (None, ""):
        user.department = None
    else:
        try:
            pk = int(str(department))
        except (TypeError, ValueError):
            raise FieldErrors({"department": "应为成员单位编号"}) from None
        unit = department_list(actor=actor).filter(pk=pk).first()
        if unit is None:
            raise FieldErrors({"department": f"成员单位 {pk} 不存在"})
        if not user.region_id or not user.region_id.startswith(unit.region_id):
            raise FieldErrors({"department": "人员的辖区不在该单位所属区划内"})
        if not can_manage(actor, unit.region_id):
            raise PermissionDenied("只有安委会办公室或系统管理员可以设定人员所属单位")
        user.department = unit
    if user.role not in (Role.OFFICER, Role.TIP_HANDLER) and user.department_id:
        raise FieldErrors({"department": "只有监管人员属于成员单位"})
    user.save(update_fields=["department"])
    event_append(
        actor=actor,
        subject_type="department",
        subject_id=str(user.department_id or 0),
        kind="member_set",
        payload={"user": user.username, "department": user.department.name if user.department else ""},
    )
    return user
