"""The check cycles' clock (Huey): every hour the day's cycles are generated (idempotent: the first run of a Beijing
day makes them, later runs make none) and the closed windows are swept into ``missed`` with the ladder's notices."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhiben.common import dates

from . import checks


@db_periodic_task(crontab(minute="2"))
def check_cycles() -> tuple[int, int]:
    """Generate today's cycles (Beijing), then sweep the closed ones; answers (generated, missed)."""
    made = checks.generate(dates.today())
    missed = checks.sweep_missed()
    return made, missed
