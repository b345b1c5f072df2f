"""The to-do list (待办): what waits on one person, collected from every register's declared sources
(``kit.TodoSource`` in each ``register.py``). Each source is a query that starts from the register's
scoped selector, so a user never sees an item outside their scope; the engine only merges them.

Two queries per source that applies to the actor's role (its count, its first items), whatever the
number of items.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from zhiben.common import dates, kit
from zhiben.departments.selectors import routed_filter


@dataclass
class TodoGroup:
    """One source's part of a user's list: its kind and label, how many items wait, the first of them."""

    kind: str
    label: str
    count: int
    items: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TodoList:
    """``items`` (``{"kind", "subject", "id", "title", "due", "url", "label"}``), nearest due day first and
    those without one last, cut to the page; ``count`` all of them; ``groups`` each source's part."""

    items: list[dict[str, Any]]
    count: int
    groups: list[TodoGroup]


def sources_for(actor: Any) -> list[tuple[kit.Register, kit.TodoSource]]:
    """The declared sources that apply to ``actor``'s role, in order."""
    role = getattr(actor, "role", None)
    found = [(spec, src) for spec in kit.registers() for src in spec.todo if role in src.roles]
    return sorted(found, key=lambda pair: pair[1].order)


def _key(item: dict[str, Any]) -> tuple[bool, datetime.date, int]:
    due = item["due"]
    return (due is None, due or datetime.date.max, item["order"])


def todo_for(actor: Any, *, limit: int = 50, offset: int = 0, today: datetime.date | None = None) -> TodoList:
    """``actor``'s to-do list: the items of every source for their role, merged by due day (a date, Beijing;
    None last), ``offset``/``limit`` of them. A user without a role that any source names has an empty list.
    An officer of a member unit gets the items of the sectors their unit leads (departments.routed_filter)."""
    day = today or dates.today()
    groups, pool = [], []
    counted = []
    for spec, source in sources_for(actor):
        qs = source.items(actor, day)
        # routed to the officer's unit: the sectors it leads (三管三必须); a coordinating unit sees all
        narrow = routed_filter(qs.model, actor)
        if narrow is not None:
            qs = qs.filter(narrow)
        qs = qs.order_by(*source.ordering())
        counted.append((spec, source, qs, qs.count()))
    total = sum(count for *_, count in counted)
    # never more rows than exist: an offset up to 2**63-1 must not reach SQL as a LIMIT past a 64-bit integer
    window = min(offset + limit, total) if offset < total else 0
    for spec, source, qs, count in counted:
        shown = []
        if count and window:
            for record in qs[:window]:
                item = {**source.view(record), "subject": spec.name, "label": source.label, "order": source.order}
                shown.append(item)
        pool.extend(shown)
        groups.append(TodoGroup(source.kind, source.label, count, shown))
    pool.sort(key=_key)
    page = [{k: v for k, v in item.items() if k != "order"} for item in pool[offset:window]]
    return TodoList(items=page, count=total, groups=groups)
