"""Inspections, findings and penalties for the statistics' tests, written as the other areas' services will write
them: the row and its tally deltas (``tallies.enforcement_add``) in one transaction. The statistics never see the
services themselves, only the rows and the tallies they leave."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhiben.accounts.models import User
from zhiben.departments.models import Department
from zhiben.enterprises.models import Enterprise
from zhiben.inspections.models import Finding, Inspection, Penalty, TeamMember, TeamRole
from zhiben.inspections.tallies import enforcement_add
from zhiben.tests_support import factories

_serial = itertools.count(1)


def _day(value: str | datetime.date) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def unit(region: str, name: str, kind: str = "emergency") -> Department:
    return Department.objects.create(region_id=region, name=name, kind=kind)


def inspection(
    actor: User,
    firm: Enterprise,
    *,
    on: str | datetime.date,
    department: Department | None = None,
    flags: Iterable[str] = (),
    experts: int = 0,
    kind: str = "planned",
) -> Inspection:
    """An inspection with a two-officer team (and ``experts`` experts), counted as ``inspection_create`` counts it."""
    day, marks = _day(on), list(flags)
    with transaction.atomic():
        made = Inspection.objects.create(
            enterprise=firm,
            region_id=firm.region_id,
            sector_id=firm.sector_id,
            department=department,
            kind=kind,
            flags=marks,
            on=day,
            created_by=actor,
        )
        for i in range(2):
            TeamMember.objects.create(
                inspection=made, role=TeamRole.OFFICER, name=f"执法{i}", certificate_no=f"C{next(_serial):06d}"
            )
        for i in range(experts):
            TeamMember.objects.create(inspection=made, role=TeamRole.EXPERT, name=f"专家{i}")
        enforcement_add(
            region_code=made.region_id,
            department_id=made.department_id,
            day=day,
            inspections=1,
            unannounced=int("unannounced" in marks),
            covert=int("covert" in marks),
            cross_region=int("cross_region" in marks),
            with_experts=int(experts > 0),
        )
    return made


def finding(
    actor: User, made: Inspection, *, level: str = "general", criterion: str | None = None, **fields: Any
) -> Finding:
    """A finding of ``made``: its hazard (``source=inspection``, through ``hazard_create``) and the finding row,
    counted in the inspection's tally row. A major one cites ``criterion`` (default: a clause of the enterprise's
    sector in force on the day); ``criterion=""`` cites none."""
    firm = made.enterprise
    if criterion is None and level == "major":
        criterion = factories.criterion_for(firm.sector_id, made.on)
    with transaction.atomic():
        hazard = factories.hazard(
            actor, firm, discovered_on=made.on, level=level, source="inspection", criterion=criterion or "", **fields
        )
        row = Finding.objects.create(inspection=made, hazard=hazard)
        enforcement_add(
            region_code=made.region_id,
            department_id=made.department_id,
            day=made.on,
            findings=1,
            major_findings=int(level == "major"),
        )
    return row


def self_check(
    actor: User, firm: Enterprise, *, on: str | datetime.date, level: str = "general", criterion: str | None = None
) -> Any:
    """The enterprise's own self-check hazard (``source=self_check``)."""
    day = _day(on)
    if criterion is None and level == "major":
        criterion = factories.criterion_for(firm.sector_id, day)
    return factories.hazard(actor, firm, discovered_on=day, level=level, source="self_check", criterion=criterion or "")


def penalty(
    actor: User,
    firm: Enterprise,
    *,
    decided_on: str | datetime.date,
    amount: str | Decimal = "10000",
    department: Department | None = None,
    major_hazard: bool = False,
    kind: str = "fine",
    made: Inspection | None = None,
    external_ref: str = "",
) -> Penalty:
    """A penalty decision, counted as ``penalty_create`` counts it (``penalties=1``, ``penalty_amount`` its amount)."""
    day = _day(decided_on)
    with transaction.atomic():
        row = Penalty.objects.create(
            enterprise=firm,
            region_id=firm.region_id,
            sector_id=firm.sector_id,
            department=department,
            inspection=made,
            kind=kind,
            decided_on=day,
            amount=Decimal(amount),
            basis="《中华人民共和国安全生产法》第一百零二条",
            major_hazard=major_hazard,
            external_ref=external_ref,
            created_by=actor,
        )
        enforcement_add(
            region_code=row.region_id,
            department_id=row.department_id,
            day=day,
            penalties=1,
            penalty_amount=row.amount,
        )
    return row
