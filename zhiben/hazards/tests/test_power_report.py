"""电力: a major hazard a power enterprise finds is reported to the regulator within 3 working days
(国家发展改革委令第41号 第十八条, FACTS §2), counted by the official calendar (chinese-calendar)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from zhiben.common import dates
from zhiben.common.inputs import parse
from zhiben.enterprises.models import Enterprise
from zhiben.hazards import rules
from zhiben.hazards.inputs import HazardDualReport
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import hazard_report, hazards_follow_enterprises
from zhiben.reference.models import CriteriaStandard, Criterion, Sector
from zhiben.tests_support import factories

from .conftest import new_hazard

D = datetime.date
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def due(discovered: D, *, sector: str = "power", level: str = "major", source: str = "self_check") -> D | None:
    return rules.regulator_report_due_for(sector=sector, level=level, source=source, discovered_on=discovered)


# --------------------------------------------------------------------------- the rule, across 国庆 2026
@pytest.mark.parametrize(
    ("discovered", "expected"),
    [
        # chinese-calendar 1.11: 中秋 09-25..27, 国庆 10-01..07; 09-20 (Sunday) and 10-10 (Saturday) are worked
        (D(2026, 9, 17), D(2026, 9, 21)),  # Fri 18, Sun 20 (调休), Mon 21
        (D(2026, 9, 18), D(2026, 9, 22)),  # Sun 20, Mon 21, Tue 22
        (D(2026, 9, 19), D(2026, 9, 22)),  # found on a rest day: that day does not count
        (D(2026, 9, 23), D(2026, 9, 29)),  # Thu 24, then 中秋, Mon 28, Tue 29
        (D(2026, 9, 28), D(2026, 10, 8)),  # 29, 30, then 国庆, Thu 10-08
        (D(2026, 9, 29), D(2026, 10, 9)),  # 30, 10-08, 10-09
        (D(2026, 9, 30), D(2026, 10, 10)),  # 10-08, 10-09, Sat 10-10 (调休)
        (D(2026, 10, 1), D(2026, 10, 10)),  # found in the holiday
        (D(2026, 10, 7), D(2026, 10, 10)),
        (D(2026, 10, 8), D(2026, 10, 12)),  # 09, Sat 10, Mon 12 (Sun 11 rests)
        (D(2026, 10, 9), D(2026, 10, 13)),
    ],
)
def test_a_major_power_hazard_is_due_three_working_days_after_discovery_article_18(discovered, expected) -> None:
    assert due(discovered) == expected


def test_the_calendar_agrees_with_the_dates_the_tests_use() -> None:
    worked = [D(2026, 9, 20), D(2026, 10, 10), D(2026, 10, 8)]
    rested = [D(2026, 9, 25), D(2026, 9, 27), *(D(2026, 10, d) for d in range(1, 8)), D(2026, 10, 11)]
    assert all(dates.is_working_day(d) for d in worked)
    assert not any(dates.is_working_day(d) for d in rested)


@pytest.mark.parametrize(
    "over",
    [
        {"level": "general"},
        {"sector": "machinery"},
        {"source": "inspection"},  # the regulator found it itself: nothing to report to it
        {"source": "tip"},
    ],
)
def test_no_report_day_outside_the_rule(over) -> None:
    assert due(D(2026, 9, 30), **over) is None


def test_the_sectors_and_days_are_settings(settings) -> None:
    settings.ZHIBEN = {
        **settings.ZHIBEN,
        "REGULATOR_REPORT_SECTORS": ["power", "mining"],
        "REGULATOR_REPORT_WORKING_DAYS": 1,
    }
    assert due(D(2026, 9, 30), sector="mining") == D(2026, 10, 8)


@hsettings(max_examples=200, deadline=None)
@given(st.dates(min_value=D(2005, 1, 1), max_value=D(2027, 12, 31)))
def test_the_due_day_is_the_third_working_day_after_discovery(discovered) -> None:
    day = due(discovered)
    assert day is not None and day > discovered
    assert dates.is_working_day(day)
    between = [discovered + datetime.timedelta(days=i) for i in range(1, (day - discovered).days + 1)]
    assert sum(dates.is_working_day(d) for d in between) == 3
    # at most the days of a long holiday plus a week past discovery
    assert (day - discovered).days <= 13


# --------------------------------------------------------------------------- recorded, flagged, filtered
@pytest.fixture
def power_firm(db) -> Enterprise:
    standard = CriteriaStandard.objects.create(key="TESTPOWER", title="电力重大隐患（测试）", number="测试")
    clause = Criterion.objects.create(code="TESTPOWER-1", standard=standard, article="1", text="电力测试条款")
    clause.sectors.add(Sector.objects.get(key="power"))
    return factories.enterprise(region="500241", sector="power", name="秀山县电力测试有限公司")


def power_hazard(actor, firm, discovered: D, **over) -> Hazard:
    return new_hazard(actor, firm, **{"discovered_on": discovered.isoformat(), "criterion": "TESTPOWER-1", **over})


def registered_at(hazard: Hazard, moment: datetime.datetime) -> Hazard:
    Hazard.objects.filter(pk=hazard.pk).update(created_at=moment)
    return Hazard.objects.get(pk=hazard.pk)


def late_ids() -> set[int]:
    return set(Hazard.objects.filter(rules.q_report_late()).values_list("pk", flat=True))


@pytest.mark.django_db
def test_recording_fixes_the_report_day(power_firm, officer) -> None:
    h = power_hazard(officer, power_firm, D(2026, 9, 30))
    assert Hazard.objects.get(pk=h.pk).regulator_report_due == D(2026, 10, 10)
    general = power_hazard(officer, power_firm, D(2026, 9, 30), level="general", criterion="")
    assert Hazard.objects.get(pk=general.pk).regulator_report_due is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (datetime.datetime(2026, 10, 10, 23, 59, tzinfo=BEIJING), False),  # the due day itself, Beijing
        (datetime.datetime(2026, 10, 11, 0, 1, tzinfo=BEIJING), True),  # still 10-10 in UTC
        (datetime.datetime(2026, 10, 2, 9, 0, tzinfo=BEIJING), False),
    ],
)
def test_a_hazard_registered_after_its_report_day_is_late(power_firm, officer, moment, late) -> None:
    h = registered_at(power_hazard(officer, power_firm, D(2026, 9, 30)), moment)
    assert rules.report_late(h) is late
    assert (h.pk in late_ids()) is late


@pytest.mark.django_db
def test_an_explicit_report_within_the_days_makes_a_late_registration_on_time(power_firm, officer) -> None:
    h = registered_at(power_hazard(officer, power_firm, D(2026, 9, 30)), datetime.datetime(2026, 11, 2, tzinfo=BEIJING))
    assert rules.report_late(h) and h.pk in late_ids()
    report = parse(HazardDualReport, {"to": "regulator", "on": "2026-10-10"})
    h = hazard_report(hazard_id=h.pk, actor=officer, dual_report=report)
    h.refresh_from_db()
    assert not rules.report_late(h) and h.pk not in late_ids()
    # a report after the due day leaves it late
    hazard_report(
        hazard_id=h.pk, actor=officer, dual_report=parse(HazardDualReport, {"to": "regulator", "on": "2026-10-12"})
    )
    h.refresh_from_db()
    assert rules.report_late(h) and h.pk in late_ids()


@pytest.mark.django_db
def test_the_api_flags_and_filters_late_reports(api_as, power_firm, officer, outsider) -> None:
    late = registered_at(
        power_hazard(officer, power_firm, D(2026, 9, 30)), datetime.datetime(2026, 10, 12, tzinfo=BEIJING)
    )
    on_time = registered_at(
        power_hazard(officer, power_firm, D(2026, 9, 30)), datetime.datetime(2026, 10, 9, tzinfo=BEIJING)
    )
    r = api_as(officer).get("/api/v1/hazards", {"report_late": "true"})
    assert r.status_code == 200
    assert [row["id"] for row in r.json()["items"]] == [late.pk]
    assert r.json()["items"][0]["report_late"] is True
    r = api_as(officer).get("/api/v1/hazards", {"report_late": "false", "sector": "power"})
    assert [row["id"] for row in r.json()["items"]] == [on_time.pk]
    detail = api_as(officer).get(f"/api/v1/hazards/{late.pk}").json()
    assert detail["reports"]["regulator_due"] == "2026-10-10" and detail["reports"]["regulator_late"] is True
    assert api_as(outsider).get("/api/v1/hazards", {"report_late": "true"}).json()["count"] == 0
    assert api_as(officer).get("/api/v1/hazards", {"report_late": "maybe"}).status_code == 422


@pytest.mark.django_db
def test_the_hazard_page_shows_the_report_day(power_firm, officer) -> None:
    h = registered_at(
        power_hazard(officer, power_firm, D(2026, 9, 30)), datetime.datetime(2026, 10, 12, tzinfo=BEIJING)
    )
    client = Client()
    client.force_login(officer)
    page = client.get(f"/hazards/{h.pk}/").content.decode()
    assert "应于 2026-10-10 前报告" in page and "迟报" in page


@pytest.mark.django_db
def test_an_enterprise_reclassified_as_power_takes_the_rule(officer) -> None:
    firm = factories.enterprise(region="500241", sector="hazardous_chemicals")
    h = new_hazard(officer, firm, discovered_on="2026-09-30")
    assert Hazard.objects.get(pk=h.pk).regulator_report_due is None
    Enterprise.objects.filter(pk=firm.pk).update(sector_id="power")
    hazards_follow_enterprises(officer, [(firm.pk, {"sector": ("hazardous_chemicals", "power")})])
    assert Hazard.objects.get(pk=h.pk).regulator_report_due == D(2026, 10, 10)
