"""The world of the duty tests: county 500241 with its member units (a committee office, 应急管理局, 住建局),
a township under it, and the people who stand around a duty list or a pressure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from zhiben.accounts.models import User
from zhiben.departments.models import Department, DepartmentKind
from zhiben.departments.services import departments_seed
from zhiben.duties.models import DutyItem, DutyList, Pressure
from zhiben.duties.services import duty_item_add, duty_list_create, pressure_create
from zhiben.tests_support import factories

COUNTY = "500241"
TOWNSHIP = "500241100"


@dataclass
class Duties:
    users: dict[str, User]
    units: dict[str, Department]

    def client(self, name: str) -> Client:
        client = Client()
        client.force_login(self.users[name])
        return client


def _member(name: str, region: str, unit: Department | None) -> User:
    user = factories.user(name, role="officer", region=region)
    if unit is not None:
        user.department = unit
        user.save(update_fields=["department"])
    return user


def build_duties() -> Duties:
    """Units and users (usernames prefixed ``d-``)."""
    factories.township(TOWNSHIP, "清溪场镇", COUNTY)
    admin = factories.user("d-admin", role="admin")
    departments_seed(actor=admin, region=COUNTY)
    units = {
        "office": Department.objects.get(region_id=COUNTY, kind=DepartmentKind.COMMITTEE_OFFICE),
        "emergency": Department.objects.get(region_id=COUNTY, kind=DepartmentKind.EMERGENCY),
        "housing": Department.objects.get(region_id=COUNTY, kind=DepartmentKind.HOUSING),
    }
    users = {
        "admin": admin,
        "office": _member("d-office", COUNTY, units["office"]),
        "leader": _member("d-leader", COUNTY, None),
        "emergency": _member("d-emergency", COUNTY, units["emergency"]),
        "housing": _member("d-housing", COUNTY, units["housing"]),
        "county": _member("d-county", COUNTY, None),
        "city": _member("d-city", "50", None),
        "township": _member("d-township", TOWNSHIP, None),
        "outsider": _member("d-outsider", "110105", None),
    }
    firm = factories.enterprise(region=COUNTY, sector="machinery")
    users["enterprise"] = factories.user("d-firm", role="enterprise", enterprise=firm)
    users["leader"].full_name = "张三"
    users["leader"].save(update_fields=["full_name"])
    return Duties(users=users, units=units)


@pytest.fixture
def duties(db: Any) -> Duties:
    return build_duties()


def leader_list(world: Duties, year: int = 2026) -> DutyList:
    return duty_list_create(
        actor=world.users["office"], region=COUNTY, year=year, leader=world.users["leader"].pk, leader_post="县长"
    )


def unit_list(world: Duties, year: int = 2026) -> DutyList:
    return duty_list_create(
        actor=world.users["office"], region=COUNTY, year=year, kind="annual", department=world.units["emergency"].pk
    )


def item(world: Duties, duty_list: DutyList, number: str = "1", **due: Any) -> DutyItem:
    if not due:
        due = {"due_on": datetime.date(duty_list.year, 6, 30)}
    return duty_item_add(
        actor=world.users["office"], duty_list=duty_list, number=number, text="专题研究安全生产", **due
    )


def township_pressure(world: Duties, kind: str = "urging_letter", **more: Any) -> Pressure:
    data: dict[str, Any] = {
        "kind": kind,
        "target_kind": "region",
        "target": TOWNSHIP,
        "reason": "重大事故隐患排查整治推进缓慢",
        "on": datetime.date(2026, 3, 2),
        "follow_up_due": datetime.date(2026, 3, 31),
        **more,
    }
    return pressure_create(actor=world.users["office"], **data)
