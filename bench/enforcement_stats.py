"""Time the enforcement statistics of a province (issue 14: "enforcement statistics for a province from tallies in
under 50 ms at 200,000 inspections").

The province with most counties gets enough enterprises (20,000), its member units (eight at each county, three
at each prefecture, two at the province) and 200,000 inspections spread over the last twelve months, each by a
unit of the enterprise's county (some by the prefecture's or the province's), 四不两直 / 明察暗访 / 异地交叉 flags and
experts in realistic shares, 80,000 findings (each a hazard, 15 % major), 24,000 penalties (a quarter for a major
hazard, some enterprises penalised three times within 180 days). The rows are written in bulk, then the tallies are
built from them by ``tallies_rebuild`` (the same recount ``rebuild_enforcement_tallies`` runs) and checked against
a second recount; then ``GET /api/v1/stats/enforcement`` is timed as the province's officer (median of repeats),
beside the selector alone and the same figures counted from the rows (the floor a naive page would pay).

    measure_enforcement()  → [{"name", "value", "unit", …}], called by bench/measure.py once Django is set up
    python bench/enforcement_stats.py  → builds a scratch SQLite database (data/bench/enforcement.sqlite3, or
                                         DATABASE_URL), fills it and prints the table and the JSON rows

Environment: BENCH_INSPECTIONS (200000), BENCH_REPEAT (15).
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
INSPECTIONS = int(os.environ.get("BENCH_INSPECTIONS", "200000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
ENTERPRISES = 20_000
COUNTY_KINDS = ("emergency", "housing", "transport", "market", "fire", "education", "agriculture", "energy")
CITY_KINDS = ("emergency", "market", "transport")
PROVINCE_KINDS = ("emergency", "market")
MARK = "-bench-enforcement"


def _median_ms(fn: Any, repeat: int) -> float:
    fn()  # warm: per-process caches, as a page in use would have them
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(samples), 2)


def _timed(name: str, fn: Any, repeat: int, **extra: Any) -> dict[str, Any]:
    """A row: the median wall time (``value``, ms) and the median CPU time of this process (``cpu``, ms: on SQLite
    the query runs in the process, so it is the whole cost, whatever else the machine is doing)."""
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return {
        "name": name,
        "value": round(statistics.median(wall), 2),
        "unit": "ms",
        "cpu": round(statistics.median(cpu), 2),
        **extra,
    }


def _province() -> tuple[str, list[str]]:
    """The province with most counties (and county-less prefectures), and those codes."""
    from zhiben.regions.codes import Level
    from zhiben.regions.models import Region

    hosts = list(
        (Region.objects.filter(level=Level.COUNTY) | Region.objects.filter(acts_as_county=True))
        .exclude(code__startswith="71")
        .exclude(code__startswith="8")
        .exclude(code__startswith="99")
        .values_list("code", flat=True)
    )
    by_province: dict[str, list[str]] = {}
    for code in hosts:
        by_province.setdefault(code[:2], []).append(code)
    province = max(by_province, key=lambda p: (len(by_province[p]), p))
    return province, sorted(by_province[province])


def fill(inspections: int = INSPECTIONS, seed: int = 14) -> dict[str, Any]:
    """The province's enterprises, units, inspections, findings and penalties (once per database), then the
    tallies rebuilt. Answers what the measures need: the province, its officer, setup timings and sizes."""
    from zhiben.accounts.models import Role, User
    from zhiben.common import dates
    from zhiben.common.bulk import bulk_insert
    from zhiben.demo.generator import enterprise_rows
    from zhiben.departments.models import Department
    from zhiben.enterprises.models import Enterprise
    from zhiben.hazards.models import Hazard
    from zhiben.inspections.models import EnforcementTally, Finding, Inspection, Penalty, TeamMember
    from zhiben.inspections.selectors.stats import tally_drift
    from zhiben.inspections.services.stats import tallies_rebuild
    from zhiben.reference.models import Criterion, Sector
    from zhiben.regions.models import Region

    province, counties = _province()
    officer = User.objects.filter(username=f"bench-enforcement-{province}").first()
    officer = officer or User.objects.create(
        username=f"bench-enforcement-{province}", role=Role.OFFICER, region_id=province
    )
    setup: list[dict[str, Any]] = []
    if Inspection.objects.filter(created_by=officer).count() >= inspections:
        return {"province": province, "officer": officer, "setup": setup}
    rng = random.Random(seed)
    today = dates.today()
    started = time.perf_counter()
    have = Enterprise.objects.filter(region__code__prefix=province).count()
    if have < ENTERPRISES:
        names = dict(Region.objects.filter(code__in=counties).values_list("code", "name"))
        high_risk = set(Sector.objects.filter(high_risk=True).values_list("key", flat=True))
        taken = set(Enterprise.objects.values_list("credit_code", flat=True))
        rows = enterprise_rows(
            rng, regions=[(c, names[c]) for c in counties], high_risk=high_risk, count=ENTERPRISES - have
        )
        bulk_insert(Enterprise, (r for r in rows if r["credit_code"] not in taken), 5000)
    prefectures = sorted(
        {c[:4] for c in counties if len(c) == 6}
        & set(Region.objects.filter(code__startswith=province).values_list("code", flat=True))
    )
    wanted = [(c, k) for c in counties for k in COUNTY_KINDS]
    wanted += [(p, k) for p in prefectures for k in CITY_KINDS] + [(province, k) for k in PROVINCE_KINDS]
    Department.objects.bulk_create(
        [Department(region_id=code, name=f"{code}-{kind}{MARK}", kind=kind) for code, kind in wanted],
        ignore_conflicts=True,
    )
    units: dict[str, list[int]] = {}
    for pk, code in Department.objects.filter(name__endswith=MARK).values_list("pk", "region_id"):
        units.setdefault(code, []).append(pk)
    firms = list(Enterprise.objects.filter(region__code__prefix=province).values_list("pk", "region_id", "sector_id"))
    setup.append(
        {"name": "enforcement: enterprises and units", "value": round(time.perf_counter() - started, 2), "unit": "s"}
    )

    started = time.perf_counter()
    first_day = today - datetime.timedelta(days=364)

    def unit_for(county: str) -> int:
        roll = rng.random()
        if roll < 0.85 or county[:4] not in units:
            return rng.choice(units[county])
        return rng.choice(units[county[:4]] if roll < 0.95 else units[province])

    def inspection_rows() -> Any:
        for _ in range(inspections):
            pk, region, sector = firms[rng.randrange(len(firms))]
            flags = [
                f
                for f, share in (("unannounced", 0.3), ("covert", 0.08), ("cross_region", 0.05))
                if rng.random() < share
            ]
            yield {
                "enterprise_id": pk,
                "region_id": region,
                "sector_id": sector,
                "department_id": unit_for(region),
                "kind": rng.choice(("planned", "planned", "random", "special", "tip")),
                "flags": flags,
                "on": first_day + datetime.timedelta(days=rng.randrange(365)),
                "status": "done",
                "created_by_id": officer.pk,
            }

    bulk_insert(Inspection, inspection_rows(), 5000)
    made = list(
        Inspection.objects.filter(created_by=officer)
        .order_by("pk")
        .values_list("pk", "enterprise_id", "region_id", "sector_id", "department_id", "on")
    )
    bulk_insert(
        TeamMember,
        ({"inspection_id": i[0], "role": "expert", "name": "专家"} for i in made if rng.random() < 0.2),
        5000,
    )
    clause = Criterion.objects.filter(kind="clause").order_by("code").values_list("code", flat=True).first()
    found = [i for i in made for _ in range(rng.choices((0, 1, 2), (60, 30, 10))[0])]
    bulk_insert(
        Hazard,
        (
            {
                "enterprise_id": i[1],
                "region_id": i[2],
                "sector_id": i[3],
                "level": level,
                "source": "inspection",
                "status": "open",
                "title": "检查发现隐患",
                "discovered_on": i[5],
                "criterion_id": clause if level == "major" else None,
                "created_by_id": officer.pk,
            }
            for i in found
            for level in ("major" if rng.random() < 0.15 else "general",)
        ),
        5000,
    )
    hazards = Hazard.objects.filter(created_by=officer, source="inspection").order_by("pk").values_list("pk", flat=True)
    bulk_insert(Finding, ({"inspection_id": i[0], "hazard_id": h} for i, h in zip(found, hazards, strict=True)), 5000)

    def penalty_rows() -> Any:
        for i in made:
            if rng.random() >= 0.12:
                continue
            decided = min(i[5] + datetime.timedelta(days=rng.randrange(30)), today)
            yield {
                "enterprise_id": i[1],
                "region_id": i[2],
                "sector_id": i[3],
                "department_id": i[4],
                "inspection_id": i[0],
                "kind": "fine",
                "decided_on": decided,
                "amount": rng.randrange(1, 200) * 1000,
                "basis": "《中华人民共和国安全生产法》第一百零二条",
                "major_hazard": rng.random() < 0.25,
                "created_by_id": officer.pk,
            }
        # repeat offenders: 50 enterprises penalised three times within 180 days
        for pk, region, sector in rng.sample(firms, 50):
            start = first_day + datetime.timedelta(days=rng.randrange(150))
            for gap in (0, 60, 170):
                yield {
                    "enterprise_id": pk,
                    "region_id": region,
                    "sector_id": sector,
                    "department_id": rng.choice(units[region]),
                    "kind": "fine",
                    "decided_on": start + datetime.timedelta(days=gap),
                    "amount": 50000,
                    "basis": "《中华人民共和国安全生产法》第一百零二条",
                    "major_hazard": True,
                    "created_by_id": officer.pk,
                }

    bulk_insert(Penalty, penalty_rows(), 5000)
    setup.append(
        {
            "name": f"enforcement: generate {inspections} inspections, findings, penalties",
            "value": round(time.perf_counter() - started, 2),
            "unit": "s",
        }
    )
    started = time.perf_counter()
    tallies_rebuild()
    setup.append(
        {
            "name": "enforcement: tallies_rebuild (recount all)",
            "value": round(time.perf_counter() - started, 2),
            "unit": "s",
        }
    )
    started = time.perf_counter()
    drift = tally_drift()
    assert drift == [], drift[:5]
    setup.append(
        {
            "name": "enforcement: rebuild_enforcement_tallies --check",
            "value": round(time.perf_counter() - started, 2),
            "unit": "s",
        }
    )
    setup.append({"name": "enforcement: inspections", "value": Inspection.objects.count(), "unit": "rows"})
    setup.append({"name": "enforcement: findings", "value": Finding.objects.count(), "unit": "rows"})
    setup.append({"name": "enforcement: penalties", "value": Penalty.objects.count(), "unit": "rows"})
    setup.append({"name": "enforcement: tally rows", "value": EnforcementTally.objects.count(), "unit": "rows"})
    return {"province": province, "officer": officer, "setup": setup}


def measure_enforcement(inspections: int = INSPECTIONS, repeat: int = REPEAT) -> list[dict[str, Any]]:
    """The timings (ms, medians of ``repeat``) of the province's enforcement statistics, after :func:`fill`."""
    from django.test import Client

    from zhiben.accounts.models import Role, User
    from zhiben.common import dates
    from zhiben.inspections.models import Inspection, Penalty
    from zhiben.inspections.selectors.stats import (
        enforcement_recount,
        enforcement_stats,
        period_of,
        self_check_missed,
    )

    world = fill(inspections)
    province, officer = world["province"], world["officer"]
    admin = User.objects.filter(username="bench-enforcement-admin").first() or User.objects.create(
        username="bench-enforcement-admin", role=Role.ADMIN
    )
    client, national = Client(), Client()
    client.force_login(officer)
    national.force_login(admin)
    today = dates.today()
    year = {"from": f"{(today - datetime.timedelta(days=364)):%Y-%m}", "to": f"{today:%Y-%m}"}

    def get(c: Client, **params: Any) -> Any:
        def call() -> None:
            r = c.get("/api/v1/stats/enforcement", params)
            assert r.status_code == 200, (params, r.status_code, r.content[:300])

        return call

    def floor() -> None:
        period = period_of(year["from"], year["to"])
        enforcement_recount(
            inspections=Inspection.objects.filter(region__code__prefix=province, on__gte=period.start),
            penalties=Penalty.objects.filter(region__code__prefix=province, decided_on__gte=period.start),
        )

    answer = enforcement_stats(actor=officer, date_from=year["from"], date_to=year["to"])
    stats = "stats/enforcement province, 12 months"
    rows = [
        *world["setup"],
        _timed(
            f"{stats}, {answer['totals']['inspections']} inspections",
            get(client, **year),
            repeat,
            floor=_median_ms(floor, max(3, repeat // 5)),
            target=50,
        ),
        _timed("stats/enforcement province, this year to date", get(client), repeat, target=50),
        _timed(f"{stats}, group_by=department", get(client, group_by="department", **year), repeat, target=50),
        _timed(f"{stats}, group_by=month", get(client, group_by="month", **year), repeat, target=50),
        _timed("enforcement figures national (admin), 12 months", get(national, **year), repeat),
        _timed(
            "enforcement figures: the selector alone, province, 12 months",
            lambda: enforcement_stats(actor=officer, date_from=year["from"], date_to=year["to"]),
            repeat,
        ),
        _timed(
            "enforcement self-check-missed, province, 12 months (rows, not tallies)",
            lambda: self_check_missed(actor=officer, date_from=year["from"], date_to=year["to"]),
            max(3, repeat // 5),
        ),
        {
            "name": "enforcement: closure proposals (province, 12 months)",
            "value": len(answer["closure_proposals"]),
            "unit": "rows",
        },
        {
            "name": "enforcement: zero-penalty units (province, 12 months)",
            "value": len(answer["zero_penalty"]["departments"]),
            "unit": "rows",
        },
        {"name": "enforcement: province", "value": province, "unit": "region"},
    ]
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    width = max(len(r["name"]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>12}  {'CPU':>10}  {'GROUP BY':>10}  target")
    for r in rows:
        target = f"< {r['target']} ms" if r.get("target") else ""
        floor = f"{r['floor']} ms" if "floor" in r else ""
        cpu = f"{r['cpu']} ms" if "cpu" in r else ""
        print(f"{r['name'].ljust(width)}  {str(r['value']) + ' ' + r['unit']:>12}  {cpu:>10}  {floor:>10}  {target}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    scratch = ROOT / "data" / "bench" / "enforcement.sqlite3"
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
    result = measure_enforcement()
    print_table(result)
    print(json.dumps(result, ensure_ascii=False, default=str))
