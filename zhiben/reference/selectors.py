"""Reads of sectors and the criteria catalogue."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Criterion, Sector


def sector_list() -> QuerySet[Sector]:
    return Sector.objects.all()


def criteria_for(
    *, sector: str | None = None, q: str | None = None, standard: str | None = None
) -> QuerySet[Criterion]:
    """Clauses that a hazard of ``sector`` may cite: the sector's own and the all-sector ones."""
    qs = Criterion.objects.filter(withdrawn=False).select_related("standard")
    if sector:
        qs = qs.filter(Q(sectors__key=sector) | Q(all_sectors=True)).distinct()
    if standard:
        qs = qs.filter(standard_id=standard)
    if q:
        term = q.strip()
        qs = qs.filter(Q(text__icontains=term) | Q(code__istartswith=term) | Q(article__icontains=term))
    # A sector's own standards first, then the clauses that apply to every sector (e.g. fire).
    return qs.prefetch_related("sectors").order_by("all_sectors", "standard_id", "position")


def criterion_applies(*, code: str, sector: str) -> bool:
    """Whether clause ``code`` may be cited by a hazard of ``sector``."""
    return criteria_for(sector=sector).filter(code=code).exists()
