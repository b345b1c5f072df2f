"""The due rules and the completion rule (rules.py), at their boundaries."""

from __future__ import annotations

import calendar
import datetime

from hypothesis import given
from hypothesis import strategies as st

from zhiben.duties.models import DueKind, ReportPeriod
from zhiben.duties.rules import Due, Tally, due_day, due_from_text, item_tally, periods

D = datetime.date
YEAR = 2026


def test_an_entry_on_the_due_day_is_on_time_and_the_day_after_is_late() -> None:
    due = Due(DueKind.DATE, on=D(2026, 6, 30))
    on_day = item_tally(due, YEAR, [D(2026, 6, 30)], as_of=D(2026, 12, 31))
    after = item_tally(due, YEAR, [D(2026, 7, 1)], as_of=D(2026, 12, 31))
    assert (on_day.due, on_day.on_time, on_day.done, on_day.missing) == (1, 1, 1, 0)
    assert (after.due, after.on_time, after.done, after.late, after.missing) == (1, 0, 1, 1, 0)


def test_an_item_is_due_on_its_due_day_not_the_day_before() -> None:
    due = Due(DueKind.DATE, on=D(2026, 6, 30))
    assert item_tally(due, YEAR, [], as_of=D(2026, 6, 29)).due == 0
    on_day = item_tally(due, YEAR, [], as_of=D(2026, 6, 30))
    assert (on_day.due, on_day.missing, on_day.rate) == (1, 1, 0.0)


def test_an_entry_after_the_as_of_day_does_not_count() -> None:
    due = Due(DueKind.DATE, on=D(2026, 3, 31))
    t = item_tally(due, YEAR, [D(2026, 5, 1)], as_of=D(2026, 4, 30))
    assert (t.due, t.done, t.missing) == (1, 0, 1)


def test_a_quarterly_item_counts_each_ended_quarter_and_an_entry_counts_for_its_own_quarter() -> None:
    due = Due(DueKind.ONGOING, period=ReportPeriod.QUARTER)
    # Q1 reported on its last day; Q2 reported on the first day of Q3 — that is Q3's report, Q2 is missing
    t = item_tally(due, YEAR, [D(2026, 3, 31), D(2026, 7, 1)], as_of=D(2026, 9, 29))
    assert (t.due, t.on_time, t.done, t.missing) == (2, 1, 1, 1)
    t = item_tally(due, YEAR, [D(2026, 3, 31), D(2026, 7, 1)], as_of=D(2026, 9, 30))
    assert (t.due, t.on_time, t.missing) == (3, 2, 1)


def test_a_monthly_item_in_a_year_has_twelve_periods() -> None:
    assert len(periods(ReportPeriod.MONTH, YEAR)) == 12
    assert periods(ReportPeriod.MONTH, 2028)[1] == (D(2028, 2, 1), D(2028, 2, 29))


def test_an_annual_rule_takes_the_lists_year_and_a_leap_day_falls_back() -> None:
    assert due_day(Due(DueKind.ANNUAL, month=3, day=31), 2026) == D(2026, 3, 31)
    assert due_day(Due(DueKind.ANNUAL, month=2, day=29), 2026) == D(2026, 2, 28)
    assert due_day(Due(DueKind.ANNUAL, month=2, day=29), 2028) == D(2028, 2, 29)


def test_an_item_without_a_rule_is_not_counted() -> None:
    assert item_tally(Due(DueKind.UNKNOWN), YEAR, [D(2026, 1, 2)], as_of=D(2026, 12, 31)) == Tally()


def test_deadline_texts_as_the_plans_write_them() -> None:
    assert due_from_text("2024年12月", 2024) == Due(DueKind.MONTH_END, on=D(2024, 12, 31))
    assert due_from_text("完成时限：2024年9月", 2024) == Due(DueKind.MONTH_END, on=D(2024, 9, 30))
    assert due_from_text("6月底前", 2026) == Due(DueKind.MONTH_END, on=D(2026, 6, 30))
    assert due_from_text("2026年3月15日前", 2026) == Due(DueKind.DATE, on=D(2026, 3, 15))
    assert due_from_text("2026-03-15", 2026) == Due(DueKind.DATE, on=D(2026, 3, 15))
    assert due_from_text("年底前", 2026) == Due(DueKind.YEAR_END, on=D(2026, 12, 31))
    assert due_from_text("第三季度", 2026) == Due(DueKind.QUARTER_END, on=D(2026, 9, 30))
    assert due_from_text("每年3月31日前", 2026) == Due(DueKind.ANNUAL, month=3, day=31)
    assert due_from_text("每年", 2026) == Due(DueKind.ANNUAL, month=12, day=31)
    assert due_from_text("长期坚持", 2026) == Due(DueKind.ONGOING, period=ReportPeriod.QUARTER)
    assert due_from_text("每季度", 2026) == Due(DueKind.ONGOING, period=ReportPeriod.QUARTER)
    assert due_from_text("每月", 2026) == Due(DueKind.ONGOING, period=ReportPeriod.MONTH)
    assert due_from_text("每半年", 2026) == Due(DueKind.ONGOING)
    assert due_from_text("上半年", 2026) == Due(DueKind.QUARTER_END, on=D(2026, 6, 30))
    assert due_from_text("2025 2026", 2026) == Due(DueKind.YEAR_END, on=D(2026, 12, 31))
    # the plans' reader reads an extraction loss: a day past the month's end is the month's last day
    assert due_from_text("2026年2月30日", 2026) == Due(DueKind.MONTH_END, on=D(2026, 2, 28))
    assert due_from_text("尽快", 2026).kind == DueKind.UNKNOWN
    # a month that does not exist is not the year's end: it is not read, and the item form asks for it again
    assert due_from_text("2026年13月底前", 2026).kind == DueKind.UNKNOWN


days = st.dates(min_value=D(2026, 1, 1), max_value=D(2026, 12, 31))


@given(due_on=days, entries=st.lists(days, max_size=5), as_of=days)
def test_a_dated_item_is_on_time_exactly_when_an_entry_is_on_or_before_its_due_day(due_on, entries, as_of) -> None:
    t = item_tally(Due(DueKind.DATE, on=due_on), YEAR, entries, as_of)
    assert t.due == int(due_on <= as_of)
    if t.due:
        assert t.on_time == int(any(e <= due_on for e in entries))
        assert t.done == int(any(e <= as_of for e in entries))
    assert 0 <= t.on_time <= t.done <= t.due
    assert t.missing == t.due - t.done


@given(
    period=st.sampled_from([ReportPeriod.MONTH, ReportPeriod.QUARTER, ReportPeriod.YEAR]),
    entries=st.lists(days, max_size=8),
    first=days,
    second=days,
)
def test_periodic_counts_grow_with_the_as_of_day(period, entries, first, second) -> None:
    early, late = sorted((first, second))
    a = item_tally(Due(DueKind.ONGOING, period=period), YEAR, entries, early)
    b = item_tally(Due(DueKind.ONGOING, period=period), YEAR, entries, late)
    assert a.due <= b.due and a.on_time <= b.on_time
    assert b.on_time == b.done <= b.due
    ended = [p for p in periods(period, YEAR) if p[1] <= late]
    assert b.on_time == sum(any(s <= e <= end for e in entries) for s, end in ended)


@given(day=days)
def test_a_date_written_as_the_plans_write_it_is_that_date(day) -> None:
    for text in (f"{day.year}年{day.month}月{day.day}日前", day.isoformat()):
        assert due_from_text(text, YEAR) == Due(DueKind.DATE, on=day)
    last = calendar.monthrange(YEAR, day.month)[1]
    assert due_from_text(f"{day.month}月底前", YEAR) == Due(DueKind.MONTH_END, on=D(YEAR, day.month, last))


@given(text=st.text(max_size=40))
def test_any_text_gives_a_rule_the_ledger_can_count(text) -> None:
    due = due_from_text(text, YEAR)
    assert due.kind in DueKind.values
    if due.kind == DueKind.ONGOING:
        assert due.period in ("", *ReportPeriod.values)
    elif due.kind == DueKind.ANNUAL:
        assert due_day(due, YEAR) is not None
    elif due.kind != DueKind.UNKNOWN:
        assert due.on is not None
