"""Reads of tips, always scoped: officers and tip handlers of the region subtree, admins everywhere,
enterprise users never. Identity is not read here (services.tip_reporter does that, with an event)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from zhiben.accounts.models import User
from zhiben.accounts.scope import scoped
from zhiben.common.filters import apply, bind

from .crypto import unseal
from .filters import TipFilterSet
from .models import Tip


def tip_list(*, actor: User, filters: Mapping[str, Any] | TipFilterSet | None = None) -> QuerySet[Tip]:
    """The tips ``actor`` may handle, cut by ``filters`` (query parameters, or a bound TipFilterSet): the
    most pressing deadline first when asking for overdue ones, else the latest accepted first.

    Raises FieldErrors ``{parameter: Chinese message}`` for an invalid parameter.
    """
    filterset = bind(TipFilterSet, filters)
    qs = apply(filterset, scoped(Tip.objects, actor).select_related("region", "reward"))
    if filterset.value("overdue"):
        return qs.order_by("verification_due", "id")
    return qs.order_by("-accepted_on", "-id")


def tip_get(*, actor: User, tip_id: int) -> Tip | None:
    return scoped(Tip.objects, actor).select_related("region", "hazard").filter(pk=tip_id).first()


def tip_content(tip: Tip) -> dict[str, Any]:
    """The tip's text (description, address), unsealed for a handler in scope or the receipt holder."""
    return dict(unseal(tip.content) or {})


def tip_messages(tip: Tip) -> list[dict[str, Any]]:
    return [
        {
            "id": m.pk,
            "from": "reporter" if m.from_reporter else "handler",
            "kind": m.kind,
            "on": m.on,
            "body": unseal(m.body),
        }
        for m in tip.messages.all()
    ]
