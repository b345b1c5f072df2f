"""The member-unit register's contract (zhiben/tests_support/contract.py): a county's units are seen by the officers
of the county, of the townships under it and of the regions above; enterprise users and officers elsewhere get 404
for every endpoint and page and change nothing."""

from __future__ import annotations

from zhiben.departments.services import department_create
from zhiben.tests_support.contract import COUNTY, Call, Listing, RegisterContract, Spec, Subject, World, api_count

UNIT = "/api/v1/departments/{id}"


def make_unit(world: World) -> Subject:
    unit = department_create(actor=world.users["admin"], region=COUNTY, name="秀山县契约测试局", kind="other")
    return Subject(unit, {"id": unit.pk, "name": unit.name})


def more_units(world: World, n: int) -> None:
    for i in range(n):
        department_create(actor=world.users["admin"], region=COUNTY, name=f"秀山县契约测试局{i}", sectors=["machinery"])


SPEC = Spec(
    name="departments",
    prefixes=("/api/v1/departments", "/departments/"),
    make=make_unit,
    make_more=more_units,
    inside=("officer", "township_officer", "sector_officer", "admin"),
    outside=("outsider", "enterprise", "other_enterprise"),
    calls=(
        Call("GET", UNIT),
        # keeping units is the committee office's: an ordinary officer in scope is refused (403), outsiders 404
        Call("PATCH", UNIT, body={"name": "秀山县改名局"}, refused=(404,)),
        Call("GET", f"{UNIT}/members"),
        Call("POST", f"{UNIT}/members", body={"username": "c-officer"}, refused=(404,)),
    ),
    lists=(
        Listing("/api/v1/departments", {"region": COUNTY}, count=api_count, baseline=6),
        Listing("/departments/", {"region": COUNTY}, marker="{name}", baseline=40),
    ),
    elsewhere={
        "POST /api/v1/departments": "creation by the office only: zhiben/departments/tests/test_departments.py",
    },
)


class TestDepartmentContract(RegisterContract):
    spec = SPEC
