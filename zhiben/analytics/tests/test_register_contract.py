"""The figures' contract (zhiben/tests_support/contract.py): the dashboard, the ranking and /api/v1/stats
show a county's figures to its officers only. An officer of another county (or of a township below) asking
for the county gets 404, and their own figures do not count its hazards; an officer limited to other
sectors sees none of them; an enterprise's user sees its own enterprise's figures through the API, none of
another's, and — DESIGN.md §3 — neither the dashboard nor the ranking, which are the regulators' pages.
The pages' query counts do not grow with the hazards (they read the tallies)."""

from __future__ import annotations

from typing import Any

from zhiben.common.inputs import parse
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.services import hazard_create
from zhiben.tests_support.contract import COUNTY, Call, Listing, RegisterContract, Spec, Subject, World

A = {"region": COUNTY}
OFFICERS_OUTSIDE = ("outsider", "township_officer")
ENTERPRISES = ("enterprise", "other_enterprise")
NEW = {
    "title": "储罐区可燃气体报警器失效",
    "level": "major",
    "criterion": "SAWS121C-1",
    "source": "inspection",
    "discovered_on": "2025-01-01",
}


def make_major_hazard(world: World) -> Subject:
    hazard = hazard_create(
        actor=world.officer, report=parse(HazardReport, {"enterprise": world.firm.credit_code, **NEW})
    )
    return Subject(hazard, {"id": hazard.pk, "county": COUNTY})


def total(body: Any) -> int:
    return int(body["totals"]["total"])


def headline_total(body: Any) -> int:
    return int(body["headline"]["total"])


def zeroing_total(body: Any) -> int:
    return int(body["stock"]["total"]) + sum(int(row["total"]) for row in body["increment"])


COUNTY_PAGES = (
    "/dashboard/?region={county}",
    "/dashboard/ranking/?region={county}",
    "/dashboard/ranking/?region={county}&format=xlsx",
    "/dashboard/ranking/?region={county}&by=department",
    "/dashboard/ranking/?region={county}&by=department&format=xlsx",
)
OWN_PAGES = ("/dashboard/", "/dashboard/ranking/", "/dashboard/ranking/?format=xlsx")
SPEC = Spec(
    name="figures",
    prefixes=("/dashboard/", "/api/v1/stats"),
    make=make_major_hazard,
    inside=("officer",),
    outside=(*OFFICERS_OUTSIDE, *ENTERPRISES),
    calls=(
        # the county's pages, asked for by name: 404 outside it; to enterprise users, 403/404 for any region
        *(Call("GET", url, refused=(403, 404)) for url in COUNTY_PAGES),
        # one's own figures (an officer's own region): enterprise users are refused
        *(Call("GET", url, outside=ENTERPRISES, refused=(403,)) for url in OWN_PAGES),
        # the API's figures for the county: 404 to officers outside it (enterprise users: the lists below)
        *(
            Call("GET", f"/api/v1/stats/{name}?region={{county}}", outside=OFFICERS_OUTSIDE)
            for name in ("hazards", "zeroing", "dashboard")
        ),
        # the member units' ranking: the regulators' (403 to enterprise users), 404 outside the county
        Call("GET", "/api/v1/stats/departments?region={county}", refused=(403, 404)),
    ),
    lists=(
        # the county's hazard counts: 404 or 0 to everyone outside it, at least 1 to those inside
        *(
            Listing(f"/api/v1/stats/{name}", params, count=count, inside=("officer", "enterprise"), outside=who)
            for name, count in (("hazards", total), ("zeroing", zeroing_total), ("dashboard", headline_total))
            for params, who in (
                (A, (*OFFICERS_OUTSIDE, "other_enterprise", "sector_officer")),
                ({}, (*OFFICERS_OUTSIDE, "other_enterprise", "sector_officer")),
            )
        ),
        Listing("/api/v1/stats/hazards", baseline=8),
        # the plan tasks' card: one query where no task is kept (six where some are: totals, by plan and its
        # titles, by unit, by region); the enforcement card: one read of its tallies
        Listing("/api/v1/stats/dashboard", baseline=29),
        Listing("/dashboard/", baseline=31),
        Listing("/dashboard/ranking/", baseline=11),
        Listing("/dashboard/ranking/?format=xlsx", baseline=10),
    ),
    elsewhere={
        "GET /api/v1/stats/tasks": "plan tasks' figures: zhiben/plans/tests/test_register_contract.py",
        "GET /api/v1/stats/duties": "duty lists' figures: zhiben/duties/tests/test_register_contract.py",
        "GET /api/v1/stats/enforcement": "enforcement figures: zhiben/inspections/tests/test_stats_contract.py",
        "GET /api/v1/stats/enforcement/self-check-missed": "有问题查不出: inspections/tests/test_stats_contract.py",
        "GET /api/v1/stats/checks": "check compliance: zhiben/risks/tests/test_checks_contract.py (STATS_SPEC)",
    },
)


class TestFiguresContract(RegisterContract):
    spec = SPEC
