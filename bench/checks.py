"""Time dual prevention's check side (issue 15: "a province with 5,000 hazardous-chemical enterprises × 200 check
tasks each: generating a day's tasks (1,000,000) in under 60 s on PostgreSQL; recording them through the bulk
endpoint at 5,000 records/s or more; compliance figures per region from tallies in under 50 ms, flat between 10,000
and 1,000,000 records a day").

The province with most counties gets 5,000 hazardous-chemical enterprises (each with a staff user) and 200 daily
check tasks each (a tenth of them on working days only), written in bulk. Then:

- the day before the measured day is generated with two tasks of each enterprise live (10,000 records), the measured
  day with all of them (1,000,000): ``checks.generate`` timed (the Huey clock's call);
- ``POST /api/v1/check-records`` timed as the enterprises' staff, each request one enterprise's 200 checks of the
  day (a phone's day), over ``BENCH_CHECK_FIRMS`` enterprises; records/s = checks / total time;
- ``GET /api/v1/stats/checks`` for the province on the small day and on the large one (median of repeats): flat;
- the tallies checked against a recount (``rebuild_check_tallies --check``).

    python bench/checks.py  → a scratch database (data/bench/checks.sqlite3, or DATABASE_URL), table + JSON rows

Environment: BENCH_CHECK_ENTERPRISES (5000), BENCH_CHECK_TASKS (200), BENCH_CHECK_FIRMS (100), BENCH_REPEAT (15).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ENTERPRISES = int(os.environ.get("BENCH_CHECK_ENTERPRISES", "5000"))
TASKS = int(os.environ.get("BENCH_CHECK_TASKS", "200"))
FIRMS_POSTING = int(os.environ.get("BENCH_CHECK_FIRMS", "100"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
SMALL_TASKS = 2  # live tasks per enterprise on the small day
MARK = "bench-checks"


def _timed(name: str, fn: Any, repeat: int, **extra: Any) -> dict[str, Any]:
    fn()
    wall = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
    return {"name": name, "value": round(statistics.median(wall), 2), "unit": "ms", **extra}


def _province() -> tuple[str, list[str]]:
    from zhiben.regions.codes import Level
    from zhiben.regions.models import Region

    hosts = list(
        Region.objects.filter(level=Level.COUNTY)
        .exclude(code__startswith="71")
        .exclude(code__startswith="8")
        .values_list("code", flat=True)
    )
    by: dict[str, list[str]] = {}
    for code in hosts:
        by.setdefault(code[:2], []).append(code)
    province = max(by, key=lambda p: (len(by[p]), p))
    return province, sorted(by[province])


def fill(day: datetime.date) -> dict[str, Any]:
    """The province's enterprises, their staff and tasks (once per database). Answers the province, the firms (pk,
    staff user) and setup rows."""
    from zhiben.accounts.models import Role, User
    from zhiben.common.bulk import bulk_insert
    from zhiben.demo.generator import enterprise_rows
    from zhiben.enterprises.models import Enterprise
    from zhiben.regions.models import Region
    from zhiben.risks import checks
    from zhiben.risks.models import CheckTask

    province, counties = _province()
    setup: list[dict[str, Any]] = []
    rng = random.Random(15)
    firms = list(
        Enterprise.objects.filter(name__startswith=MARK).order_by("pk").values_list("pk", "region_id", "sector_id")
    )
    if len(firms) < ENTERPRISES:
        started = time.perf_counter()
        names = dict(Region.objects.filter(code__in=counties).values_list("code", "name"))
        taken = set(Enterprise.objects.values_list("credit_code", flat=True))
        rows = []
        for i, row in enumerate(
            enterprise_rows(rng, regions=[(c, names[c]) for c in counties], high_risk=set(), count=ENTERPRISES)
        ):
            if row["credit_code"] in taken:
                continue
            row.update(sector_id="hazardous_chemicals", high_risk=True, name=f"{MARK}-{i:05d} 化工有限公司")
            rows.append(row)
        bulk_insert(Enterprise, rows, 5000)
        firms = list(
            Enterprise.objects.filter(name__startswith=MARK).order_by("pk").values_list("pk", "region_id", "sector_id")
        )
        User.objects.bulk_create(
            [User(username=f"{MARK}-{pk}", role=Role.ENTERPRISE, enterprise_id=pk) for pk, _, _ in firms],
            batch_size=2000,
            ignore_conflicts=True,
        )
        setup.append(
            {"name": "checks: enterprises and staff", "value": round(time.perf_counter() - started, 2), "unit": "s"}
        )
    if CheckTask.objects.filter(enterprise__name__startswith=MARK).count() < len(firms) * TASKS:
        started = time.perf_counter()
        start = day - datetime.timedelta(days=30)
        phase, anchor = checks.phase_of("day", 1, start)

        def task_rows() -> Any:
            for pk, region, sector in firms:
                for k in range(TASKS):
                    yield {
                        "enterprise_id": pk,
                        "region_id": region,
                        "sector_id": sector,
                        "kind": "measure",
                        "content": f"管控措施排查 {k}",
                        "cycle_value": 1,
                        "cycle_unit": "day",
                        "working_days_only": k % 10 == 0,
                        "starts_on": start,
                        "phase": phase,
                        "anchor_day": anchor,
                        "active": True,
                    }

        bulk_insert(CheckTask, task_rows(), 10000)
        setup.append(
            {
                "name": f"checks: write {len(firms) * TASKS} tasks",
                "value": round(time.perf_counter() - started, 2),
                "unit": "s",
            }
        )
    staff = dict(User.objects.filter(username__startswith=f"{MARK}-").values_list("enterprise_id", "pk"))
    return {"province": province, "firms": [(pk, staff[pk]) for pk, _, _ in firms], "setup": setup}


def measure_checks(repeat: int = REPEAT) -> list[dict[str, Any]]:
    """The timings after :func:`fill`: generation, bulk records, statistics small and large, the tallies' check."""
    from django.db import connection
    from django.test import Client

    from zhiben.accounts.models import Role, User
    from zhiben.common import dates
    from zhiben.common.dates import zone
    from zhiben.risks import checks, tallies
    from zhiben.risks.models import CheckRecord, CheckTask

    day = dates.today()
    while not dates.is_working_day(day):  # a working day: every task takes its cycle
        day -= datetime.timedelta(days=1)
    small_day = day - datetime.timedelta(days=1)
    world = fill(day)
    firms = world["firms"]
    rows = list(world["setup"])
    mine = CheckRecord.objects.filter(enterprise__name__startswith=MARK)
    # the small day: every enterprise, two tasks each live (10,000 records): the same enterprises as the large day,
    # a hundredth of the records
    if not mine.filter(day=small_day).exists():
        kept = [f"管控措施排查 {k}" for k in range(SMALL_TASKS)]
        CheckTask.objects.filter(enterprise__name__startswith=MARK).exclude(content__in=kept).update(active=False)
        started = time.perf_counter()
        small = checks.generate(small_day)
        rows.append(
            {
                "name": f"checks: generate a day of {small} records",
                "value": round(time.perf_counter() - started, 2),
                "unit": "s",
            }
        )
        CheckTask.objects.filter(enterprise__name__startswith=MARK).update(active=True)
    if not mine.filter(day=day).exists():
        started = time.perf_counter()
        made = checks.generate(day)
        rows.append(
            {
                "name": f"checks: generate a day of {made} records ({connection.vendor})",
                "value": round(time.perf_counter() - started, 2),
                "unit": "s",
                "target": "< 60 s",
            }
        )
    # bulk records: each request one enterprise's checks of the day, as its staff
    posting = firms[-FIRMS_POSTING:]
    done_at = datetime.datetime.combine(day, datetime.time(0, 30), tzinfo=zone())
    now = datetime.datetime.now(tz=zone())
    done_at = min(done_at + datetime.timedelta(hours=8), now - datetime.timedelta(minutes=1))
    tasks_of: dict[int, list[int]] = {}
    for task_id, enterprise_id in CheckTask.objects.filter(enterprise_id__in=[pk for pk, _ in posting]).values_list(
        "id", "enterprise_id"
    ):
        tasks_of.setdefault(enterprise_id, []).append(task_id)
    pending = mine.filter(day=day, status="planned", enterprise_id__in=[pk for pk, _ in posting]).count()
    if pending:
        clients = {}
        for pk, user_id in posting:
            c = Client()
            c.force_login(User.objects.get(pk=user_id))
            c.get("/api/v1/check-tasks", {"limit": 1})  # a phone in use is signed in already
            clients[pk] = c
        sent = 0
        started = time.perf_counter()
        for pk, _ in posting:
            items = [{"task": t, "done_at": done_at.isoformat(), "result": "pass"} for t in tasks_of[pk]]
            r = clients[pk].post("/api/v1/check-records", data=json.dumps(items), content_type="application/json")
            assert r.status_code == 201, r.content[:500]
            sent += len(items)
        took = time.perf_counter() - started
        rows.append(
            {
                "name": f"checks: POST /api/v1/check-records, {sent} checks in {len(posting)} requests of {TASKS}",
                "value": round(sent / took),
                "unit": "records/s",
                "target": ">= 5000",
            }
        )
    admin = User.objects.filter(username=f"{MARK}-admin").first() or User.objects.create(
        username=f"{MARK}-admin", role=Role.ADMIN
    )
    officer = User.objects.filter(username=f"{MARK}-officer").first() or User.objects.create(
        username=f"{MARK}-officer", role=Role.OFFICER, region_id=world["province"]
    )
    assert admin
    client = Client()
    client.force_login(officer)
    for label, d in (("small", small_day), ("large", day)):
        n = mine.filter(day=d).count()

        def call(d: datetime.date = d) -> None:
            r = client.get("/api/v1/stats/checks", {"date_from": d.isoformat(), "date_to": d.isoformat()})
            assert r.status_code == 200, r.content[:300]

        rows.append(_timed(f"stats/checks province, one day of {n} records ({label})", call, repeat, target=50))
    started = time.perf_counter()
    problems = tallies.rebuild(check=True)
    assert problems == [], problems[:5]
    rows.append(
        {"name": "checks: rebuild_check_tallies --check", "value": round(time.perf_counter() - started, 2), "unit": "s"}
    )
    rows.append({"name": "checks: province", "value": world["province"], "unit": "region"})
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        target = r.get("target", "")
        print(f"{r['name'].ljust(width)}  {str(r['value']) + ' ' + r['unit']:>16}  {target}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    scratch = ROOT / "data" / "bench" / "checks.sqlite3"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiben.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import logging

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = measure_checks()
    print_table(result)
    print(json.dumps(result, ensure_ascii=False, default=str))
