"""Test data for 双随机 draws: member units, their law-enforcement officers, enterprise pools, draws."""

from __future__ import annotations

import datetime
from typing import Any

from zhiben.accounts.models import User
from zhiben.departments.models import Department
from zhiben.enterprises.models import Enterprise
from zhiben.inspections.models import Draw, LawOfficer
from zhiben.inspections.services.draws import draw_create
from zhiben.tests_support import factories

COUNTY = "500241"


def unit(kind: str = "emergency", name: str = "秀山县应急管理局", region: str = COUNTY) -> Department:
    return Department.objects.get_or_create(region_id=region, name=name, defaults={"kind": kind})[0]


def office(region: str = COUNTY, name: str = "秀山县安委会办公室") -> Department:
    return unit("committee_office", name, region)


def member(username: str, department: Department, **fields: Any) -> User:
    """An officer of ``department``'s region who belongs to it."""
    fields.setdefault("region", department.region_id)
    user = factories.user(username, role="officer", **fields)
    user.department = department
    user.save(update_fields=["department"])
    return user


def officers(
    department: Department, n: int, *, start: int = 1, prefix: str = "渝应急执T", **fields: Any
) -> list[LawOfficer]:
    """``n`` law-enforcement officers of ``department`` with certificates ``{prefix}{start:04d}`` …"""
    return [
        LawOfficer.objects.create(
            department=department,
            region_id=department.region_id,
            name=f"执法员{i}",
            certificate_no=f"{prefix}{i:04d}",
            **fields,
        )
        for i in range(start, start + n)
    ]


def firms(n: int, *, region: str = COUNTY, sector: str = "hazardous_chemicals", **fields: Any) -> list[Enterprise]:
    return [
        factories.enterprise(region=region, sector=sector, name=f"抽查测试企业{i}有限公司", **fields) for i in range(n)
    ]


def draw(actor: User, **fields: Any) -> Draw:
    """A draw by ``actor`` through the service (defaults: the county, 2 enterprises, teams of 2, seed "test")."""
    fields.setdefault("region", COUNTY)
    fields.setdefault("seed", "test")
    if "ratio" not in fields:
        fields.setdefault("enterprises", 2)
    fields.setdefault("today", datetime.date(2026, 5, 6))
    return draw_create(actor=actor, **fields)
