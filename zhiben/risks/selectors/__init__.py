"""The reads of the dual-prevention registers, each starting from one scoping function (DESIGN.md §8).

Who sees what (``accounts.scope``): an admin everything; an officer the enterprises of their region subtree and
sectors; an enterprise user their own enterprise's register, tasks and records. A record outside the actor's scope
answers 404 exactly like a missing one. Who may *change* the register is ``may_edit``: the enterprise's own staff
and admins (the register is the enterprise's own work; officers read it).

Per-area reads live beside this module (``selectors/register.py``, ``selectors/checks.py`` …) and start from these.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.common.errors import NotFound
from zhiben.enterprises.models import Enterprise

from ..models import CheckRecord, CheckTask, ControlMeasure, Post, RiskEvent, RiskProfile, RiskUnit


def units_visible(actor: Any) -> QuerySet[RiskUnit]:
    """The risk units the actor may see (deleted ones included: callers filter ``deleted=False`` for pages)."""
    return scoped(RiskUnit.objects, actor)


def events_visible(actor: Any) -> QuerySet[RiskEvent]:
    """The risk events the actor may see."""
    return scoped(RiskEvent.objects, actor)


def measures_visible(actor: Any) -> QuerySet[ControlMeasure]:
    """The control measures the actor may see."""
    return scoped(ControlMeasure.objects, actor)


def tasks_visible(actor: Any) -> QuerySet[CheckTask]:
    """The check tasks the actor may see."""
    return scoped(CheckTask.objects, actor)


def records_visible(actor: Any) -> QuerySet[CheckRecord]:
    """The check records the actor may see."""
    return scoped(CheckRecord.objects, actor)


def posts_visible(actor: Any) -> QuerySet[Post]:
    """The posts (岗位) the actor may see."""
    return scoped(Post.objects, actor)


def profiles_visible(actor: Any) -> QuerySet[RiskProfile]:
    """The enterprises' dual-prevention settings the actor may see."""
    return scoped(RiskProfile.objects, actor)


def enterprise_visible(actor: Any, key: Any) -> Enterprise:
    """The enterprise with primary key or credit code ``key`` if the actor may see it; ``NotFound`` otherwise."""
    qs = scoped(Enterprise.objects, actor)
    text = str(key).strip().upper()
    found = qs.filter(credit_code=text).first() if len(text) == 18 else None
    if found is None and text.isdigit() and len(text) < 18:
        found = qs.filter(pk=int(text)).first()
    if found is None:
        raise NotFound("企业不存在")
    return found


def may_edit(actor: Any, enterprise_id: int) -> bool:
    """Whether the actor may change an enterprise's register, tasks and settings: its own staff and admins."""
    if not isinstance(actor, User) or not actor.is_active:
        return False
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.ENTERPRISE and actor.enterprise_id == enterprise_id
