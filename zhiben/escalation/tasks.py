"""The nightly sweep (Huey): every register's deadline sources up the ladder for the new Beijing day."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .engine import sweep


@db_periodic_task(crontab(hour="17", minute="5"))  # 01:05 Beijing time (Huey's crontab is UTC)
def nightly_sweep() -> dict[str, dict[str, int]]:
    """The escalation sweep, every night for the new Beijing day; answers the steps added per source."""
    return {key: r.counts for key, r in sweep().sources.items()}
