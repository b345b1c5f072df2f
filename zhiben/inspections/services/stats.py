"""The enforcement tallies rebuilt from the records (``EnforcementTally``, DESIGN.md §5): after a bulk load that
bypassed the services, or when ``tally_drift`` finds a difference. ``python manage.py rebuild_enforcement_tallies``."""

from __future__ import annotations

from django.db import transaction

from zhiben.common.bulk import bulk_insert

from ..models import EnforcementTally
from ..selectors.stats import enforcement_recount


@transaction.atomic
def tallies_rebuild() -> int:
    """Replace every enforcement tally row by the recount of the inspections, findings and penalties
    (``selectors.stats.enforcement_recount``); answers the number of rows written. One transaction: readers see
    the old rows or the new ones. Run it while nothing is being recorded (a write between the recount and the
    commit would be counted by its own ``enforcement_add`` on the old rows, then replaced)."""
    # Lock the table's rows first, so that a concurrent enforcement_add waits for the rebuild (PostgreSQL; SQLite
    # has one writer at a time anyway).
    list(EnforcementTally.objects.select_for_update().values_list("pk", flat=True))
    expected = enforcement_recount()
    EnforcementTally.objects.all().delete()
    rows = (
        {"region_code": code, "department_id": unit, "month": month, **values}
        for (code, unit, month), values in sorted(expected.items())
    )
    return bulk_insert(EnforcementTally, rows, 5000)
