"""Time the board (挂图作战) of a province: 5,000 tasks of 重庆市 (50) and its counties' plans, their lead and
co-operating units, rendered for an officer of the province — the scoped selector and the page's template
(exactly what ``GET /plans/board/?region=50`` runs, through the test client). The target (issue 13): under
200 ms on the server. Prints the table with the board's count tallies.

    measure_board()  → [{"name", "value", "unit", …}], called by bench/measure.py once Django is set up
    python bench/plans_board.py  → builds a scratch SQLite database (data/bench/plans_board.sqlite3), fills
                                   it and prints the table and the JSON rows
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
TASKS = int(os.environ.get("BENCH_PLAN_TASKS", "5000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
PROVINCE = "50"
KINDS = ("emergency", "housing", "transport", "market", "fire", "education", "agriculture", "energy")
STATES = ("open", "in_progress", "in_progress", "done", "accepted")


def _median_ms(fn: Any, repeat: int) -> float:
    fn()  # warm: template loading, per-process caches
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(samples), 1)


def fill(tasks: int = TASKS, seed: int = 13) -> Any:
    """The province's plan and one plan per county under it, ``tasks`` tasks in all (a fifth at the province),
    each with a lead unit and up to two co-operating units of its region; states, deadlines and reports mixed.
    Answers the province's officer. Runs once per database (the plans are kept)."""
    from zhiben.accounts.models import Role, User
    from zhiben.departments.models import Department
    from zhiben.plans.models import Plan, Task, TaskUnit
    from zhiben.regions.models import Region

    officer = User.objects.filter(username="bench-plans-officer").first()
    if officer is not None and Task.objects.filter(region__code__prefix=PROVINCE).count() >= tasks:
        return officer
    officer = officer or User.objects.create(username="bench-plans-officer", role=Role.OFFICER, region_id=PROVINCE)
    admin = User.objects.filter(role=Role.ADMIN).first() or User.objects.create(
        username="bench-plans-admin", role=Role.ADMIN
    )
    rng = random.Random(seed)
    counties = list(
        Region.objects.filter(code__startswith=PROVINCE, code__regex=r"^\d{6}$").values_list("code", flat=True)
    )
    regions = [PROVINCE, *counties]
    units: dict[str, list[int]] = {}
    for code in regions:
        have = list(Department.objects.filter(region_id=code).values_list("pk", flat=True))
        if len(have) < len(KINDS):
            Department.objects.bulk_create(
                [Department(region_id=code, name=f"{code}-{kind}-bench", kind=kind) for kind in KINDS],
                ignore_conflicts=True,
            )
            have = list(Department.objects.filter(region_id=code).values_list("pk", flat=True))
        units[code] = have
    city = Plan.objects.create(
        region_id=PROVINCE, title="重庆市安全生产治本攻坚三年行动实施方案（基准）", created_by=admin
    )
    plans = {PROVINCE: city}
    for code in counties:
        plans[code] = Plan.objects.create(
            region_id=code, parent=city, title=f"{code} 实施方案（基准）", created_by=admin
        )
    today = datetime.date(2026, 6, 1)
    rows: list[Task] = []
    for i in range(tasks):
        code = PROVINCE if i < tasks // 5 else counties[i % len(counties)]
        periodic = rng.random() < 0.2
        due = None if periodic else today + datetime.timedelta(days=rng.randint(-200, 400))
        rows.append(
            Task(
                plan=plans[code],
                region_id=code,
                position=i,
                number=str(i + 1),
                action_number=str(i % 12 + 1),
                action=f"专项行动 {i % 12 + 1}",
                text=f"第 {i + 1} 项重点任务：开展重点行业领域安全生产治本攻坚，落实责任、措施和时限。",
                due_text="长期坚持" if periodic else f"{due:%Y年%m月}底前",
                due_kind="ongoing" if periodic else "date",
                due_on=due,
                report_every="quarter" if periodic else "",
                report_due=today + datetime.timedelta(days=rng.randint(-60, 90)) if periodic else None,
                status=rng.choice(STATES),
                percent=rng.randint(0, 100),
            )
        )
    Task.objects.bulk_create(rows, batch_size=1000)
    links = []
    for t in rows:
        pool = units[t.region_id]
        chosen = rng.sample(pool, k=min(3, len(pool)))
        links.append(TaskUnit(task=t, role="lead", department_id=chosen[0], text="牵头单位"))
        links += [
            TaskUnit(task=t, role="co", department_id=d, text="配合单位", position=j) for j, d in enumerate(chosen[1:])
        ]
    TaskUnit.objects.bulk_create(links, batch_size=2000)
    return officer


def measure_board(tasks: int = TASKS, repeat: int = REPEAT) -> list[dict[str, Any]]:
    """The board's timings (ms, medians of ``repeat``) and its tallies, for the province's officer."""
    from django.template.loader import render_to_string
    from django.test import Client

    from zhiben.plans.selectors import board

    officer = fill(tasks)
    client = Client()
    client.force_login(officer)
    data = board(actor=officer, region=PROVINCE)

    def page() -> None:
        r = client.get("/plans/board/", {"region": PROVINCE})
        assert r.status_code == 200, r.status_code

    def select() -> None:
        board(actor=officer, region=PROVINCE)

    context = {"board": data, "by": "action", "statuses": [], "units": [], "region": PROVINCE}

    def template() -> None:
        render_to_string("plans/board.html", context)

    tally = data["tally"]
    return [
        {
            "name": f"plans board page, {tally['total']} tasks (GET /plans/board/)",
            "value": _median_ms(page, repeat),
            "unit": "ms",
            "target": 200,
        },
        {"name": "plans board: scoped selector", "value": _median_ms(select, repeat), "unit": "ms"},
        {"name": "plans board: template render", "value": _median_ms(template, repeat), "unit": "ms"},
        *(
            {"name": f"plans board tally: {key}", "value": tally[key], "unit": "rows"}
            for key in ("total", "open", "in_progress", "done", "accepted", "overdue")
        ),
    ]


def print_table(rows: list[dict[str, Any]]) -> None:
    width = max(len(r["name"]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>10}  target")
    for r in rows:
        target = f"< {r['target']} ms" if r.get("target") else ""
        print(f"{r['name'].ljust(width)}  {str(r['value']) + ' ' + r['unit']:>10}  {target}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    scratch = ROOT / "data" / "bench" / "plans_board.sqlite3"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiben.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")  # the test client's host, as bench/run.py sets
    import logging

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = measure_board()
    print_table(result)
    print(json.dumps(result, ensure_ascii=False))
