"""Period keys and the report due day of periodic tasks (每年 / 长期坚持)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiben.plans.periods import KINDS, NotAPeriod, Period, parse_period, period_of, report_due

days = st.dates(min_value=datetime.date(2001, 1, 1), max_value=datetime.date(2099, 12, 31))
kinds = st.sampled_from(KINDS)


@given(days, kinds)
def test_a_period_holds_its_day_and_reads_back_from_its_key(day: datetime.date, kind: str) -> None:
    p = period_of(day, kind)
    assert p.start <= day <= p.end
    assert parse_period(p.key) == p


@given(days, kinds)
def test_the_next_period_starts_the_day_after(day: datetime.date, kind: str) -> None:
    p = period_of(day, kind)
    assert p.next().start == p.end + datetime.timedelta(days=1)
    assert p.next().kind == kind


@given(days, kinds, st.integers(min_value=0, max_value=30))
def test_a_report_is_due_grace_days_after_the_oldest_unreported_period(
    day: datetime.date, kind: str, grace: int
) -> None:
    first = period_of(day, kind)
    owed = report_due(every=kind, start=day, reported=set(), grace=grace)
    assert owed == (first, first.end + datetime.timedelta(days=grace))
    after = report_due(every=kind, start=day, reported={first.key}, grace=grace)
    assert after is not None
    assert after[0] == first.next()
    assert after[1] > owed[1]


def test_a_schedule_ends_with_the_plans_years() -> None:
    start = datetime.date(2026, 3, 1)
    assert report_due(every="year", start=start, reported={"2026"}, years=(2024, 2025, 2026)) is None
    yearly = report_due(every="year", start=start, reported=set(), years=(2026,), month=11, day=None)
    assert yearly == (Period("year", 2026, 1), datetime.date(2026, 11, 30))


@pytest.mark.parametrize("raw", ["2026-13", "2026Q5", "2026H3", "26Q1", "", "下半年", None, True, "1999"])
def test_a_bad_period_is_refused_in_chinese(raw: object) -> None:
    with pytest.raises(NotAPeriod, match=r"[应年月]"):
        parse_period(raw)


def test_the_keys_people_write() -> None:
    assert parse_period("2026-11").label == "2026年11月"
    assert parse_period("2026q3").key == "2026Q3"
    assert parse_period("2026H2").label == "2026年下半年"
    assert parse_period("2026").end == datetime.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("2026-Q4", "2026Q4"),
        ("2026 q4", "2026Q4"),
        ("２０２６Ｑ４", "2026Q4"),
        ("2026年第四季度", "2026Q4"),
        ("2026年第3季度", "2026Q3"),
        ("2026年11月", "2026-11"),
        ("2026/11", "2026-11"),
        ("2026年上半年", "2026H1"),
        ("2026-H2", "2026H2"),
        ("2026年", "2026"),
        ("2026年度", "2026"),
    ],
)
def test_the_ways_people_write_a_period_read_as_its_key(raw: str, key: str) -> None:
    assert parse_period(raw).key == key
