"""Grading (FACTS §4) at and around every threshold, as a property, and the reporting rules."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from zhiben.accidents import rules
from zhiben.accidents.models import Grade
from zhiben.accidents.rules import grade_of

G, RM, M, EM = Grade.GENERAL, Grade.RELATIVELY_MAJOR, Grade.MAJOR, Grade.ESPECIALLY_MAJOR
NOTHING: dict[str, Any] = {"deaths": 0, "serious_injuries": 0, "direct_loss": Decimal(0)}


@pytest.mark.parametrize(
    ("deaths", "grade"), [(0, G), (2, G), (3, RM), (9, RM), (10, M), (29, M), (30, EM), (100_000, EM)]
)
def test_deaths_alone_grade_the_accident(deaths, grade) -> None:
    assert grade_of(**{**NOTHING, "deaths": deaths}) == grade


@pytest.mark.parametrize(
    ("injuries", "grade"), [(0, G), (9, G), (10, RM), (49, RM), (50, M), (99, M), (100, EM), (5000, EM)]
)
def test_serious_injuries_alone_grade_the_accident(injuries, grade) -> None:
    assert grade_of(**{**NOTHING, "serious_injuries": injuries}) == grade


@pytest.mark.parametrize(
    ("loss", "grade"),
    [
        ("0", G),
        ("9999999.99", G),
        ("10000000", RM),
        ("10000000.00", RM),
        ("49999999.99", RM),
        ("50000000", M),
        ("99999999.99", M),
        ("100000000", EM),
        ("100000000.01", EM),
    ],
)
def test_direct_loss_alone_grades_the_accident(loss, grade) -> None:
    assert grade_of(**{**NOTHING, "direct_loss": Decimal(loss)}) == grade


def test_the_highest_criterion_wins() -> None:
    assert grade_of(deaths=2, serious_injuries=10, direct_loss=Decimal("9999999.99")) == RM
    assert grade_of(deaths=3, serious_injuries=50, direct_loss=Decimal(0)) == M
    assert grade_of(deaths=0, serious_injuries=0, direct_loss=Decimal("100000000")) == EM
    assert grade_of(deaths=29, serious_injuries=99, direct_loss=Decimal("99999999.99")) == M


# FACTS §4 written out again, independently of the settings-driven implementation.
def _reference(deaths: int, injuries: int, loss: Decimal) -> str:
    def one(value: Decimal | int, bounds: tuple[int, int, int]) -> int:
        return 3 if value >= bounds[2] else 2 if value >= bounds[1] else 1 if value >= bounds[0] else 0

    rank = max(
        one(deaths, (3, 10, 30)),
        one(injuries, (10, 50, 100)),
        one(loss, (10_000_000, 50_000_000, 100_000_000)),
    )
    return (G, RM, M, EM)[rank]


counts = st.integers(min_value=0, max_value=rules.MAX_PERSONS)
losses = st.decimals(min_value=0, max_value=rules.MAX_LOSS, places=2, allow_nan=False, allow_infinity=False)
near = st.sampled_from([0, 2, 3, 9, 10, 29, 30, 49, 50, 99, 100, 101])
near_loss = st.sampled_from(
    [Decimal(v) for v in ("0", "9999999.99", "10000000", "49999999.99", "50000000", "99999999.99", "100000000")]
)


@given(deaths=st.one_of(counts, near), injuries=st.one_of(counts, near), loss=st.one_of(losses, near_loss))
def test_the_grade_is_the_highest_per_criterion_grade(deaths, injuries, loss) -> None:
    grade = grade_of(deaths=deaths, serious_injuries=injuries, direct_loss=loss)
    assert grade == _reference(deaths, injuries, loss)
    per_criterion = [
        grade_of(**{**NOTHING, "deaths": deaths}),
        grade_of(**{**NOTHING, "serious_injuries": injuries}),
        grade_of(**{**NOTHING, "direct_loss": loss}),
    ]
    assert grade == max(per_criterion, key=rules.grade_rank)


@given(
    deaths=st.one_of(counts, near),
    injuries=st.one_of(counts, near),
    loss=st.one_of(losses, near_loss),
    more=st.tuples(st.integers(0, 200), st.integers(0, 200), st.decimals(0, 200_000_000, places=2)),
)
def test_more_casualties_or_loss_never_lower_the_grade(deaths, injuries, loss, more) -> None:
    before = grade_of(deaths=deaths, serious_injuries=injuries, direct_loss=loss)
    after = grade_of(deaths=deaths + more[0], serious_injuries=injuries + more[1], direct_loss=loss + more[2])
    assert rules.grade_rank(after) >= rules.grade_rank(before)


def test_thresholds_are_settings(settings) -> None:
    settings.ZHIBEN = {
        **settings.ZHIBEN,
        "ACCIDENT_THRESHOLDS": {
            "deaths": [2, 5, 20],
            "serious_injuries": [10, 50, 100],
            "direct_loss": ["1000", "5000", "10000"],
        },
    }
    assert grade_of(deaths=2, serious_injuries=0, direct_loss=Decimal(0)) == RM
    assert grade_of(deaths=0, serious_injuries=0, direct_loss=Decimal(5000)) == M


def test_bad_threshold_settings_are_refused(settings) -> None:
    settings.ZHIBEN = {
        **settings.ZHIBEN,
        "ACCIDENT_THRESHOLDS": {
            "deaths": [10, 3, 30],
            "serious_injuries": [10, 50, 100],
            "direct_loss": ["1", "2", "3"],
        },
    }
    with pytest.raises(ImproperlyConfigured):
        grade_of(**NOTHING)


T0 = datetime.datetime(2025, 3, 1, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.mark.parametrize(("minutes", "late"), [(0, False), (59, False), (60, False), (61, True), (600, True)])
def test_a_first_report_over_an_hour_after_the_head_was_told_is_late(minutes, late) -> None:
    """条例 第九条: the unit's head reports within 1 hour of being told; the clock runs from then."""
    head = T0 + datetime.timedelta(hours=3)
    assert rules.is_late(head_notified_at=head, reported_at=head + datetime.timedelta(minutes=minutes)) is late
    assert rules.is_late(head_notified_at=head, reported_at=head + datetime.timedelta(minutes=60, seconds=1)) is True


def test_the_supplement_window_is_30_days_or_7_for_road_traffic_and_fire() -> None:
    """条例 第十三条: 30 days; 7 for road traffic accidents and fires, by type."""
    assert rules.supplement_days("machinery") == 30
    assert rules.supplement_days("vehicle") == 30
    assert rules.supplement_days("road_traffic") == 7
    assert rules.supplement_days("fire") == 7
    assert rules.supplement_deadline(occurred_at=T0, accident_type="other") == datetime.date(2025, 3, 31)
    assert rules.supplement_deadline(occurred_at=T0, accident_type="road_traffic") == datetime.date(2025, 3, 8)
    # the Beijing calendar day counts: 23:30 on 1 March Beijing time is 15:30 UTC the same day
    late_evening = T0.replace(hour=23, minute=30).astimezone(datetime.UTC)
    assert rules.supplement_deadline(occurred_at=late_evening, accident_type="other") == datetime.date(2025, 3, 31)
    early = T0.replace(hour=0, minute=30).astimezone(datetime.UTC)  # 16:30 UTC on 28 February
    assert rules.supplement_deadline(occurred_at=early, accident_type="fire") == datetime.date(2025, 3, 8)
