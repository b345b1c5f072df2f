"""The filing register's declaration (DESIGN.md §5): what the platform engines read of it."""

from __future__ import annotations

import datetime
from typing import Any

from zhiben.accounts.models import Role
from zhiben.common import dates, kit

from .events import CATALOGUE
from .periods import Period, last_ended
from .selectors import filing_get, filing_status

get_scoped = kit.scoped_get(lambda actor, key: filing_get(actor=actor, filing_id=key), "报送记录不存在")


def _owing(kind: str) -> Any:
    """Enterprises in scope that have not filed the latest ended period of ``kind`` (16号令 第十四条)."""

    def items(actor: Any, today: datetime.date) -> Any:
        return filing_status(actor=actor, period=last_ended(today, kind), filed=False, today=today)

    return items


def _period_of(kind: str, day: datetime.date | None = None) -> Period:
    return last_ended(day or dates.today(), kind)


def _title(kind: str) -> Any:
    return lambda e: f"{e.name}：{_period_of(kind).label}隐患排查治理统计分析表未报送"


def _due(kind: str) -> Any:
    return lambda e: _period_of(kind).due


# What waits (待办): the unit's statistics of the last quarter and year, until filed; the officers over it see
# the enterprises that have not filed.
WAITING = tuple(
    kit.TodoSource(
        f"statistics_{kind}",
        label,
        frozenset({Role.ENTERPRISE}),
        _owing(kind),
        url="/filings/",
        title=_title(kind),
        due=_due(kind),
        order_by=("name",),
        order=90,
    )
    for kind, label in (("quarter", "季度隐患排查治理统计分析表待报送"), ("year", "年度隐患排查治理统计分析表待报送"))
)


REGISTER = kit.register(
    kit.Register(
        name="filing",
        label="隐患排查治理统计报送",
        path="filings",
        app_label="filings",
        get_scoped=get_scoped,
        events=CATALOGUE,
        nav=kit.NavEntry("统计报送", "filing-list", frozenset(), order=70),
        todo=WAITING,
    )
)
