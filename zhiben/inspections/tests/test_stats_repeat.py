"""安全生产法 第一百一十三条第（一）项 (repeat.py): three penalties for a major hazard within 180 days, four within one
year. Both sides of each boundary, under both conventions (first day not counted, 民法典 第二百零一条; counted), one
year as the calendar year from the first penalty (民法典 第二百零二条), leap years included; and the API's answer."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from zhiben.inspections import repeat
from zhiben.tests_support import factories

from . import factories_stats as make

D = datetime.date
DAY = datetime.timedelta(days=1)
THREE = repeat.Rule(3, 180)
FOUR = repeat.Rule(4, "1y")
RULES = (THREE, FOUR)
days = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31))


def corresponding_day_next_year(day: D) -> D:
    """An independent reading of 民法典 第二百零二条 for one year: the same month and day, Feb 28 for Feb 29."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return D(day.year + 1, 2, 28)


def spread(first: D, last: D, k: int) -> list[D]:
    """``k`` distinct days from ``first`` to ``last`` (both included), the others strictly between."""
    span = (last - first).days
    inner = [first + datetime.timedelta(days=span * i // (k - 1)) for i in range(1, k - 1)]
    return [first, *inner, last]


@given(
    first=days,
    window=st.integers(min_value=4, max_value=800),
    k=st.integers(min_value=2, max_value=4),
    counted=st.booleans(),
)
def test_a_day_window_holds_on_its_last_day_and_not_one_day_later(first: D, window: int, k: int, counted: bool) -> None:
    rule = repeat.Rule(k, window)
    last = first + datetime.timedelta(days=window - 1 if counted else window)
    assert repeat.window_end(first, rule, counted=counted) == last
    inside = spread(first, last, k)
    assert [h.dates for h in repeat.hits(inside, [rule], counted=counted)] == [tuple(inside)]
    outside = spread(first, last + DAY, k)
    assert repeat.hits(outside, [rule], counted=counted) == []


@given(first=days, counted=st.booleans())
def test_one_year_is_the_calendar_year_from_the_first_penalty(first: D, counted: bool) -> None:
    last = corresponding_day_next_year(first) - (DAY if counted else datetime.timedelta(0))
    assert repeat.window_end(first, FOUR, counted=counted) == last
    assert repeat.hits(spread(first, last, 4), [FOUR], counted=counted)
    assert not repeat.hits(spread(first, last + DAY, 4), [FOUR], counted=counted)


@pytest.mark.parametrize(
    ("first", "counted", "last_in", "first_out"),
    [
        (D(2025, 3, 1), False, D(2026, 3, 1), D(2026, 3, 2)),  # 365 days
        (D(2023, 3, 1), False, D(2024, 3, 1), D(2024, 3, 2)),  # 366 days: 2024-02-29 lies inside
        (D(2024, 2, 29), False, D(2025, 2, 28), D(2025, 3, 1)),  # no 2025-02-29: the month's last day
        (D(2025, 3, 1), True, D(2026, 2, 28), D(2026, 3, 1)),
        (D(2023, 3, 1), True, D(2024, 2, 29), D(2024, 3, 1)),
        (D(2024, 2, 29), True, D(2025, 2, 27), D(2025, 2, 28)),
    ],
)
def test_one_year_across_leap_days(first: D, counted: bool, last_in: D, first_out: D) -> None:
    assert repeat.window_end(first, FOUR, counted=counted) == last_in
    assert repeat.hits(spread(first, last_in, 4), [FOUR], counted=counted)
    assert not repeat.hits(spread(first, first_out, 4), [FOUR], counted=counted)


def test_180_days_both_conventions() -> None:
    first = D(2025, 1, 10)
    assert first + datetime.timedelta(days=180) == D(2025, 7, 9)
    three = [first, D(2025, 3, 1), D(2025, 7, 9)]
    assert repeat.hits(three, [THREE], counted=False)[0].window_end == D(2025, 7, 9)
    assert repeat.hits(three, [THREE], counted=True) == []
    assert repeat.hits([first, D(2025, 3, 1), D(2025, 7, 8)], [THREE], counted=True)
    assert repeat.hits([first, D(2025, 3, 1), D(2025, 7, 10)], [THREE], counted=False) == []


def test_decisions_of_one_day_count_once() -> None:
    day = D(2025, 5, 5)
    assert repeat.hits([day, day, day], RULES, counted=False) == []
    assert repeat.hits([day, day, D(2025, 5, 6), D(2025, 5, 7)], RULES, counted=False)[0].dates == (
        day,
        D(2025, 5, 6),
        D(2025, 5, 7),
    )


@given(first=days, gap=st.integers(min_value=1, max_value=179), counted=st.booleans())
def test_approaching_is_one_short_with_the_windows_last_day(first: D, gap: int, counted: bool) -> None:
    second = first + datetime.timedelta(days=gap)
    end = repeat.window_end(first, THREE, counted=counted)
    close = repeat.approaching([first, second], [THREE], counted=counted, on=second)
    if second >= end:  # the window closes with the second penalty's day: no later one can join it
        assert close == []
        return
    assert [(a.rule, a.dates, a.until) for a in close] == [(THREE, (first, second), end)]
    # a third penalty on ``until`` reaches the rule; one day later it does not
    assert repeat.hits([first, second, end], [THREE], counted=counted)
    assert not repeat.hits([first, second, end + DAY], [THREE], counted=counted)
    # once the window has closed, nothing is approaching
    assert repeat.approaching([first, second], [THREE], counted=counted, on=end) == []


def test_first_hits_are_those_reached_within_the_period() -> None:
    dates = [D(2024, 11, 1), D(2024, 12, 1), D(2025, 1, 5), D(2025, 2, 1)]
    found = repeat.first_hits(dates, RULES, counted=False, start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert [(h.rule, h.reached_on) for h in found] == [(THREE, D(2025, 1, 5)), (FOUR, D(2025, 2, 1))]
    assert repeat.first_hits(dates, RULES, counted=False, start=D(2025, 3, 1), end=D(2025, 12, 31)) == []


@pytest.mark.parametrize("rules", [((1, 180),), ((3, 0),), ((3, "1w"),), ((3, True),), ((3, 1.5),), (("3", 180),)])
def test_a_bad_rule_setting_is_refused(settings: Any, rules: Any) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "REPEAT_OFFENCE_RULES": rules}
    with pytest.raises(ImproperlyConfigured):
        repeat.rules_from_settings()


def test_the_default_rules_are_the_laws() -> None:
    assert repeat.rules_from_settings() == (THREE, FOUR)
    assert [r.label for r in RULES] == ["180日内3次", "1年内4次"]
    assert repeat.first_day_counted() is False


# --- through the API ---------------------------------------------------------------------------------------

URL = "/api/v1/stats/enforcement"


@pytest.fixture
def county(db: Any) -> Any:
    factories.township("500241100", "清溪场镇", "500241")
    officer = factories.user("r-officer", role="officer", region="500241")
    unit = make.unit("500241", "秀山县应急管理局")
    return officer, unit


def penalise(officer: Any, firm: Any, unit: Any, *days: str, **fields: Any) -> None:
    for day in days:
        make.penalty(
            officer,
            firm,
            decided_on=day,
            department=unit,
            major_hazard=fields.get("major", True),
            kind=fields.get("kind", "fine"),
        )


def ask(officer: Any, **params: str) -> Any:
    client = Client()
    client.force_login(officer)
    r = client.get(URL, params)
    assert r.status_code == 200, r.content
    return r.json()


@pytest.mark.django_db
def test_three_within_180_days_is_proposed_for_closure_and_the_convention_is_stated(county: Any, settings: Any) -> None:
    officer, unit = county
    firm = factories.enterprise(region="500241100", sector="hazardous_chemicals", name="清溪化工")
    penalise(officer, firm, unit, "2025-01-10", "2025-03-01", "2025-07-09")
    body = ask(officer, **{"from": "2025-01", "to": "2025-12"})
    assert body["window_convention"].startswith("首日不计入（民法典第二百零一条")
    assert [r["key"] for r in body["rules"]] == ["3/180d", "4/1y"] and body["first_day_counted"] is False
    (proposal,) = body["closure_proposals"]
    assert proposal["credit_code"] == firm.credit_code and proposal["name"] == "清溪化工"
    assert proposal["region"] == "500241100" and proposal["region_name"] == "清溪场镇"
    assert proposal["rule"] == "3/180d" and proposal["dates"] == ["2025-01-10", "2025-03-01", "2025-07-09"]
    assert (proposal["window_start"], proposal["window_end"], proposal["reached_on"]) == (
        "2025-01-10",
        "2025-07-09",
        "2025-07-09",
    )
    assert body["approaching"] == []
    # the first day counted: 2025-07-09 is a day too late; the later pair is one short of 3/180d until
    # 2025-08-27, and the three one short of 4/1y until the day before 2026-01-10
    settings.ZHIBEN = {**settings.ZHIBEN, "REPEAT_OFFENCE_FIRST_DAY_COUNTED": True}
    counted = ask(officer, **{"from": "2025-01", "to": "2025-07"})
    assert counted["window_convention"].startswith("首日计入") and counted["first_day_counted"] is True
    assert counted["closure_proposals"] == []
    assert [(a["rule"], a["dates"], a["until"]) for a in counted["approaching"]] == [
        ("3/180d", ["2025-03-01", "2025-07-09"], "2025-08-27"),
        ("4/1y", ["2025-01-10", "2025-03-01", "2025-07-09"], "2026-01-09"),
    ]


@pytest.mark.django_db
def test_four_within_one_year_across_a_leap_day(county: Any, settings: Any) -> None:
    officer, unit = county
    firm = factories.enterprise(region="500241100", sector="machinery", name="清溪机械")
    penalise(officer, firm, unit, "2023-03-01", "2023-07-01", "2023-11-01", "2024-03-01")  # 366 days
    (proposal,) = ask(officer, **{"from": "2024-01", "to": "2024-12"})["closure_proposals"]
    assert proposal["rule"] == "4/1y" and proposal["window_end"] == "2024-03-01"
    assert [h["rule"] for h in proposal["hits"]] == ["4/1y"]
    settings.ZHIBEN = {**settings.ZHIBEN, "REPEAT_OFFENCE_FIRST_DAY_COUNTED": True}
    assert ask(officer, **{"from": "2024-01", "to": "2024-12"})["closure_proposals"] == []


@pytest.mark.django_db
def test_only_penalties_for_a_major_hazard_count_once_a_day_and_not_the_closure_itself(county: Any) -> None:
    officer, unit = county
    firm = factories.enterprise(region="500241100", sector="machinery", name="清溪机械")
    penalise(officer, firm, unit, "2025-02-01", "2025-02-01", "2025-03-01")  # two decisions of one day
    penalise(officer, firm, unit, "2025-04-01", major=False)
    penalise(officer, firm, unit, "2025-04-02", kind="closure")
    body = ask(officer, **{"from": "2025-01", "to": "2025-04"})
    assert body["closure_proposals"] == []
    assert [(a["rule"], a["dates"]) for a in body["approaching"]] == [("3/180d", ["2025-02-01", "2025-03-01"])]
    penalise(officer, firm, unit, "2025-04-03")
    assert [p["reached_on"] for p in ask(officer, **{"from": "2025-01", "to": "2025-04"})["closure_proposals"]] == [
        "2025-04-03"
    ]


@pytest.mark.django_db
def test_proposals_are_those_of_the_scope(county: Any) -> None:
    officer, _ = county
    far = factories.enterprise(region="110105", sector="machinery", name="朝阳机械")
    far_officer = factories.user("r-far", role="officer", region="110105")
    penalise(far_officer, far, None, "2025-01-01", "2025-02-01", "2025-03-01")
    assert ask(officer, **{"from": "2025-01", "to": "2025-12"})["closure_proposals"] == []
    assert len(ask(far_officer, **{"from": "2025-01", "to": "2025-12"})["closure_proposals"]) == 1
