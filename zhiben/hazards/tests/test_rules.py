"""Derived figures (DESIGN.md §3), over the space of dates with hypothesis."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from zhiben.hazards import rules
from zhiben.hazards.models import Level, Source, Status

dates = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2027, 12, 31))


@dataclass
class H:
    level: str
    source: str
    status: str
    discovered_on: datetime.date
    deadline: datetime.date | None
    closed_on: datetime.date | None = None
    submitted_on: datetime.date | None = None
    supervision_level: str = ""
    supervision_deadline: datetime.date | None = None
    delisted_on: datetime.date | None = None


@given(discovered=dates, cutoff=dates)
def test_cohort_is_stock_up_to_and_including_the_cutoff(discovered, cutoff) -> None:
    h = H(Level.MAJOR, Source.SELF_CHECK, Status.OPEN, discovered, None)
    assert rules.cohort(h, cutoff=cutoff) == ("stock" if discovered <= cutoff else "increment")


def test_the_default_cutoff_is_the_end_of_2023(settings) -> None:
    h = H(Level.MAJOR, Source.SELF_CHECK, Status.OPEN, datetime.date(2023, 12, 31), None)
    assert rules.cohort(h) == "stock"
    h.discovered_on = datetime.date(2024, 1, 1)
    assert rules.cohort(h) == "increment"
    settings.ZHIBEN = {**settings.ZHIBEN, "STOCK_CUTOFF": "2024-06-30"}  # a city plan's cut-off
    assert rules.cohort(h) == "stock"


@given(discovered=dates, offset=st.integers(0, 400), today=dates, status=st.sampled_from(list(Status)))
def test_overdue_means_active_and_past_the_deadline(discovered, offset, today, status) -> None:
    deadline = discovered + datetime.timedelta(days=offset)
    h = H(Level.GENERAL, Source.SELF_CHECK, status, discovered, deadline)
    expected = status in (Status.OPEN, Status.RECTIFYING, Status.PENDING_REVIEW) and today > deadline
    assert rules.is_overdue(h, on=today) is expected
    # on the deadline day itself it is not yet overdue
    assert rules.is_overdue(h, on=deadline) is False


@given(discovered=dates, today=dates)
def test_without_a_deadline_nothing_is_overdue(discovered, today) -> None:
    assert not rules.is_overdue(H(Level.MAJOR, Source.TIP, Status.OPEN, discovered, None), on=today)


@given(discovered=dates, offset=st.integers(0, 400), closed_after=st.integers(0, 500))
def test_closed_on_time_compares_close_out_with_the_deadline(discovered, offset, closed_after) -> None:
    deadline = discovered + datetime.timedelta(days=offset)
    closed = discovered + datetime.timedelta(days=closed_after)
    h = H(Level.MAJOR, Source.SELF_CHECK, Status.CLOSED, discovered, deadline, closed)
    assert rules.closed_on_time(h) is (closed <= deadline)
    h.status = Status.RECTIFYING
    assert rules.closed_on_time(h) is False


@pytest.mark.parametrize(
    ("level", "source", "missed"),
    [
        (Level.MAJOR, Source.INSPECTION, True),
        (Level.MAJOR, Source.TIP, True),
        (Level.MAJOR, Source.SELF_CHECK, False),
        (Level.MAJOR, Source.OTHER, False),
        (Level.GENERAL, Source.INSPECTION, False),
        (Level.GENERAL, Source.TIP, False),
    ],
)
def test_self_check_missed_flags_major_hazards_found_by_others(level, source, missed) -> None:
    h = H(level, source, Status.OPEN, datetime.date(2025, 1, 1), None)
    assert rules.self_check_missed(h) is missed


def test_today_is_the_beijing_calendar_day(monkeypatch) -> None:
    late_utc = datetime.datetime(2025, 6, 30, 20, 0, tzinfo=datetime.UTC)  # 04:00 on 1 July in Beijing
    monkeypatch.setattr(timezone, "now", lambda: late_utc)
    assert rules.today() == datetime.date(2025, 7, 1)


@pytest.mark.django_db
@given(discovered=dates, offset=st.integers(0, 200), today=dates)
@hsettings(deadline=None)  # each example writes rows: a busy machine is no failure
def test_the_sql_filters_agree_with_the_python_rules(discovered, offset, today) -> None:
    """The list filters (SQL) and the answers (Python) must never disagree."""
    from zhiben.hazards.models import Hazard
    from zhiben.tests_support import factories

    firm = factories.enterprise()
    h = Hazard.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        level="general",
        source="inspection",
        title="t",
        discovered_on=discovered,
        deadline=discovered + datetime.timedelta(days=offset),
    )
    in_overdue = Hazard.objects.filter(rules.q_overdue(on=today), pk=h.pk).exists()
    assert in_overdue is rules.is_overdue(h, on=today)
    in_stock = Hazard.objects.filter(rules.q_cohort("stock"), pk=h.pk).exists()
    assert in_stock is (rules.cohort(h) == "stock")
    h.delete()
    firm.delete()
