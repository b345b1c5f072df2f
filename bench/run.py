"""Benchmarks (``make bench``): print a table and write bench/results.json.

For each database (SQLite always; PostgreSQL when ``BENCH_PG_URL`` is set or ``scripts/pg-cluster.sh`` can start
Debian's local cluster) it builds two throw-away databases — never the demo database:

* small: ``generate_demo --enterprises 100000 --hazards 10000``
* large: ``generate_demo --enterprises 100000 --hazards 1000000 --overdue-share 0.2``

and times, as medians of repeated requests, the summary-count answers at both sizes (their cost must depend on
regions and categories, not on hazards: the large/small ratio is printed) beside the same figures by ``GROUP BY``
over the rows of the large database (the floor a naive dashboard would pay), then the sweep over the large one.
On PostgreSQL it also runs bench/concurrency.py (16 HTTP clients writing at once, beside a floor endpoint).
Before the databases, bench/plans_parse.py times the plan-document parser (no database: issue 13), and
bench/draws.py times a 双随机 draw over 100,000 enterprises and 500 inspectors on its own scratch SQLite database
and checks that it is reproducible byte for byte (issue 14). In the small database, bench/enforcement_stats.py
adds a province's 200,000 inspections and times its enforcement statistics (issue 14). On PostgreSQL, bench/checks.py
generates a day's 1,000,000 check cycles for 5,000 enterprises, records checks through the bulk endpoint and times
the compliance figures at 10,000 and 1,000,000 records a day (issue 15).

Environment: BENCH_DATABASES ("sqlite postgres"), BENCH_ENTERPRISES, BENCH_HAZARDS, BENCH_SMALL_HAZARDS,
BENCH_REPEAT (15), BENCH_PG_URL (a database URL whose role may CREATE DATABASE).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import concurrency  # bench/concurrency.py, beside this script
import draws  # bench/draws.py
import plans_parse  # bench/plans_parse.py

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
BENCH_DIR = ROOT / "data" / "bench"
PARTIAL = BENCH_DIR / "results.partial.json"  # the figures so far, while a run goes on
ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "100000"))
HAZARDS = int(os.environ.get("BENCH_HAZARDS", "1000000"))
SMALL_HAZARDS = int(os.environ.get("BENCH_SMALL_HAZARDS", "10000"))
OVERDUE_SHARE = "0.2"

# the targets the issues set, to print beside the figures
TARGETS_MS = {"stats/": 50.0, "hazard list": 50.0, "plans board page": 200.0}
TARGETS_S = {
    "sweep, first run": 10.0,
    "sweep, idle second run": 2.0,
    "generate_demo": 180.0,
    "import: validate + confirm": 30.0,
    "export 100000": 15.0,
}
TARGETS_MB = {"import: peak memory": 1024.0}


def main() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    wanted = os.environ.get("BENCH_DATABASES", "sqlite postgres").split()
    results: dict[str, Any] = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "enterprises": ENTERPRISES,
        "hazards": {"small": SMALL_HAZARDS, "large": HAZARDS},
        "databases": {},
    }
    results["plans_parse"] = _measure_plans()
    plans_parse.print_table(results["plans_parse"])
    results["draws"] = _measure_draws()
    draws.print_table(results["draws"])
    pg_started = False
    for db in wanted:
        if db == "postgres":
            base = os.environ.get("BENCH_PG_URL") or concurrency.start_local_pg()
            if not base:
                print("PostgreSQL: no BENCH_PG_URL and no local cluster to start; skipped", file=sys.stderr)
                continue
            pg_started = pg_started or not os.environ.get("BENCH_PG_URL")
        results["databases"][db] = _bench_database(db, base if db == "postgres" else "")
        # Kept as they come, so that a later failure does not lose the figures of a long run.
        PARTIAL.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if db == "postgres":  # issue 10: concurrent writes over HTTP, in a database of their own
            results["concurrency"] = concurrency.run(base)
            # issue 15: a day's 1,000,000 check cycles, bulk records, compliance from tallies (bench/checks.py)
            results["checks"] = _measure_checks(_database_url(db, base, "zhiben_bench_checks"))
    if pg_started:
        subprocess.run([str(ROOT / "scripts" / "pg-cluster.sh"), "stop"], check=False)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print_table(results)
    if "concurrency" in results:
        concurrency.print_table(results["concurrency"])
    plans_parse.print_table(results["plans_parse"])
    draws.print_table(results["draws"])
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")


def _database_url(db: str, base: str, name: str) -> str:
    if db == "sqlite":
        path = BENCH_DIR / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    parts = urlsplit(base)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "zhiben.settings",
        "ALLOWED_HOSTS": "testserver,localhost",
        "HUEY_IMMEDIATE": "0",
    }


def _timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)
    return round(time.perf_counter() - started, 2)


def _measure(what: str, env: dict[str, str]) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "bench/measure.py", what], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def _measure_checks(url: str) -> list[dict[str, Any]]:
    """bench/checks.py on a database of its own (5,000 enterprises × 200 check tasks)."""
    done = subprocess.run(
        [sys.executable, "bench/checks.py"], cwd=ROOT, env=_env(url), check=True, stdout=subprocess.PIPE, text=True
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def _measure_plans() -> list[dict[str, Any]]:
    """The plan parser in a process of its own (its first run pays the imports, as a fresh worker would)."""
    done = subprocess.run(
        [sys.executable, "bench/plans_parse.py"], cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def _measure_draws() -> list[dict[str, Any]]:
    """The draw bench in a process of its own, on its own scratch SQLite database (bench/draws.py)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "bench/draws.py"], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def _bench_database(db: str, base: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for size, hazards in (("small", SMALL_HAZARDS), ("large", HAZARDS)):
        print(f"== {db}: {size} database, {ENTERPRISES} enterprises, {hazards} hazards", flush=True)
        env = _env(_database_url(db, base, f"zhiben_bench_{size}"))
        setup = [
            {
                "name": "migrate (incl. reference data)",
                "value": _timed(["manage.py", "migrate", "-v", "0"], env),
                "unit": "s",
            },
        ]
        generate = [
            "manage.py",
            "generate_demo",
            "--enterprises",
            str(ENTERPRISES),
            "--hazards",
            str(hazards),
            "--overdue-share",
            OVERDUE_SHARE,
            "--seed",
            "1",
        ]
        setup.append(
            {
                "name": f"generate_demo {ENTERPRISES} enterprises + {hazards} hazards",
                "value": _timed(generate, env),
                "unit": "s",
            }
        )
        check = _timed(["manage.py", "check_summaries"], env)
        setup.append({"name": "check_summaries (recount everything, compare)", "value": check, "unit": "s"})
        measured = _measure("stats", env)
        if size == "small":  # issue 5: a 100,000-row hazard workbook into the register of 100,000 firms
            measured += _measure("import", env)
            measured += _measure("plans", env)  # issue 13: a province's board of 5,000 tasks
            # issue 14: a province's enforcement statistics at 200,000 inspections (its own rows; goes last)
            measured += _measure("enforcement", env)
        if size == "large":
            measured += _measure("export", env) + _measure("sweep", env)
        out[size] = setup + measured
    return out


def _print_table(results: dict[str, Any]) -> None:
    print(f"\nzhiben bench — {results['machine']}, {results['enterprises']} enterprises")
    for db, sizes in results["databases"].items():
        small = {r["name"]: r for r in sizes["small"]}
        names = {r["name"] for r in sizes["large"]}
        # what only the small database measures (the import) follows, its value in the "small" column
        large = sizes["large"] + [
            {**r, "value": "", "unit": r["unit"]} for r in sizes["small"] if r["name"] not in names
        ]
        print(f"\n{db}: large = {results['hazards']['large']} hazards, small = {results['hazards']['small']}")
        width = max(len(r["name"]) for r in large)
        head = f"{'measure'.ljust(width)}  {'large':>10}  {'GROUP BY':>10}  {'small':>10}  {'large/small':>11}  target"
        print(head)
        print("-" * len(head))
        for r in large:
            unit = r["unit"]
            s = small.get(r["name"])
            floor = f"{r['floor']:.1f}" if "floor" in r else ""
            ratio = f"{r['value'] / s['value']:.2f}" if s and unit == "ms" and s["value"] and r["value"] != "" else ""
            if unit == "region":
                ratio, unit = "", ""
            target = _target(r["name"], unit)
            value = f"{r['value']} {unit}" if r["value"] != "" else ""
            small_value = f"{s['value']} {unit}" if s and r["unit"] not in ("rows", "region") else ""
            print(f"{r['name'].ljust(width)}  {value:>10}  {floor:>10}  {small_value:>10}  {ratio:>11}  {target}")


def _target(name: str, unit: str) -> str:
    table = {"ms": TARGETS_MS, "s": TARGETS_S, "MB": TARGETS_MB}.get(unit, {})
    for prefix, limit in table.items():
        if name.startswith(prefix) or prefix in name:
            return f"< {limit:g} {unit}"
    return ""


if __name__ == "__main__":
    main()
