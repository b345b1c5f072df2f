"""Nightly: overdue tips up the escalation ladder (after the hazards' sweep)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="17", minute="15"))  # 01:15 Beijing time
def nightly_tip_sweep() -> dict[str, int]:
    from zhiben.hazards.rules import today

    from .sweep import tip_sweep

    return tip_sweep(today=today())
