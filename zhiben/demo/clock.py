"""Writing the demo's history as it would have happened: each step runs through its service at the moment
it is set for, so that every date and event the service writes (its timeline, the tallies, the deadlines it
computes from "today") are of that moment. Only for the demo: the services never take a time from callers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone


@contextmanager
def at(moment: datetime.datetime) -> Iterator[None]:
    """``django.utils.timezone.now`` answers ``moment`` inside the block (every "now" and "today" of the
    services, the event log and the automatic timestamps read it)."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


@dataclass(order=True)
class Step:
    when: datetime.datetime
    seq: int
    run: Callable[[], Any] = field(compare=False)


class Timeline:
    """Steps collected in any order and run in the order of their moments (the event chains grow in time)."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def add(self, when: datetime.datetime, run: Callable[[], Any]) -> None:
        self.steps.append(Step(when, len(self.steps), run))

    def run(self) -> None:
        now = timezone.now()
        for step in sorted(self.steps):
            with at(min(step.when, now)):
                step.run()


def moment(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """``hour:minute`` Beijing time on ``day``, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
