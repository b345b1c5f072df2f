"""Named locks (zhiben.audit.locks.hold): a second holder of the same name waits, other names do not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, transaction

from zhiben.audit.locks import hold
from zhiben.audit.models import NamedLock
from zhiben.tests_support.concurrency import second_waits


@pytest.mark.django_db
def test_hold_creates_the_lock_once_and_runs_the_block() -> None:
    ran = []
    with hold("sweep"):
        ran.append(1)
    with transaction.atomic(), hold("sweep"), hold("sweep"):  # re-entrant within one transaction
        ran.append(2)
    assert ran == [1, 2]
    assert list(NamedLock.objects.values_list("name", flat=True)) == ["sweep"]


def _second_holder(first: str, second: str) -> BaseException | None:
    """A holds ``first`` while B tries ``second`` with a lock timeout; returns what B raised."""

    def holding(name: str) -> Callable[[], None]:
        def run() -> None:
            with hold(name):
                pass

        return run

    return second_waits(holding(first), holding(second))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_second_holder_waits_for_the_same_name_only() -> None:
    for name in ("sweep", "rebuild"):
        with hold(name):
            pass
    assert isinstance(_second_holder("sweep", "sweep"), OperationalError)
    assert _second_holder("sweep", "rebuild") is None
