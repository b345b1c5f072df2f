"""Explicit hooks: how a lower layer hands work to the engines above it without importing them.

A register's service calls a hook by name inside its transaction (``tallies_changed("hazard", …)``);
the platform app that keeps the figures connects its receiver in ``AppConfig.ready``. Unlike Django
signals these are few, named here, typed, and refuse to run outside a transaction where the receivers
must write in the caller's transaction (DESIGN.md §5: counts kept in the same transaction as the change).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

Change = tuple[Any, Any]  # (before, after): a register's tally shape of one record, None where absent
TallyReceiver = Callable[[list[Change], datetime.date | None], None]
DayReceiver = Callable[[datetime.date], Any]
ChainCheck = Callable[[], "str | None"]
# (record or its primary key, event kind, payload): an event a register's service has just written
Written = tuple[Any, str, Any]
EventsReceiver = Callable[[Any, str, Any, list[Written]], None]
# (enterprise's primary key, {copied field: (before, after)}): an enterprise registered in another region
# or reclassified to another sector ("region", "sector", as codes)
Move = tuple[int, dict[str, tuple[str, str]]]
MovesReceiver = Callable[[Any, list[Move]], Any]

_tally: dict[str, list[TallyReceiver]] = defaultdict(list)
_day_started: list[DayReceiver] = []
_chain_checks: list[tuple[str, ChainCheck]] = []
_events_written: list[EventsReceiver] = []
_enterprises_moved: list[MovesReceiver] = []
_people_told: list[Callable[[str, list[PersonNotice]], None]] = []


def on_tallies_changed(subject: str, receiver: TallyReceiver) -> None:
    """Connect ``receiver(changes, day)`` to the tally changes of ``subject`` (a register's name)."""
    if receiver not in _tally[subject]:
        _tally[subject].append(receiver)


def tallies_changed(subject: str, changes: Iterable[Change], *, day: datetime.date | None = None) -> None:
    """Hand the receivers the records of ``subject`` whose tally shape changed, ``[(before, after)]``.

    Must run inside the caller's ``transaction.atomic()`` so the counts commit or roll back with the
    change; raises RuntimeError otherwise. ``day`` (a Beijing date, default today) dates the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("summary counts must change in the same transaction as the record")
    pairs = [(b, a) for b, a in changes if b != a]
    if not pairs:
        return
    for receiver in _tally[subject]:
        receiver(pairs, day)


def on_day_started(receiver: DayReceiver) -> None:
    """Connect ``receiver(today)`` to the nightly start of a Beijing day (run by the escalation sweep)."""
    if receiver not in _day_started:
        _day_started.append(receiver)


def day_started(today: datetime.date) -> None:
    """Tell the receivers that ``today`` has begun (e.g. fold deadlines that have just passed)."""
    for receiver in _day_started:
        receiver(today)


def on_verify_chain(name: str, check: ChainCheck) -> None:
    """Connect a check that ``verify_events`` runs after the event chains: it answers a Chinese
    description of the first problem (rows behind an event's digest edited or deleted), or None."""
    if all(n != name for n, _ in _chain_checks):
        _chain_checks.append((name, check))


def chain_checks() -> list[tuple[str, ChainCheck]]:
    """The connected checks, as ``[(name, check)]``."""
    return list(_chain_checks)


def on_events_written(receiver: EventsReceiver) -> None:
    """Connect ``receiver(actor, subject_type, model, events)`` to the events the registers write (the
    notification rules engine)."""
    if receiver not in _events_written:
        _events_written.append(receiver)


def events_written(*, actor: Any, subject_type: str, model: Any, events: Iterable[Written]) -> None:
    """Hand the receivers the events a register's service has just written on records of ``model`` (its
    subject type ``subject_type``): each ``(record, kind, payload)``, the record as an instance or its
    primary key. Must run inside the service's ``transaction.atomic()``, so that what the receivers write
    (the notices) commits or rolls back with the event; raises RuntimeError otherwise."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notices must be written in the same transaction as the event")
    batch = list(events)
    if not batch:
        return
    for receiver in _events_written:
        receiver(actor, subject_type, model, batch)


def on_enterprises_moved(receiver: MovesReceiver) -> None:
    """Connect ``receiver(actor, moves)`` to enterprises moved to another region or sector (a register
    whose records copy their enterprise's region and sector, e.g. hazards, for scoped queries)."""
    if receiver not in _enterprises_moved:
        _enterprises_moved.append(receiver)


def enterprises_moved(*, actor: Any, moves: Iterable[Move]) -> None:
    """Tell the receivers that enterprises changed region or sector, ``[(enterprise_id, {"region": (before,
    after), "sector": (before, after)})]`` (only the fields that changed), so that the records that copy
    them follow (with their counts and events). Must run inside the enterprise service's
    ``transaction.atomic()``: the records move with the enterprise or not at all; raises RuntimeError
    otherwise."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("records must follow their enterprise in the same transaction")
    batch = [
        (pk, changed)
        for pk, fields in moves
        if (changed := {f: (old, new) for f, (old, new) in fields.items() if old != new})
    ]
    if not batch:
        return
    for receiver in _enterprises_moved:
        receiver(actor, batch)


@dataclass(frozen=True)
class PersonNotice:
    """A notice for named people rather than for roles in scope (e.g. the missed-check ladder, issue 15: the
    assignee, then the enterprise's safety manager, then its officers): ``users`` by id, and/or ``officers_over``
    — (region code, sector key, enterprise id) of a record: the officers (and admins) whose scope covers it."""

    title: str
    body: str = ""
    link: str = ""
    users: tuple[int, ...] = ()
    officers_over: tuple[str, str | None, int | None] | None = None


def on_people_told(receiver: Callable[[str, list[PersonNotice]], None]) -> None:
    """Connect ``receiver(kind, notices)`` (the notifications app) to notices for named people."""
    if receiver not in _people_told:
        _people_told.append(receiver)


def people_told(kind: str, notices: Iterable[PersonNotice]) -> None:
    """Hand the receivers notices of ``kind`` for named people. Must run inside the caller's transaction, so a
    notice commits with the change that caused it; raises RuntimeError otherwise."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notices must be written in the same transaction as the change")
    batch = list(notices)
    if not batch:
        return
    for receiver in _people_told:
        receiver(kind, batch)
