"""The duty-list and pressure registers' contracts (zhiben/tests_support/contract.py): every endpoint and page, by
every outsider — an officer of another county, the county's officer outside the committee office, another unit
of the county, a township's officer, enterprise users — answers 404 and changes nothing; lists hide the record.

A unit's list is seen by the unit's members, the county's committee office and the officers above (the city);
a pressure on a township by the township's officers and every officer above it (the county's units, the city).
A unit's pressure, hidden from the county's other units: zhiben/duties/tests/test_pressures.py."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

from zhiben.accounts.models import User
from zhiben.departments.models import Department, DepartmentKind
from zhiben.departments.services import departments_seed
from zhiben.duties.services import duty_entry_add, duty_item_add, duty_list_create, pressure_create
from zhiben.tests_support import factories, files
from zhiben.tests_support.contract import (
    COUNTY,
    TOWNSHIP,
    Call,
    Listing,
    RegisterContract,
    Spec,
    Subject,
    World,
    api_count,
)

LIST = "/api/v1/duty-lists/{id}"
PRESSURE = "/api/v1/pressures/{id}"


def _unit(world: World, kind: str) -> Department:
    if not Department.objects.filter(region_id=COUNTY).exists():
        departments_seed(actor=world.users["admin"], region=COUNTY)
    return Department.objects.get(region_id=COUNTY, kind=kind)


def _member(kind: str, name: str, region: str = COUNTY) -> Callable[[World], User]:
    def make(world: World) -> User:
        user = factories.user(name, role="officer", region=region)
        if kind:
            user.department = _unit(world, kind)
            user.save(update_fields=["department"])
        return user

    return make


USERS = {
    "office": _member(DepartmentKind.COMMITTEE_OFFICE, "c-d-office"),
    "member": _member(DepartmentKind.EMERGENCY, "c-d-member"),
    "other_unit": _member(DepartmentKind.HOUSING, "c-d-housing"),
    "city": _member("", "c-d-city", "50"),
}
OUTSIDERS = (
    "outsider",
    "enterprise",
    "other_enterprise",
    "officer",
    "sector_officer",
    "township_officer",
    "other_unit",
)


def make_list(world: World) -> Subject:
    office = world.users["office"]
    duty_list = duty_list_create(
        actor=office, region=COUNTY, year=2026, kind="annual", department=_unit(world, DepartmentKind.EMERGENCY).pk
    )
    item = duty_item_add(actor=office, duty_list=duty_list, number="1", text="开展专项检查", period="quarter")
    png = files.png()
    entry = duty_entry_add(
        actor=office,
        item=item,
        done_on=datetime.date(2026, 3, 20),
        text="已检查",
        files=[(io.BytesIO(png), "a.png", len(png))],
    )
    keys = {"id": duty_list.pk, "item_id": item.pk, "attachment_id": entry.attachments.get().pk}
    return Subject(duty_list, keys)


ENTRY = {"done_on": "2026-06-01", "text": "开展专项检查"}

LIST_SPEC = Spec(
    name="duty-lists",
    prefixes=(
        "/api/v1/duty-lists",
        "/api/v1/duty-items",
        "/api/v1/duty-attachments",
        "/api/v1/stats/duties",
        "/duty-lists/",
    ),
    make=make_list,
    inside=("office", "member", "city"),
    outside=OUTSIDERS,
    viewer="office",
    users=USERS,
    calls=(
        Call("GET", LIST),
        Call("GET", f"{LIST}/report.docx"),
        Call("GET", f"{LIST}/ledger.xlsx"),
        Call("POST", f"{LIST}/items", body={"number": "2", "text": "x", "due_on": "2026-05-01"}),
        Call("POST", "/api/v1/duty-items/{item_id}/entries", body=ENTRY),
        Call("POST", "/api/v1/duty-items/{item_id}/entries", body=ENTRY, upload="files"),
        Call("GET", "/api/v1/duty-attachments/{attachment_id}"),
        Call("GET", "/duty-lists/{id}/"),
        Call("POST", "/duty-lists/{id}/", body={"item": "{item_id}", **ENTRY}),
        # the keeper's forms: items one by one or from a workbook (the office's; 403 for who may only see)
        Call(
            "POST",
            "/duty-lists/{id}/",
            body={"action": "item", "number": "2", "text": "x", "due_text": "2026年5月底前"},
            inside=("office",),
            refused=(403, 404),
        ),
        Call("POST", "/duty-lists/{id}/", body={"action": "import"}, upload="file", refused=(403, 404)),
        Call("POST", f"{LIST}/items/import", upload="file", inside=("office",), refused=(403, 404)),
        Call(
            "POST",
            "/duty-lists/",
            body={"region": COUNTY, "year": "2026", "owner": "leader", "leader_name": "李四"},
            inside=("office",),
            refused=(403, 404),
        ),
        # creating a list: the committee office's (403 for the others; nothing written)
        Call(
            "POST",
            "/api/v1/duty-lists",
            body={"region": COUNTY, "year": 2026, "leader_name": "李四"},
            inside=("office",),
            refused=(403, 404),
        ),
    ),
    lists=(
        Listing("/api/v1/duty-lists", count=api_count, baseline=9),
        Listing("/duty-lists/", {"year": "2026"}, marker='href="/duty-lists/{id}/"', baseline=14),
        Listing(
            "/api/v1/stats/duties", {"region": COUNTY, "year": "2026"}, count=lambda b: len(b["lists"]), baseline=8
        ),
    ),
)


class TestDutyListContract(RegisterContract):
    spec = LIST_SPEC


def make_pressure(world: World) -> Subject:
    factories.township(TOWNSHIP, "清溪场镇", COUNTY)
    pressure = pressure_create(
        actor=world.users["office"],
        kind="urging_letter",
        target_kind="region",
        target=TOWNSHIP,
        reason="隐患整改滞后",
        # before the notification tests' sweep day (2025-06-01), which they make the due day
        on=datetime.date(2025, 3, 2),
        follow_up_due=datetime.date(2025, 3, 31),
    )
    return Subject(pressure, {"id": pressure.pk, "document": "urging_letter"})


PRESSURE_SPEC = Spec(
    name="pressures",
    prefixes=("/api/v1/pressures", "/pressures/"),
    make=make_pressure,
    # a township's pressure: its officers and every officer above it (the county's units among them)
    inside=("office", "township_officer", "city", "officer", "other_unit"),
    outside=("outsider", "enterprise", "other_enterprise"),
    viewer="office",
    users=USERS,
    calls=(
        Call("GET", PRESSURE),
        Call("POST", f"{PRESSURE}/follow-up", body={"done_on": "2026-03-20", "result": "已整改"}),
        Call("GET", f"{PRESSURE}/documents"),
        Call("GET", f"{PRESSURE}/documents/{{document}}"),
        Call("GET", "/documents/pressures/{id}/{document}/"),
        Call("GET", "/pressures/{id}/"),
        Call("POST", "/pressures/{id}/", body={"done_on": "2026-03-20", "result": "已整改"}),
        Call(
            "POST",
            "/pressures/",
            body={
                "kind": "urging_letter",
                "target": f"region:{TOWNSHIP}",
                "reason": "x",
                "on": "2026-03-02",
                "follow_up_due": "2026-03-31",
            },
            inside=("office",),
            refused=(403, 404),
        ),
        Call(
            "POST",
            "/api/v1/pressures",
            body={
                "kind": "督促函",
                "target_kind": "region",
                "target": TOWNSHIP,
                "reason": "x",
                "on": "2026-03-02",
                "follow_up_due": "2026-03-31",
            },
            inside=("office",),
            refused=(403, 404),
        ),
    ),
    lists=(
        Listing("/api/v1/pressures", count=api_count, baseline=6),
        Listing("/pressures/", marker='href="/pressures/{id}/"', baseline=12),
    ),
)


class TestPressureContract(RegisterContract):
    spec = PRESSURE_SPEC


# The registers of this app by name (zhiben/notifications/tests/test_rules.py reads each one's spec).
SPECS = {"duty_list": LIST_SPEC, "pressure": PRESSURE_SPEC}
