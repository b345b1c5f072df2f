"""The enforcement summary counts (``EnforcementTally``), kept in the same transaction as each write
(DESIGN.md §5, docs/adr/0001-tallies-in-the-transaction.md): a province's statistics sum a few hundred rows,
whatever the number of inspections."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import EnforcementTally

# The figures of a tally row, in the order the statistics answer them.
FIGURES = (
    "inspections",
    "unannounced",
    "covert",
    "cross_region",
    "with_experts",
    "findings",
    "major_findings",
    "penalties",
    "penalty_amount",
)
FIELDS = frozenset(FIGURES)


def month_of(day: datetime.date) -> str:
    """The tally's month key of a Beijing day: ``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def enforcement_add(
    *, region_code: str, department_id: int | None, day: datetime.date, **deltas: int | Decimal
) -> None:
    """Add ``deltas`` (counts, and ``penalty_amount`` in yuan; negative to take back) to the row of
    (``region_code``, unit, month of ``day``), creating it at first use. Runs in the caller's transaction;
    raises ValueError for a name that is not a tally's."""
    unknown = set(deltas) - FIELDS
    if unknown:
        raise ValueError(f"not an enforcement tally: {sorted(unknown)}")
    changes = {k: v for k, v in deltas.items() if v}
    if not changes:
        return
    key = {"region_code": region_code, "department_id": department_id or 0, "month": month_of(day)}
    updates = {k: F(k) + v for k, v in changes.items()}
    if EnforcementTally.objects.filter(**key).update(**updates):
        return
    try:
        with transaction.atomic():
            EnforcementTally.objects.create(**key, **changes)
    except IntegrityError:  # another writer created the row meanwhile
        EnforcementTally.objects.filter(**key).update(**updates)
