"""Test data for the penalties, plans and pools area: member units and their officers, law-enforcement officers,
inspections with their team (made directly: the inspection's own services are another area's), findings."""

from __future__ import annotations

import datetime
from typing import Any

from zhiben.accounts.models import User
from zhiben.departments.models import Department
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.models import Hazard
from zhiben.inspections.models import Finding, Inspection, LawOfficer, TeamMember
from zhiben.tests_support import factories

COUNTY = "500241"


def unit(kind: str = "emergency", name: str = "秀山县应急管理局", region: str = COUNTY) -> Department:
    return Department.objects.get_or_create(region_id=region, name=name, defaults={"kind": kind})[0]


def member(username: str, department: Department, *, region: str | None = None, role: str = "officer") -> User:
    """An officer of ``department`` (their region: the unit's unless given)."""
    user = factories.user(username, role=role, region=region or department.region_id)
    user.department = department
    user.save(update_fields=["department"])
    return user


def law_officer(department: Department, name: str, certificate_no: str, **fields: Any) -> LawOfficer:
    return LawOfficer.objects.create(
        department=department, region_id=department.region_id, name=name, certificate_no=certificate_no, **fields
    )


def inspection(
    firm: Enterprise,
    actor: User,
    *,
    department: Department | None,
    on: datetime.date | str = "2026-03-02",
    team: tuple[tuple[str, str], ...] = (("张三", "渝应急执500401"), ("李四", "渝应急执500402")),
    experts: tuple[str, ...] = (),
    kind: str = "planned",
    flags: list[str] | None = None,
) -> Inspection:
    """An inspection at ``firm`` by ``department`` with a team of officers (name, certificate number: blank for
    none) and experts."""
    day = on if isinstance(on, datetime.date) else datetime.date.fromisoformat(on)
    made = Inspection.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        department=department,
        kind=kind,
        flags=flags or [],
        on=day,
        created_by=actor,
    )
    for n, (name, cert) in enumerate(team):
        TeamMember.objects.create(
            inspection=made, role="leader" if n == 0 else "officer", name=name, certificate_no=cert
        )
    for name in experts:
        TeamMember.objects.create(inspection=made, role="expert", name=name)
    return made


def finding(inspection: Inspection, hazard: Hazard) -> Finding:
    return Finding.objects.create(inspection=inspection, hazard=hazard)
