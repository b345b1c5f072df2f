"""Enforcement statistics (GET /api/v1/stats/enforcement): the figures from the tallies equal a recount of the
records; zero_penalty; grouping by child region (the region's own enterprises a group of their own), unit and
month; the period; the scope (out of the subtree 404, a member unit's officer limited to its own unit, an officer
limited to sectors counted from the rows); bad input 422; the query count does not grow with the records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhiben.inspections.models import EnforcementTally
from zhiben.inspections.selectors.stats import enforcement_recount, tally_drift
from zhiben.inspections.services.stats import tallies_rebuild
from zhiben.tests_support import factories

from . import factories_stats as make

pytestmark = pytest.mark.django_db

COUNTY = "500241"
TOWN_A = "500241100"
TOWN_B = "500241101"
OTHER_COUNTY = "110105"
URL = "/api/v1/stats/enforcement"
YEAR: dict[str, Any] = {"from": "2025-01", "to": "2025-12"}


class World:
    def __init__(self) -> None:
        factories.township(TOWN_A, "清溪场镇", COUNTY)
        factories.township(TOWN_B, "中和街道", COUNTY)
        self.officer = factories.user("s-officer", role="officer", region=COUNTY)
        self.emergency = make.unit(COUNTY, "秀山县应急管理局", "emergency")
        self.housing = make.unit(COUNTY, "秀山县住房和城乡建设委员会", "housing")
        self.office = make.unit(COUNTY, "秀山县安全生产委员会办公室", "committee_office")
        self.chem = factories.enterprise(region=TOWN_A, sector="hazardous_chemicals", name="清溪化工")
        self.works = factories.enterprise(region=TOWN_B, sector="machinery", name="中和机械")
        self.seat = factories.enterprise(region=COUNTY, sector="machinery", name="县本级机械")
        self.far = factories.enterprise(region=OTHER_COUNTY, sector="machinery", name="朝阳机械")
        self.far_officer = factories.user("s-far", role="officer", region=OTHER_COUNTY)


@pytest.fixture
def world() -> World:
    return World()


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fill(w: World) -> None:
    """清溪化工 (town A): two inspections by 应急局 (one 四不两直 with an expert), one major finding and one general,
    a fine of 30,000; 中和机械 (town B): one 明察暗访 inspection by 住建局, no penalty; 县本级机械 (the county itself):
    one cross-region inspection without a unit, a fine of 5,000 by 应急局 in March; elsewhere: one inspection; and
    one inspection of 2024 (outside the period)."""
    first = make.inspection(
        w.officer, w.chem, on="2025-03-04", department=w.emergency, flags=["unannounced"], experts=1
    )
    make.finding(w.officer, first, level="major")
    make.finding(w.officer, first, level="general")
    make.inspection(w.officer, w.chem, on="2025-05-20", department=w.emergency)
    make.penalty(w.officer, w.chem, decided_on="2025-05-28", amount="30000", department=w.emergency, made=first)
    make.inspection(w.officer, w.works, on="2025-04-02", department=w.housing, flags=["covert"])
    make.inspection(w.officer, w.seat, on="2025-03-10", flags=["cross_region"])
    make.penalty(w.officer, w.seat, decided_on="2025-03-15", amount="5000", department=w.emergency)
    make.inspection(w.far_officer, w.far, on="2025-03-04")
    make.inspection(w.officer, w.chem, on="2024-12-30", department=w.emergency)


def test_the_tallies_equal_a_recount_of_the_records(world: World) -> None:
    fill(world)
    assert tally_drift() == []
    kept = {(t.region_code, t.department_id, t.month): t for t in EnforcementTally.objects.all()}
    recount = enforcement_recount()
    assert set(kept) == set(recount)
    row = recount[(TOWN_A, world.emergency.pk, "2025-03")]
    assert (row["inspections"], row["unannounced"], row["with_experts"], row["findings"], row["major_findings"]) == (
        1,
        1,
        1,
        2,
        1,
    )


def test_the_county_figures_by_child_region(world: World) -> None:
    fill(world)
    body = client_of(world.officer).get(URL, YEAR).json()
    assert body["source"] == "tallies" and body["region"] == COUNTY and body["group_by"] == "region"
    assert (body["from"], body["to"]) == ("2025-01-01", "2025-12-31")
    t = body["totals"]
    assert (t["inspections"], t["unannounced"], t["covert"], t["cross_region"], t["with_experts"]) == (4, 1, 1, 1, 1)
    assert (t["findings"], t["major_findings"], t["penalties"], Decimal(t["penalty_amount"])) == (
        2,
        1,
        2,
        Decimal(35000),
    )
    assert t["unannounced_share"] == 0.25 and t["findings_per_inspection"] == 0.5 and t["zero_penalty"] is False
    groups = {g["key"]: g for g in body["groups"]}
    assert list(groups) == [TOWN_A, TOWN_B, COUNTY]  # children in code order, the county's own enterprises last
    assert groups[TOWN_A]["name"] == "清溪场镇" and groups[TOWN_A]["inspections"] == 2
    assert groups[COUNTY]["own"] is True and groups[COUNTY]["name"].endswith("（本级）")
    assert groups[COUNTY]["inspections"] == 1 and groups[COUNTY]["penalties"] == 1
    assert [g["zero_penalty"] for g in groups.values()] == [False, True, False]
    assert body["zero_penalty"]["regions"] == [{"key": TOWN_B, "name": "中和街道", "own": False, "inspections": 1}]
    assert body["zero_penalty"]["departments"] == [
        {"id": world.housing.pk, "name": "秀山县住房和城乡建设委员会", "inspections": 1}
    ]


def test_recount_matches_the_answer_after_a_rebuild(world: World) -> None:
    fill(world)
    before = client_of(world.officer).get(URL, YEAR).json()
    EnforcementTally.objects.filter(region_code=TOWN_A).update(inspections=99)
    assert tally_drift()  # the drift is seen
    assert tallies_rebuild() == EnforcementTally.objects.count()
    assert tally_drift() == []
    assert client_of(world.officer).get(URL, YEAR).json() == before


def test_the_check_command_reports_drift_and_the_rebuild_command_repairs_it(world: World) -> None:
    fill(world)
    call_command("rebuild_enforcement_tallies", "--check")
    EnforcementTally.objects.filter(region_code=TOWN_B).delete()
    with pytest.raises(CommandError, match="不一致"):
        call_command("rebuild_enforcement_tallies", "--check")
    call_command("rebuild_enforcement_tallies")
    call_command("rebuild_enforcement_tallies", "--check")


def test_by_unit_and_by_month(world: World) -> None:
    fill(world)
    client = client_of(world.officer)
    units = {g["key"]: g for g in client.get(URL, {**YEAR, "group_by": "department"}).json()["groups"]}
    assert units[str(world.emergency.pk)]["inspections"] == 2 and units[str(world.emergency.pk)]["penalties"] == 2
    assert units[str(world.housing.pk)]["zero_penalty"] is True
    assert units["0"]["name"] == "（未关联执法单位）" and units["0"]["inspections"] == 1
    months = {g["key"]: g for g in client.get(URL, {**YEAR, "group_by": "month"}).json()["groups"]}
    assert sorted(months) == ["2025-03", "2025-04", "2025-05"]
    assert months["2025-03"]["inspections"] == 2 and months["2025-03"]["penalties"] == 1
    assert months["2025-04"]["zero_penalty"] is True and months["2025-05"]["zero_penalty"] is False


def test_the_period_is_whole_months(world: World) -> None:
    fill(world)
    client = client_of(world.officer)
    body = client.get(URL, {"from": "2025-03-20", "to": "2025-04-01"}).json()
    assert (body["from"], body["to"]) == ("2025-03-01", "2025-04-30")
    assert body["totals"]["inspections"] == 3 and body["totals"]["penalties"] == 1
    assert client.get(URL, {"from": "2024-12", "to": "2024-12"}).json()["totals"]["inspections"] == 1
    # default: this year to date (nothing recorded in it)
    this_year = client.get(URL).json()
    assert this_year["from"].endswith("-01-01") and this_year["totals"]["inspections"] == 0


def test_a_township_region_is_its_own_only_group(world: World) -> None:
    fill(world)
    body = client_of(world.officer).get(URL, {**YEAR, "region": TOWN_A}).json()
    assert [(g["key"], g["own"], g["name"]) for g in body["groups"]] == [(TOWN_A, True, "清溪场镇")]
    assert body["totals"]["inspections"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2025-02-30"}, "to"),
        ({"from": "2025-06", "to": "2025-05"}, "from"),
        ({"from": "2099-01"}, "from"),  # after today: from > to
        ({"from": "0001-01-01"}, "from"),  # a day as early as a month may be (the Art. 113 window reaches a year back)
        ({"from": "1899-12-31"}, "from"),
        ({"to": "0001-01-01"}, "to"),
        ({"group_by": "sector"}, "group_by"),
        ({"region": "5002419999"}, "region"),
        ({"region": "abc"}, "region"),
        ({"region": "500299"}, "region"),  # no such county
        ({"department": "x"}, "department"),
        ({"department": "0"}, "department"),
    ],
)
def test_bad_input_answers_422_naming_the_field(world: World, params: dict[str, str], field: str) -> None:
    r = client_of(world.officer).get(URL, params)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"], r.json()


def test_outside_the_subtree_is_404_and_enterprise_users_403(world: World) -> None:
    fill(world)
    client = client_of(world.officer)
    assert client.get(URL, {"region": OTHER_COUNTY}).status_code == 404
    assert client.get(URL, {"region": "50"}).status_code == 404  # above the officer's county
    town = factories.user("s-town", role="officer", region=TOWN_A)
    assert client_of(town).get(URL, {"region": COUNTY}).status_code == 404
    assert client_of(town).get(URL, YEAR).json()["totals"]["inspections"] == 2
    firm_user = factories.user("s-firm", role="enterprise", enterprise=world.chem)
    assert client_of(firm_user).get(URL, YEAR).status_code == 403
    # the other county's officer counts none of the county's records
    assert client_of(world.far_officer).get(URL, YEAR).json()["totals"]["inspections"] == 1
    # a unit of another county is not one the officer may name
    far_unit = make.unit(OTHER_COUNTY, "朝阳区应急管理局")
    assert client.get(URL, {**YEAR, "department": far_unit.pk}).status_code == 404
    admin = factories.user("s-admin", role="admin")
    national = client_of(admin).get(URL, YEAR).json()
    assert national["region"] is None and national["totals"]["inspections"] == 5
    assert {g["key"] for g in national["groups"]} == {"50", "11"}


def test_a_member_units_officer_sees_its_own_units_figures(world: World) -> None:
    fill(world)
    housing = factories.user("s-housing", role="officer", region=COUNTY)
    housing.department = world.housing
    housing.save()
    body = client_of(housing).get(URL, YEAR).json()
    assert body["department"] == {"id": world.housing.pk, "name": "秀山县住房和城乡建设委员会"}
    assert body["unit_default"] is True
    assert body["totals"]["inspections"] == 1 and body["totals"]["zero_penalty"] is True
    assert client_of(housing).get(URL, {**YEAR, "department": world.emergency.pk}).status_code == 404
    assert client_of(housing).get(URL, {**YEAR, "department": world.housing.pk}).status_code == 200
    # the committee office's officer sees every unit, and may pick one
    office = factories.user("s-office", role="officer", region=COUNTY)
    office.department = world.office
    office.save()
    assert client_of(office).get(URL, YEAR).json()["totals"]["inspections"] == 4
    picked = client_of(office).get(URL, {**YEAR, "department": world.emergency.pk}).json()
    assert picked["unit_default"] is False and picked["totals"]["inspections"] == 2
    assert picked["totals"]["penalties"] == 2


def test_an_officer_limited_to_sectors_is_counted_from_the_rows_of_those_sectors(world: World) -> None:
    fill(world)
    machinery = factories.user("s-mach", role="officer", region=COUNTY, sectors=["machinery"])
    body = client_of(machinery).get(URL, YEAR).json()
    assert body["source"] == "rows"
    assert body["totals"]["inspections"] == 2 and body["totals"]["penalties"] == 1  # 中和机械, 县本级机械
    assert {g["key"] for g in body["groups"]} == {TOWN_B, COUNTY}
    by_month = client_of(machinery).get(URL, {**YEAR, "group_by": "month"}).json()
    assert [g["key"] for g in by_month["groups"]] == ["2025-03", "2025-04"]


def test_the_query_count_does_not_grow_with_the_records(world: World) -> None:
    client = client_of(world.officer)
    fill(world)

    def repeat_offender(firm: Any) -> None:
        # three penalties for a major hazard within 180 days: a closure proposal (and its enterprise read)
        for day in ("2025-02-01", "2025-03-01", "2025-04-01"):
            make.penalty(world.officer, firm, decided_on=day, major_hazard=True, department=world.emergency)

    def count() -> int:
        client.get(URL, YEAR)  # warm-up
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(URL, YEAR).json()
        assert body["closure_proposals"]
        return len(ctx.captured_queries)

    repeat_offender(world.works)
    few = count()
    for i in range(20):
        firm = factories.enterprise(region=TOWN_B if i % 2 else TOWN_A, sector="machinery", name=f"企业{i}")
        make.inspection(world.officer, firm, on=f"2025-{i % 12 + 1:02d}-05", department=make.unit(TOWN_A, f"单位{i}"))
        repeat_offender(firm)
    assert count() == few
    assert few <= 9, few
