"""Time the Excel export of the hazard list: 100,000 rows, as an admin, through the scoped selector and the
shared writer (exactly what ``GET /api/v1/hazards/export`` and ``/hazards/?format=xlsx`` run, less the
HTTP layer). The target (issue): under 15 s.

    measure_exports()  → [{"name", "value", "unit", …}], called by bench/measure.py once Django is set up
    python bench/excel.py  → the same rows as JSON, against $DATABASE_URL

The newest 100,000 hazards of the list (its own order) are exported; a smaller database exports all it has
and says so in the row's name.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import closing
from itertools import islice
from pathlib import Path
from typing import Any

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))
REPEAT = int(os.environ.get("BENCH_EXPORT_REPEAT", "2"))


def measure_exports(rows: int = ROWS, repeat: int = REPEAT) -> list[dict[str, Any]]:
    from zhiben.accounts.models import Role, User
    from zhiben.common.xlsx import write_table
    from zhiben.hazards.exports import COLUMNS, hazard_rows

    admin = User.objects.filter(username="bench-export-admin").first() or User.objects.create(
        username="bench-export-admin", role=Role.ADMIN
    )
    timings: list[float] = []
    written = size = 0
    for _ in range(max(1, repeat)):
        counted = 0
        started = time.perf_counter()
        with closing(hazard_rows(actor=admin)) as source:  # closing: the cursor is let go at once

            def counting() -> Any:
                nonlocal counted
                for row in islice(source, rows):
                    counted += 1
                    yield row

            data = write_table("隐患清单", COLUMNS, counting())
        timings.append(time.perf_counter() - started)
        written, size = counted, len(data)
    label = f"export {written} hazards to .xlsx"
    return [
        {
            "name": label,
            "value": round(min(timings), 2),
            "unit": "s",
            "first": round(timings[0], 2),
            "megabytes": round(size / 1e6, 1),
        }
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiben.settings")
    import django

    django.setup()
    print(json.dumps(measure_exports(), ensure_ascii=False))
