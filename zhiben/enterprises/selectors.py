"""Reads of the enterprise register, always through the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from zhiben.accounts.models import User
from zhiben.accounts.scope import scoped

from .models import Enterprise


@dataclass(frozen=True)
class EnterpriseFilters:
    """List filters; ``region`` is a subtree root in short form (already normalised)."""

    region: str | None = None
    sector: str | None = None
    risk_level: str | None = None
    supervision_class: str | None = None
    standardisation_grade: str | None = None
    high_risk: bool | None = None
    insured: bool | None = None
    status: str | None = None
    q: str | None = None


def enterprise_list(*, actor: User, filters: EnterpriseFilters | None = None) -> QuerySet[Enterprise]:
    qs = scoped(Enterprise.objects, actor).select_related("region", "sector")
    f = filters or EnterpriseFilters()
    if f.region:
        qs = qs.filter(region__code__prefix=f.region)
    if f.sector:
        qs = qs.filter(sector_id=f.sector)
    if f.risk_level:
        qs = qs.filter(risk_level=f.risk_level)
    if f.supervision_class:
        qs = qs.filter(supervision_class=f.supervision_class)
    if f.standardisation_grade:
        qs = qs.filter(standardisation_grade=f.standardisation_grade)
    if f.high_risk is not None:
        qs = qs.filter(high_risk=f.high_risk)
    if f.insured is not None:
        qs = qs.filter(insured=f.insured)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.q:
        term = f.q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(credit_code=term.upper()) | Q(address__icontains=term))
    return qs.order_by("region_id", "name", "id")


def enterprise_get(*, actor: User, credit_code: str) -> Enterprise | None:
    """One enterprise in scope, or None (missing and forbidden look the same)."""
    return (
        scoped(Enterprise.objects, actor)
        .select_related("region", "sector")
        .filter(credit_code=str(credit_code).strip().upper())
        .first()
    )
