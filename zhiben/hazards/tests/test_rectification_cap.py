"""A rectification period of at most one year (FACTS §1, escalation practice: 整改期限最长不超过一年),
counted from the day a deadline is set (or the discovery, if later): a report, a plan, an extension or an
imported row cannot set a deadline past it — 9999-12-31 was accepted and made a hazard never overdue."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiben.hazards import rules

from .conftest import new_hazard

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def today(monkeypatch) -> datetime.date:
    monkeypatch.setattr(rules, "today", lambda: TODAY)
    return TODAY


def test_the_latest_deadline_is_twelve_months_on_from_today_or_a_later_discovery(today) -> None:
    assert rules.latest_deadline(datetime.date(2023, 5, 1)) == datetime.date(2027, 12, 1)
    assert rules.latest_deadline(datetime.date(2027, 1, 31)) == datetime.date(2028, 1, 31)
    # no 29 February next year: the month's last day
    assert rules.latest_deadline(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert rules.latest_deadline(datetime.date(9999, 6, 1)) == datetime.date.max


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(9998, 1, 1)), st.dates())
def test_the_cap_is_a_year_at_most_and_never_before_the_start(found: datetime.date, on: datetime.date) -> None:
    latest = rules.latest_deadline(found, on=on)
    start = max(found, on)
    assert start < latest <= start + datetime.timedelta(days=366)
    assert (latest - start).days >= 365


def test_a_report_with_a_deadline_past_the_cap_is_refused_naming_deadline(api_as, officer, firm, today) -> None:
    body = {
        "enterprise": firm.credit_code,
        "title": "储罐区防火堤破损",
        "level": "general",
        "source": "inspection",
        "discovered_on": "2026-11-20",
    }
    api = api_as(officer)
    refused = api.post("/api/v1/hazards", {**body, "deadline": "9999-12-31"})
    assert refused.status_code == 422 and "2027-12-01" in refused.json()["errors"]["deadline"]
    assert api.post("/api/v1/hazards", {**body, "deadline": "2027-12-02"}).status_code == 422
    assert api.post("/api/v1/hazards", {**body, "deadline": "2027-12-01"}).status_code == 201


def test_a_plan_and_an_extension_cannot_pass_the_cap(api_as, officer, firm, firm_user, today) -> None:
    h = new_hazard(firm_user, firm, level="general", criterion="", discovered_on="2026-11-20")
    plan = {
        "responsible_person": "陈建国",
        "measures": "更换",
        "funds": "100",
        "interim_measures": "停用",
        "deadline": "2027-12-02",
    }
    api = api_as(firm_user)
    r = api.post(f"/api/v1/hazards/{h.pk}/plan", plan)
    assert r.status_code == 422 and "不能晚于 2027-12-01" in r.json()["errors"]["deadline"]
    assert api.post(f"/api/v1/hazards/{h.pk}/plan", {**plan, "deadline": "2027-06-30"}).status_code == 200
    ask = {"deadline": "9999-12-31", "reason": "设备采购周期长"}
    r = api.post(f"/api/v1/hazards/{h.pk}/extension", ask)
    assert r.status_code == 422 and "deadline" in r.json()["errors"]
    assert api.post(f"/api/v1/hazards/{h.pk}/extension", {**ask, "deadline": "2027-12-01"}).status_code == 200


def test_an_old_ledgers_stock_hazard_keeps_the_programmes_deadline(officer, firm, today) -> None:
    """Counted from today for a hazard found in 2023: the 2024-06-30 clearance deadline is accepted."""
    h = new_hazard(officer, firm, discovered_on="2023-03-01", deadline="2024-06-30")
    assert str(h.deadline) == "2024-06-30"
