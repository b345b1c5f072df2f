"""Factories of the inspection on site: units with their officers, experts with their ties, inspections
recorded through the service (their team, checklist, events and tallies with them)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from zhiben.accounts.models import User
from zhiben.departments.models import Department
from zhiben.enterprises.models import Enterprise
from zhiben.inspections.models import Expert, ExpertRelation, Inspection, LawOfficer
from zhiben.inspections.services.inspections import inspection_create

_serial = itertools.count(1)
DAY = datetime.date(2025, 6, 3)  # a Tuesday: 安监总管三〔2017〕121号 and GB 35181-2017 in force


def unit(region: str = "500241", kind: str = "emergency", name: str = "") -> Department:
    """The region's unit of ``kind`` (made once)."""
    names = {"emergency": "应急管理局", "housing": "住房和城乡建设局", "committee_office": "安全生产委员会办公室"}
    label = name or f"{region}{names.get(kind, kind)}"
    return Department.objects.get_or_create(region_id=region, name=label, defaults={"kind": kind})[0]


def member(user: User, department: Department) -> User:
    user.department = department
    user.save(update_fields=["department"])
    return user


def officer(
    department: Department, *, user: User | None = None, name: str = "", active: bool = True, **fields: Any
) -> LawOfficer:
    """A law-enforcement officer of ``department`` with a certificate number 渝应急执5002xxxx."""
    n = next(_serial)
    return LawOfficer.objects.create(
        department=department,
        region_id=department.region_id,
        user=user,
        name=name or f"执法员{n}",
        certificate_no=fields.pop("certificate_no", f"渝应急执5002{n:04d}"),
        active=active,
        **fields,
    )


def expert(
    region: str, creator: User, *, name: str = "", active: bool = True, related_to: Enterprise | None = None
) -> Expert:
    """An expert of ``region``'s pool; ``related_to``: recorded as employed there (回避)."""
    n = next(_serial)
    found = Expert.objects.create(
        region_id=region, name=name or f"专家{n}", specialty="危化工艺安全", created_by=creator, active=active
    )
    if related_to is not None:
        ExpertRelation.objects.create(expert=found, enterprise=related_to, kind="employed")
    return found


def team_of(*officers: LawOfficer) -> list[dict[str, Any]]:
    return [{"officer": o.pk} for o in officers]


def inspection(
    actor: User, firm: Enterprise, *, team: list[dict[str, Any]], on: Any = DAY, **fields: Any
) -> Inspection:
    """An inspection recorded through ``inspection_create`` (kind ``special`` unless said)."""
    data = {"enterprise": firm.credit_code, "kind": "special", "on": on, "team": team, **fields}
    made, _ = inspection_create(actor=actor, data=data)
    return made
