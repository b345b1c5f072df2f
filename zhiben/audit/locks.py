"""Named locks: one job of a kind at a time (the sweep, a rebuild …), without borrowing another table's rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from .models import NamedLock


@contextmanager
def hold(name: str) -> Iterator[None]:
    """Run the block holding the lock ``name`` (at most 64 characters); a second holder waits.

    Locks a ``NamedLock`` row with ``SELECT … FOR UPDATE``, creating it on first use (two first users
    race harmlessly: the loser waits for the winner's row). The block runs in ``transaction.atomic()``.
    A row lock lasts as long as the transaction: outside any transaction it is released when the block
    ends; inside the caller's ``transaction.atomic()`` only when that transaction commits or rolls back.
    On SQLite every transaction begins IMMEDIATE (zhiben/settings.py): holders are serialised anyway."""
    with transaction.atomic():
        NamedLock.objects.bulk_create([NamedLock(name=name)], ignore_conflicts=True)
        NamedLock.objects.select_for_update().get(name=name)
        yield
