"""Rows the orders area's tests start from: a member unit with its law-enforcement officers, an inspection with
its team, checklist and findings — written directly (the inspection area's own services make them in the
product), the findings through the hazard register's service (``source=inspection``)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from zhiben.accounts.models import User
from zhiben.departments.models import Department, DepartmentKind
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.models import Hazard
from zhiben.inspections.models import (
    CheckItem,
    CheckResult,
    Expert,
    Finding,
    Inspection,
    InspectionKind,
    LawOfficer,
    TeamMember,
    TeamRole,
)
from zhiben.tests_support import factories

_serial = itertools.count(1)


def department(
    region: str = "500241", kind: str = DepartmentKind.EMERGENCY, name: str | None = None, aliases: str = ""
) -> Department:
    """A member unit (default: 秀山土家族苗族自治县应急管理局, alias 应急局)."""
    if name is None:
        names: dict[str, tuple[str, str]] = {
            DepartmentKind.EMERGENCY: ("应急管理局", aliases or "应急局"),
            DepartmentKind.HOUSING: ("住房和城乡建设局", aliases or "住建委\n住建局"),
        }
        name, aliases = names.get(kind, ("其他局", aliases))
        from zhiben.regions.models import Region

        name = Region.objects.get(pk=region).name + name
    unit, _ = Department.objects.get_or_create(region_id=region, name=name, defaults={"kind": kind, "aliases": aliases})
    return unit


def officer(unit: Department, name: str, certificate_no: str | None = None) -> LawOfficer:
    return LawOfficer.objects.create(
        department=unit,
        region_id=unit.region_id,
        name=name,
        certificate_no=certificate_no or f"50024100{next(_serial):05d}",
    )


def inspection(
    actor: User,
    firm: Enterprise,
    *,
    on: datetime.date,
    unit: Department | None = None,
    officers: int = 2,
    experts: int = 0,
    flags: tuple[str, ...] = (),
    **fields: Any,
) -> Inspection:
    """An inspection at ``firm`` on ``on`` by ``unit`` (None: no unit recorded) with ``officers`` certified
    officers (the first leads) and ``experts`` experts."""
    found = Inspection.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        department=unit,
        kind=fields.pop("kind", InspectionKind.PLANNED),
        flags=list(flags),
        on=on,
        created_by=actor,
        **fields,
    )
    pool = unit or department(firm.region_id[:6])
    for i in range(officers):
        person = officer(pool, ["张明", "李华", "王强", "赵敏"][i % 4])
        TeamMember.objects.create(
            inspection=found,
            role=TeamRole.LEADER if i == 0 else TeamRole.OFFICER,
            officer=person,
            name=person.name,
            certificate_no=person.certificate_no,
        )
    for i in range(experts):
        expert = Expert.objects.create(region_id=firm.region_id[:6], name=f"专家{i + 1}", created_by=actor)
        TeamMember.objects.create(inspection=found, role=TeamRole.EXPERT, expert=expert, name=expert.name)
    return found


def finding(
    inspection: Inspection,
    actor: User,
    *,
    title: str = "反应釜区域可燃气体报警器失效",
    level: str = "general",
    item_text: str | None = None,
    **fields: Any,
) -> Hazard:
    """A hazard found by ``inspection`` (``source=inspection``, discovered on the inspection's day), linked as
    its finding, with the failed checklist item when ``item_text`` is given."""
    hazard = factories.hazard(
        actor,
        inspection.enterprise,
        discovered_on=fields.pop("discovered_on", inspection.on),
        level=level,
        source="inspection",
        title=title,
        **fields,
    )
    item = None
    if item_text is not None:
        item = CheckItem.objects.create(
            inspection=inspection, position=inspection.items.count() + 1, text=item_text, result=CheckResult.FAIL
        )
    Finding.objects.create(inspection=inspection, hazard=hazard, item=item)
    return hazard


def checklist(inspection: Inspection, *rows: tuple[str, str]) -> list[CheckItem]:
    """Checklist items ``(text, result)`` in order."""
    start = inspection.items.count()
    return [
        CheckItem.objects.create(inspection=inspection, position=start + i, text=text, result=result)
        for i, (text, result) in enumerate(rows, start=1)
    ]
