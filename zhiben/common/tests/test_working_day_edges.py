"""Working-day arithmetic at the ends of the calendar: a deadline typed as year 1 or 9999 (an accepted
date) must give a day, never an OverflowError (a 500 on the extension step)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from zhiben.common import dates

FIRST, LAST = datetime.date.min, datetime.date.max


def test_counting_back_stops_at_the_first_day() -> None:
    assert dates.working_day_back(FIRST + datetime.timedelta(days=3), 20) == FIRST
    assert dates.last_day_before(FIRST + datetime.timedelta(days=3), 20) == FIRST
    assert dates.first_day_not_past(FIRST, 10) == FIRST


def test_counting_on_stops_at_the_last_day() -> None:
    assert dates.add_working_days(LAST - datetime.timedelta(days=2), 10) == LAST


@given(st.dates(), st.integers(min_value=0, max_value=40))
def test_every_day_gives_a_day(day: datetime.date, n: int) -> None:
    assert isinstance(dates.add_working_days(day, n), datetime.date)
    assert isinstance(dates.last_day_before(day, n), datetime.date)
    assert isinstance(dates.first_day_not_past(day, n), datetime.date)
    if n >= 1:
        back = dates.working_day_back(day, n)
        assert back <= day
