"""Every read of duty lists, ledger entries and pressures, through the actor's scope (one module, DESIGN.md §8).

The scope starts from ``accounts.scope.scoped`` (an officer's region subtree, an admin everything, enterprise
users nothing) and narrows it, because these are a government's own records:

- a **leader's list** (领导干部职责清单): the leader (the user named), the officers of the committee office
  (安委会办公室) of the list's region, and officers of the regions above it;
- a **unit's list**: the unit's own officers, its region's committee office, and officers of the regions above;
- a **pressure** (督促问责措施) on a lower region: the officers of that region and of every region above it
  (the issuing office among them) — the region subtree scope as it is;
- a pressure on a member unit: the unit's members, the issuing committee office, and officers of the regions
  above the issuing office's.

Everyone else — other units of the same region, enterprise users, officers elsewhere — sees nothing: the
record answers 404 exactly like a missing one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.common import dates
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.departments.kinds import DepartmentKind
from zhiben.regions.models import Region
from zhiben.regions.selectors import parse_region

from . import rules
from .models import DutyAttachment, DutyEntry, DutyItem, DutyList, Pressure


def office_region(actor: Any) -> str | None:
    """The region whose committee office ``actor`` works in (an officer of a 安委会办公室 unit), else None."""
    if not getattr(actor, "is_regulator", False) or not getattr(actor, "department_id", None):
        return None
    unit = actor.department
    return unit.region_id if unit.kind == DepartmentKind.COMMITTEE_OFFICE else None


def _below(actor: Any, path: str) -> Q:
    """Records whose region at ``path`` lies strictly below the actor's region."""
    return Q(**{f"{path}__code__prefix": actor.region_id}) & ~Q(**{f"{path}_id": actor.region_id})


def _narrow_lists(actor: Any) -> Q | None:
    if getattr(actor, "role", None) == Role.ADMIN:
        return None
    if not getattr(actor, "is_regulator", False) or not actor.region_id:
        return Q(pk__in=[])
    q = _below(actor, "region") | Q(leader_id=actor.pk)
    if actor.department_id:
        q |= Q(department_id=actor.department_id)
    office = office_region(actor)
    if office:
        q |= Q(region_id=office)
    return q


def duty_lists(*, actor: User) -> QuerySet[DutyList]:
    """Every duty list ``actor`` may see (see the module's docstring)."""
    qs = scoped(DutyList.objects, actor).select_related("region", "department", "leader")
    q = _narrow_lists(actor)
    return qs if q is None else qs.filter(q)


def duty_list_filter(
    *,
    actor: User,
    region: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    department: int | None = None,
) -> QuerySet[DutyList]:
    """The lists ``actor`` may see, of ``region``'s subtree, ``year``, ``kind`` and ``department`` when given."""
    qs = duty_lists(actor=actor)
    if region:
        qs = qs.filter(region__code__prefix=region)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if department:
        qs = qs.filter(department_id=department)
    return qs


def with_items(qs: QuerySet[DutyList]) -> QuerySet[DutyList]:
    """``qs`` with its items, their entries and the entries' files and recorders prefetched (four queries)."""
    entries = DutyEntry.objects.select_related("recorded_by").prefetch_related("attachments")
    items = DutyItem.objects.prefetch_related(Prefetch("entries", queryset=entries))
    return qs.prefetch_related(Prefetch("items", queryset=items))


def duty_list_get(*, actor: User, list_id: int) -> DutyList | None:
    """One list with its items and entries if ``actor`` may see it (missing and forbidden look the same)."""
    return with_items(duty_lists(actor=actor)).filter(pk=list_id).first()


def duty_list_require(*, actor: User, list_id: int) -> DutyList:
    found = duty_list_get(actor=actor, list_id=list_id)
    if found is None:
        raise NotFound("履职清单不存在")
    return found


def duty_item_get(*, actor: User, item_id: int) -> DutyItem | None:
    """One item if ``actor`` may see its list."""
    return (
        DutyItem.objects.select_related("duty_list", "duty_list__department", "duty_list__region")
        .filter(pk=item_id, duty_list__in=duty_lists(actor=actor))
        .first()
    )


def duty_attachment_get(*, actor: User, attachment_id: int) -> DutyAttachment | None:
    """One ledger file if ``actor`` may see its list."""
    return DutyAttachment.objects.filter(pk=attachment_id, entry__item__duty_list__in=duty_lists(actor=actor)).first()


def item_due(item: DutyItem) -> rules.Due:
    return rules.Due(item.due_kind, item.due_on, item.due_month, item.due_day, item.period)


def item_tally(item: DutyItem, as_of: datetime.date) -> rules.Tally:
    """The item's counts (rules.item_tally) from its prefetched entries."""
    return rules.item_tally(item_due(item), item.duty_list.year, [e.done_on for e in item.entries.all()], as_of)


def list_tally(duty_list: DutyList, as_of: datetime.date) -> rules.Tally:
    """The list's counts: the sum of its items' (items and entries prefetched: no query)."""
    out = rules.Tally()
    for item in duty_list.items.all():
        item.duty_list = duty_list  # the prefetched item's list is this one: no query for its year
        out.add(item_tally(item, as_of))
    return out


def as_of_for(year: int, raw: datetime.date | None = None) -> datetime.date:
    """The as-of day of ``year``'s figures: ``raw``, or today (Beijing) up to the year's last day."""
    return raw or rules.default_as_of(year, dates.today())


def subtree(*, actor: User, region: str | None) -> str | None:
    """The region asked for: FieldErrors naming ``region`` for a code that is not one or names no region;
    NotFound outside an officer's own subtree (as the other figures answer)."""
    if not region or not str(region).strip():
        return None
    code = parse_region(region)
    if not Region.objects.filter(code=code).exists():
        raise FieldErrors({"region": f"行政区划代码 {code} 不存在"})
    if actor.role != Role.ADMIN and (
        not actor.is_regulator or not actor.region_id or not code.startswith(actor.region_id)
    ):
        raise NotFound("该区划不在您的管辖范围内")
    return code


def duty_stats(
    *, actor: User, year: int, region: str | None = None, as_of: datetime.date | None = None
) -> dict[str, Any]:
    """Completion of the ``year``'s lists ``actor`` may see in ``region``'s subtree (rules module):
    ``{"year", "region", "as_of", "lists": [row], "people": [row], "departments": [row], "totals": tally}``;
    a list row is ``{"id", "title", "kind", "owner", "region", **tally}``; a person row (leaders' lists, by
    the user or by post and name) ``{"key", "name", **tally}``; a unit row ``{"id", "name", **tally}``.
    A tally is ``{"due", "on_time", "done", "late", "missing", "rate", "done_rate"}``."""
    day = as_of_for(year, as_of)
    lists = list(with_items(duty_list_filter(actor=actor, region=region, year=year)).order_by("region_id", "id"))
    rows, totals = [], rules.Tally()
    people: dict[str, tuple[str, rules.Tally]] = {}
    units: dict[int, tuple[str, rules.Tally]] = {}
    for duty_list in lists:
        tally = list_tally(duty_list, day)
        totals.add(rules.Tally(tally.due, tally.on_time, tally.done))
        rows.append(
            {
                "id": duty_list.pk,
                "title": duty_list.title,
                "kind": duty_list.kind,
                "owner": duty_list.owner,
                "region": duty_list.region_id,
                **tally.as_dict(),
            }
        )
        if duty_list.department is not None:
            name, held = units.setdefault(duty_list.department.pk, (duty_list.department.name, rules.Tally()))
        else:
            key = f"user:{duty_list.leader_id}" if duty_list.leader_id else f"name:{duty_list.owner}"
            name, held = people.setdefault(key, (duty_list.owner, rules.Tally()))
        held.add(tally)
    grouped: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for key, (name, tally) in people.items():
        grouped["people"].append({"key": key, "name": name, **tally.as_dict()})
    for pk, (name, tally) in units.items():
        grouped["departments"].append({"id": pk, "name": name, **tally.as_dict()})
    return {
        "year": year,
        "region": region or "",
        "as_of": day,
        "lists": rows,
        "people": grouped["people"],
        "departments": grouped["departments"],
        "totals": totals.as_dict(),
    }


# --- pressures ----------------------------------------------------------------------------------------


def _narrow_pressures(actor: Any) -> Q | None:
    if getattr(actor, "role", None) == Role.ADMIN:
        return None
    if not getattr(actor, "is_regulator", False) or not actor.region_id:
        return Q(pk__in=[])
    # a region's pressure: the subtree scope says it all (the target's officers and those above)
    q = Q(target_region__isnull=False) | _below(actor, "issuer_region")
    if actor.department_id:
        q |= Q(target_department_id=actor.department_id)
    office = office_region(actor)
    if office:
        q |= Q(issuer_region_id=office)
    return q


def pressures(*, actor: User) -> QuerySet[Pressure]:
    """Every pressure ``actor`` may see (see the module's docstring)."""
    qs = scoped(Pressure.objects, actor).select_related(
        "issuer_region", "issuer", "target_region", "target_department", "region", "issued_by"
    )
    q = _narrow_pressures(actor)
    return qs if q is None else qs.filter(q)


def pressure_get(*, actor: User, pressure_id: int) -> Pressure | None:
    return pressures(actor=actor).filter(pk=pressure_id).first()


def pressure_require(*, actor: User, pressure_id: int) -> Pressure:
    found = pressure_get(actor=actor, pressure_id=pressure_id)
    if found is None:
        raise NotFound("督促问责记录不存在")
    return found


def is_target_officer(actor: Any, pressure: Pressure) -> bool:
    """Whether ``actor`` answers for the target: a member of the target unit, or an officer of the target region."""
    if not getattr(actor, "is_regulator", False):
        return False
    if pressure.target_department_id:
        return bool(actor.department_id) and actor.department_id == pressure.target_department_id
    return bool(actor.region_id) and actor.region_id == pressure.target_region_id


def pressures_awaiting_reply(*, actor: User) -> QuerySet[Pressure]:
    """Open pressures (no follow-up yet) whose target ``actor`` answers for (待反馈的督促事项)."""
    if not actor.is_regulator or not actor.region_id:
        return Pressure.objects.none()
    mine = Q(target_region_id=actor.region_id)
    if actor.department_id:
        mine |= Q(target_department_id=actor.department_id)
    return pressures(actor=actor).filter(mine, done_on__isnull=True)


def pressures_issued_open(*, actor: User) -> QuerySet[Pressure]:
    """Open pressures issued by ``actor``'s committee office (跟踪督促事项)."""
    office = office_region(actor)
    if not office:
        return Pressure.objects.none()
    return pressures(actor=actor).filter(issuer_region_id=office, done_on__isnull=True)


def pressure_filter(
    *, actor: User, region: str | None = None, kind: str | None = None, open_only: bool | None = None
) -> QuerySet[Pressure]:
    """The pressures ``actor`` may see, of targets in ``region``'s subtree, of ``kind``, open (or answered)."""
    qs = pressures(actor=actor)
    if region:
        qs = qs.filter(region__code__prefix=region)
    if kind:
        qs = qs.filter(kind=kind)
    if open_only is not None:
        qs = qs.filter(done_on__isnull=open_only)
    return qs
