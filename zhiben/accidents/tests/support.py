"""Helpers for the accident tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from zhiben.accidents.inputs import AccidentReport
from zhiben.accidents.models import Accident
from zhiben.accidents.services import accident_create
from zhiben.common.inputs import parse

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def ago(**delta: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def body(**over: Any) -> dict[str, Any]:
    """A valid API body: a general accident in county 500241 an hour ago, reported at once."""
    occurred = ago(hours=2)
    data: dict[str, Any] = {
        "region": "500241",
        "sector": "machinery",
        "occurred_at": occurred.isoformat(),
        "reported_at": (occurred + datetime.timedelta(minutes=30)).isoformat(),
        "deaths": 1,
        "serious_injuries": 2,
        "direct_loss": "350000.00",
        "description": "车间起重机吊物坠落，致1人死亡、2人重伤。",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def make(actor: Any, **over: Any) -> Accident:
    """An accident recorded through the service (so it has its event)."""
    data = body(**over)
    return accident_create(actor=actor, report=parse(AccidentReport, data))


def beijing_day_ago(days: int, hour: int = 10) -> datetime.datetime:
    """``hour`` o'clock Beijing time, ``days`` Beijing calendar days ago."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BEIJING)
