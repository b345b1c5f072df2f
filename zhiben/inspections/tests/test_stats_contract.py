"""The enforcement statistics' contract (zhiben/tests_support/contract.py): a county's figures, closure proposals
and 有问题查不出 list are the county's officers'. Officers of another county or of a township below asking for the
county get 404 and their own figures count none of its records; an officer limited to other sectors counts none
of them (figures from the rows of their sectors); enterprise users are refused (403) everywhere. The API's and the
page's query counts do not grow with the records (tallies, one read of the major-hazard penalties)."""

from __future__ import annotations

from typing import Any

from zhiben.departments.models import Department
from zhiben.tests_support.contract import COUNTY, Call, Listing, RegisterContract, Spec, Subject, World

from . import factories_stats as make

PERIOD = "from=2025-01&to=2025-12"
OFFICERS_OUTSIDE = ("outsider", "township_officer")
ENTERPRISES = ("enterprise", "other_enterprise")


def make_enforcement(world: World) -> Subject:
    """An inspection of the county's firm by its 应急局 with a major finding nobody self-reported, and three
    penalties for a major hazard within 180 days (a closure proposal)."""
    unit = Department.objects.get_or_create(region_id=COUNTY, name="秀山县应急管理局", defaults={"kind": "emergency"})[
        0
    ]
    made = make.inspection(world.officer, world.firm, on="2025-03-04", department=unit, flags=["unannounced"])
    make.finding(world.officer, made, level="major")
    penalties = [
        make.penalty(world.officer, world.firm, decided_on=day, major_hazard=True, department=unit, made=made)
        for day in ("2025-02-01", "2025-03-04", "2025-04-01")
    ]
    # the record is a penalty: the statistics register's get_scoped answers the penalties the figures are made of
    return Subject(penalties[-1], {"id": penalties[-1].pk, "inspection": made.pk, "county": COUNTY})


def inspections(body: Any) -> int:
    return int(body["totals"]["inspections"])


def proposals(body: Any) -> int:
    return len(body["closure_proposals"])


def missed(body: Any) -> int:
    return int(body["count"])


STATS = f"/api/v1/stats/enforcement?{PERIOD}"
MISSED = f"/api/v1/stats/enforcement/self-check-missed?{PERIOD}"
PAGE = f"/inspections/stats/?{PERIOD}"
NOT_COUNTED = (*OFFICERS_OUTSIDE, "sector_officer")
SPEC = Spec(
    name="enforcement-stats",
    prefixes=("/api/v1/stats/enforcement", "/inspections/stats/"),
    make=make_enforcement,
    inside=("officer",),
    outside=(*OFFICERS_OUTSIDE, *ENTERPRISES),
    calls=(
        # the county asked for by name: 404 outside it; enterprise users are refused whatever the region
        *(
            Call("GET", f"{url}&region={{county}}", refused=(403, 404))
            for url in (STATS, MISSED, PAGE, f"{PAGE}&format=xlsx")
        ),
        # one's own figures: enterprise users are refused
        *(Call("GET", url, outside=ENTERPRISES, refused=(403,)) for url in (STATS, MISSED, PAGE)),
    ),
    lists=(
        Listing(STATS, count=inspections, outside=NOT_COUNTED),
        Listing(STATS, count=proposals, outside=NOT_COUNTED),
        Listing(MISSED, count=missed, outside=NOT_COUNTED),
        Listing(PAGE, marker="秀山县契约化工有限公司", outside=NOT_COUNTED),
        # session, user, region, the officer's sectors, the tallies, names, the major-hazard penalties, firms
        Listing(STATS, baseline=8),
        Listing(MISSED, baseline=8),
        Listing(PAGE, baseline=21),
        Listing(f"{PAGE}&format=xlsx", baseline=16),
    ),
)


class TestEnforcementStatsContract(RegisterContract):
    spec = SPEC
