"""Periods and due days of the hazard statistics (16号令 第十四条: 下一季度15日前, 下一年1月31日前)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiben.filings.periods import NotAPeriod, Period, last_ended, parse_period

D = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "end", "due"),
    [
        ("2026Q1", D(2026, 1, 1), D(2026, 3, 31), D(2026, 4, 15)),
        ("2026Q2", D(2026, 4, 1), D(2026, 6, 30), D(2026, 7, 15)),
        ("2026Q3", D(2026, 7, 1), D(2026, 9, 30), D(2026, 10, 15)),
        ("2026Q4", D(2026, 10, 1), D(2026, 12, 31), D(2027, 1, 15)),  # Q4 → next year's January
        ("2026", D(2026, 1, 1), D(2026, 12, 31), D(2027, 1, 31)),  # the year → 31 January
        ("2024q1", D(2024, 1, 1), D(2024, 3, 31), D(2024, 4, 15)),
    ],
)
def test_due_days_follow_article_14(text, start, end, due) -> None:
    p = parse_period(text)
    assert (p.start, p.end, p.due) == (start, end, due)


@pytest.mark.parametrize("text", ["", "2026Q5", "2026Q0", "26Q3", "2026-Q3", "Q3", "1999", "2026Q3x", "二〇二六"])
def test_anything_else_is_not_a_period(text) -> None:
    with pytest.raises(NotAPeriod):
        parse_period(text)


@given(st.integers(2000, 9998), st.integers(1, 4))
def test_a_quarter_is_due_on_the_15th_of_the_month_after_it_ends(year, quarter) -> None:
    p = Period(year, quarter)
    after = p.end + datetime.timedelta(days=1)
    assert p.due == D(after.year, after.month, 15)
    assert p.start <= p.end < p.due and (p.due - p.end).days == 15
    assert parse_period(p.key) == p


@given(st.integers(2000, 9998))
def test_a_year_is_due_on_31_january_of_the_next(year) -> None:
    p = Period(year)
    assert p.due == D(year + 1, 1, 31) and p.end == D(year, 12, 31)
    assert parse_period(p.key) == p


@given(st.dates(min_value=D(2001, 1, 1), max_value=D(9998, 12, 31)))
def test_the_last_ended_quarter_ended_before_today_and_its_next_has_not(today) -> None:
    p = last_ended(today)
    assert p.ended(today)
    following = Period(p.year + 1, 1) if p.quarter == 4 else Period(p.year, (p.quarter or 0) + 1)
    assert not following.ended(today)
    assert last_ended(today, "year") == Period(today.year - 1)


def test_a_period_has_ended_only_after_its_last_day() -> None:
    p = parse_period("2026Q3")
    assert not p.ended(D(2026, 9, 30)) and p.ended(D(2026, 10, 1))
