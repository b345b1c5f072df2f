"""Two transactions at once (PostgreSQL row locks): does the second wait for the first, and what does it do
once the first has committed?"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection, connections, transaction


def second_waits(first: Callable[[], None], second: Callable[[], None]) -> BaseException | None:
    """Thread A runs ``first`` in a transaction it keeps open while thread B runs ``second`` in its own
    transaction with a 3-second lock timeout; returns what B raised (None: B never waited for A)."""
    return _two(first, second, a_holds=lambda b_done: b_done.wait(30), lock_timeout="3s")


def second_after_first(
    first: Callable[[], None], second: Callable[[], None], *, hold: float = 0.5
) -> BaseException | None:
    """Thread A runs ``first`` in a transaction and commits it ``hold`` seconds after thread B has started
    ``second`` in its own: B, if it takes a lock A holds, waits for A's commit and then goes on with what A
    wrote. Returns what B raised (None: it finished)."""
    return _two(first, second, a_holds=lambda _b_done: time.sleep(hold), lock_timeout="10s")


def _two(
    first: Callable[[], None],
    second: Callable[[], None],
    *,
    a_holds: Callable[[threading.Event], object],
    lock_timeout: str,
) -> BaseException | None:
    """A runs ``first`` in a transaction, then ``a_holds(b_done)`` before committing; B starts once A has
    run ``first`` and runs ``second`` in its own transaction with ``lock_timeout``. Returns what B raised."""
    holding, done = threading.Event(), threading.Event()
    outcome: dict[str, BaseException | None] = {"b": None}

    def a() -> None:
        try:
            with transaction.atomic():
                first()
                holding.set()
                a_holds(done)  # bounded by the caller: B sets ``done`` when it has finished either way
        finally:
            holding.set()
            connections.close_all()

    def b() -> None:
        holding.wait(30)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{lock_timeout}'")
                second()
        except BaseException as exc:
            outcome["b"] = exc
        finally:
            done.set()
            connections.close_all()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcome["b"]
