"""The draw register's contract (zhiben/tests_support/contract.py): a county unit's draw of hazardous-chemicals
enterprises is seen by the county's officers (of every sector, or of that one), its unit and its committee office;
to everyone else — officers of another county, of a township, of another sector, of a unit that leads no
hazardous chemicals, enterprise users — every endpoint and page answers 404 and changes nothing, and the lists
do not count it. The public pages and ``POST /api/v1/draws/verify`` show only published draws: test_draws.py."""

from __future__ import annotations

from zhiben.inspections.models import LawOfficer
from zhiben.tests_support.contract import (
    COUNTY,
    RECORD_SECTOR,
    Call,
    Listing,
    RegisterContract,
    Spec,
    Subject,
    World,
    api_count,
)

from . import factories_draws as f

DRAW = "/api/v1/draws/{id}"
PAGE = "/inspections/draws/{id}/"
OUTSIDE = ("outsider", "other_enterprise", "enterprise", "township_officer", "sector_officer", "housing")


def make_draw(world: World) -> Subject:
    unit = f.unit()
    if not LawOfficer.objects.filter(department=unit).exists():  # once per class: the pools of every draw
        f.officers(unit, 3, prefix="渝应急执C")
        f.firms(3, region=COUNTY, sector=RECORD_SECTOR)
    draw = f.draw(world.users["admin"], department=unit.pk, sector=RECORD_SECTOR, enterprises=2, seed=None)
    return Subject(draw, {"id": draw.pk})


SPEC = Spec(
    name="draws",
    prefixes=("/api/v1/draws", "/inspections/draws/"),
    make=make_draw,
    inside=("officer", "unit", "office"),
    outside=OUTSIDE,
    users={
        "unit": lambda world: f.member("c-draw-unit", f.unit()),
        "office": lambda world: f.member("c-draw-office", f.office()),
        "housing": lambda world: f.member("c-draw-housing", f.unit("housing", "秀山县住房和城乡建设局")),
    },
    calls=(
        Call("GET", DRAW),
        # publishing and discarding: the unit and its committee office; an officer of no unit is refused (403)
        Call("POST", f"{DRAW}/publish"),
        Call("POST", f"{DRAW}/discard", body={"reason": "契约测试"}),
        Call("GET", PAGE),
        Call("POST", PAGE, body={"action": "publish"}),
        Call("GET", f"{PAGE}draw.json"),
    ),
    lists=(
        Listing("/api/v1/draws", count=api_count, baseline=5),
        Listing("/inspections/draws/", marker='href="/inspections/draws/{id}/"', baseline=8),
    ),
    elsewhere={
        "POST /api/v1/draws": "who may draw where: test_draws.py::test_who_may_draw",
        "POST /api/v1/draws/verify": "public, published draws only: test_draws.py::test_the_public_never_sees_an_un…",
        "GET /inspections/draws/public/": "public: test_draws.py::test_the_public_never_sees_an_unpublished_draw",
        "GET /inspections/draws/public/1/": "public: test_draws.py::test_the_public_never_sees_an_unpublished_draw",
        "GET /inspections/draws/public/1/draw.json": "public: test_draws.py::test_the_download_is_the_same_bytes…",
    },
)


class TestDrawContract(RegisterContract):
    spec = SPEC
