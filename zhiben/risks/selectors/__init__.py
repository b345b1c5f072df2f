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
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.common.validators import to_halfwidth
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


# --- query parameters shared by the areas' lists -----------------------------------------------------------

ID_MAX = 2**63 - 1


def int_param(name: str, raw: str | int | None) -> int | None:
    """A whole-number query parameter (None when blank); ``FieldErrors`` naming it otherwise."""
    text = to_halfwidth(str(raw if raw is not None else "")).strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) <= ID_MAX:
        raise FieldErrors({name: "应为编号（正整数）"})
    return int(text)


def paging(limit: str, offset: str) -> tuple[int, int]:
    """``(offset, limit)``: offset 0–2⁶³−1, limit 1–500 (default 50); ``FieldErrors`` naming the parameter."""
    start = int_param("offset", offset) if (offset or "").strip() not in ("", "0") else 0
    size = int_param("limit", limit)
    if size is not None and not 1 <= size <= 500:
        raise FieldErrors({"limit": "应在 1–500 之间"})
    return start or 0, size or 50
