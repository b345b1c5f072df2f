"""Summary rows in stripes (``stripe``): concurrent writers add to different rows of one key, every
reader sums them, the nightly fold merges them back into stripe 0, and nothing is lost on the way."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.utils import OperationalError

from zhiben.analytics.models import (
    ActiveDeadline,
    ActiveDeadlineMonth,
    EnterpriseDeadline,
    HazardMonthTally,
    HazardTally,
)
from zhiben.analytics.selectors import FIGURES, hazard_stats, hazard_stats_from_rows
from zhiben.analytics.tallies import fold_past_deadlines, stripe, tally_change, tally_drift
from zhiben.hazards import rules
from zhiben.hazards.tallies import shape_of
from zhiben.tests_support import factories
from zhiben.tests_support.concurrency import second_waits

MODELS = (HazardTally, HazardMonthTally, ActiveDeadline, ActiveDeadlineMonth, EnterpriseDeadline)


def _record(actor: Any, firm: Any, discovered: str, deadline: str | None, level: str = "general") -> Any:
    return factories.hazard(actor, firm, discovered_on=discovered, deadline=deadline, level=level)


def _figures(actor: Any) -> dict[str, dict[str, int]]:
    return {g["key"]: {f: g[f] for f in FIGURES} for g in hazard_stats(actor=actor, group_by="region")["groups"]}


@pytest.mark.django_db
def test_stripes_are_summed_by_every_reader_and_merged_by_the_fold(admin_user, officer, firm) -> None:
    day = rules.today()
    past = (day - datetime.timedelta(days=5)).isoformat()
    soon = (day + datetime.timedelta(days=5)).isoformat()
    _record(officer, firm, past, past, "major")
    _record(officer, firm, past, soon)
    # What another server session would have written: the same keys, in another stripe.
    other = 9999
    for model in MODELS:
        model.objects.update(stripe=other)
    _record(officer, firm, past, past, "major")
    _record(officer, firm, past, soon)
    split = {m.__name__: m.objects.filter(stripe=other).count() for m in MODELS}
    assert all(split.values())
    assert HazardTally.objects.filter(stripe=stripe()).exists()

    assert tally_drift() == []
    slow = hazard_stats_from_rows(actor=admin_user, region=None, level=None, group_by="region")
    assert _figures(admin_user) == {k: v for k, v in slow.items() if any(v.values())}
    before = _figures(admin_user)
    assert sum(g["overdue"] for g in before.values()) == 2

    assert fold_past_deadlines(today=day) >= sum(split.values())
    assert not any(m.objects.exclude(stripe=0).exists() for m in MODELS)
    assert tally_drift() == []
    assert _figures(admin_user) == before


# --------------------------------------------------------------------------- independence on PostgreSQL
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")


def _count_again(hazard: Any) -> Callable[[], None]:
    shape = shape_of(hazard)

    def run() -> None:
        tally_change(None, shape)

    return run


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_sessions_add_to_their_own_stripe_without_waiting(settings) -> None:
    """Two sessions counting hazards of two counties of one province (shared province and city rows)."""
    officer = factories.user("stripes", role="admin")
    one = factories.enterprise(region="500241", sector="hazardous_chemicals", name="甲化工有限公司")
    two = factories.enterprise(region="500242", sector="hazardous_chemicals", name="乙化工有限公司")
    day = rules.today().isoformat()
    a, b = _record(officer, one, day, day), _record(officer, two, day, day)
    # process ids as stripes: two sessions never share one (the default folds them onto 16 rows)
    settings.ZHIBEN = {**settings.ZHIBEN, "TALLY_STRIPES": 32767}
    assert second_waits(_count_again(a), _count_again(b)) is None
    settings.ZHIBEN = {**settings.ZHIBEN, "TALLY_STRIPES": 1}  # one row per key: the second session queues
    assert isinstance(second_waits(_count_again(a), _count_again(b)), OperationalError)
