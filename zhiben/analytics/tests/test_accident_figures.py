"""Accident figures on the dashboard (一屏观全域): this year's totals by grade, child region, sector and month."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhiben.accidents.tests.support import make
from zhiben.analytics.selectors import dashboard_data

pytestmark = pytest.mark.django_db


def this_year_time(hours_ago: int = 1) -> datetime.datetime:
    """A moment this Beijing year, in the past."""
    start = datetime.datetime(timezone.localdate().year, 1, 1, tzinfo=timezone.get_current_timezone())
    return max(timezone.now() - datetime.timedelta(hours=hours_ago), start + datetime.timedelta(minutes=1))


@pytest.fixture
def accidents(admin_user, township):
    at = this_year_time()
    when = {"occurred_at": at.isoformat(), "reported_at": at.isoformat()}
    make(
        admin_user,
        region=township,
        sector="hazardous_chemicals",
        deaths=3,
        serious_injuries=1,
        direct_loss="100.50",
        **when,
    )
    make(admin_user, region="500241", sector="machinery", deaths=1, serious_injuries=0, direct_loss="1000", **when)
    make(admin_user, region="110105", sector="machinery", deaths=10, serious_injuries=0, direct_loss="0", **when)
    # last year's: not in this year's figures
    last = f"{timezone.localdate().year - 1}-06-01T10:00:00+08:00"
    make(admin_user, region="500241", occurred_at=last, reported_at=last, deaths=5)


def test_the_dashboard_counts_this_years_accidents_of_the_scope(officer, accidents, township) -> None:
    acc = dashboard_data(actor=officer)["accidents"]
    assert acc["year"] == timezone.localdate().year
    assert acc["totals"] == {"count": 2, "deaths": 4, "serious_injuries": 1, "direct_loss": Decimal("1100.50")}
    grades = {g["key"]: g["count"] for g in acc["grades"]}
    assert grades == {"especially_major": 0, "major": 0, "relatively_major": 1, "general": 1}
    assert [g["name"] for g in acc["grades"]] == ["特别重大", "重大", "较大", "一般"]
    regions = {g["key"]: (g["name"], g["count"], g["deaths"]) for g in acc["regions"]}
    assert regions == {"500241": ("秀山土家族苗族自治县", 1, 1), township: ("清溪场镇", 1, 3)}
    sectors = {g["key"]: g["count"] for g in acc["sectors"]}
    assert sectors == {"hazardous_chemicals": 1, "machinery": 1}
    month = this_year_time().astimezone(timezone.get_current_timezone()).strftime("%Y-%m")
    months = {m["key"]: m["count"] for m in acc["months"]}
    assert months[month] == 2 and sum(months.values()) == 2
    assert len(acc["months"]) == timezone.localdate().month  # January up to this month, zeros included


def test_admins_see_provinces_and_outsiders_their_own(admin_user, outsider, chem_officer, accidents) -> None:
    acc = dashboard_data(actor=admin_user)["accidents"]
    assert acc["totals"]["count"] == 3 and acc["totals"]["deaths"] == 14
    assert {g["key"]: g["count"] for g in acc["regions"]} == {"11": 1, "50": 2}
    assert {g["key"]: g["count"] for g in acc["grades"]}["major"] == 1
    assert dashboard_data(actor=outsider)["accidents"]["totals"]["deaths"] == 10
    chem = dashboard_data(actor=chem_officer)["accidents"]
    assert chem["totals"]["count"] == 1 and [s["key"] for s in chem["sectors"]] == ["hazardous_chemicals"]


def test_a_drill_down_counts_the_subtree(officer, accidents, township) -> None:
    acc = dashboard_data(actor=officer, region=township)["accidents"]
    assert acc["totals"]["count"] == 1 and [g["key"] for g in acc["regions"]] == [township]


def test_an_empty_scope_has_zero_figures(officer) -> None:
    acc = dashboard_data(actor=officer)["accidents"]
    assert acc["totals"] == {"count": 0, "deaths": 0, "serious_injuries": 0, "direct_loss": Decimal("0.00")}
    assert acc["regions"] == [] and all(m["count"] == 0 for m in acc["months"])


def test_the_accident_figures_take_a_few_queries_whatever_the_rows(admin_user, officer, township) -> None:
    at = this_year_time()
    make(admin_user, region=township, occurred_at=at.isoformat(), reported_at=at.isoformat())
    dashboard_data(actor=officer)
    with CaptureQueriesContext(connection) as few:
        dashboard_data(actor=officer)
    for _ in range(10):
        make(admin_user, region=township, sector="machinery", occurred_at=at.isoformat(), reported_at=at.isoformat())
    with CaptureQueriesContext(connection) as many:
        dashboard_data(actor=officer)
    assert len(many) == len(few)


def test_the_dashboard_page_and_api_show_the_accidents(officer, accidents, api_as) -> None:
    c = Client()
    c.force_login(officer)
    page = c.get("/dashboard/").content.decode()
    assert "生产安全事故" in page and 'id="chart-accidents"' in page and "accident-grades" in page
    assert "/accidents/?year=" in page
    body = api_as(officer).get("/api/v1/stats/dashboard").json()
    assert body["accidents"]["totals"]["count"] == 2
    assert body["accidents"]["totals"]["direct_loss"] == "1100.50"
