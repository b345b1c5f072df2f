"""Reads of the enterprise register, always through the actor's scope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from zhiben.accounts.models import User
from zhiben.accounts.scope import scoped
from zhiben.common.filters import apply, bind
from zhiben.common.names import code_key

from .filters import EnterpriseFilterSet
from .models import Enterprise


def enterprise_list(
    *, actor: User, filters: Mapping[str, Any] | EnterpriseFilterSet | None = None
) -> QuerySet[Enterprise]:
    """The enterprises ``actor`` may see, cut by ``filters`` (query parameters, or a bound
    EnterpriseFilterSet), by region then name.

    Raises FieldErrors ``{parameter: Chinese message}`` for an invalid parameter.
    """
    qs = scoped(Enterprise.objects, actor).select_related("region", "sector")
    return apply(bind(EnterpriseFilterSet, filters), qs).order_by("region_id", "name", "id")


def enterprise_get(*, actor: User, credit_code: str) -> Enterprise | None:
    """One enterprise in scope, or None (missing and forbidden look the same)."""
    return (
        scoped(Enterprise.objects, actor)
        .select_related("region", "sector")
        .filter(credit_code=code_key(credit_code))
        .first()
    )
