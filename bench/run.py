"""Benchmarks (``make bench``): print a table and write bench/results.json.

Runs against a throw-away database (SQLite by default under data/bench/, or BENCH_DATABASE_URL for
PostgreSQL), so the demo database is never touched. Timings are medians of repeated runs.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "100000"))


def main() -> None:
    bench_dir = ROOT / "data" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    db_url = os.environ.get("BENCH_DATABASE_URL")
    if not db_url:
        db_file = bench_dir / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        db_url = f"sqlite:///{db_file}"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "zhiben.settings",
        "ALLOWED_HOSTS": "testserver,localhost",
    }
    py = sys.executable
    started = time.perf_counter()
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    migrate_s = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run(
        [py, "manage.py", "generate_demo", "--enterprises", str(ENTERPRISES), "--seed", "1"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    generate_s = time.perf_counter() - started
    os.environ.update(env)
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    rows = [
        {"name": "migrate (incl. reference data)", "value": round(migrate_s, 2), "unit": "s"},
        {"name": f"generate_demo --enterprises {ENTERPRISES}", "value": round(generate_s, 2), "unit": "s"},
        *_api_timings(),
    ]
    result = {
        "database": db_url.split(":", 1)[0],
        "enterprises": ENTERPRISES,
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "results": rows,
    }
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    width = max(len(r["name"]) for r in rows)
    print(f"\nzhiben bench — {result['database']}, {ENTERPRISES} enterprises, {result['machine']}")
    print(f"{'measure'.ljust(width)}  value")
    for r in rows:
        print(f"{r['name'].ljust(width)}  {r['value']} {r['unit']}")
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")


def _median_ms(fn: Any, repeat: int = 15) -> float:
    fn()  # warm caches
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(samples), 1)


def _api_timings() -> list[dict[str, Any]]:
    from django.test import Client

    from zhiben.accounts.models import User

    province = User.objects.filter(username="bench-province").first() or User.objects.create(
        username="bench-province", role="officer", region_id="50"
    )
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create(
        username="bench-admin", role="admin", is_staff=True, is_superuser=True
    )
    out = []
    cases: list[tuple[str, User, str, dict[str, Any]]] = [
        ("API enterprise list, province officer, first page", province, "/api/v1/enterprises", {"limit": 50}),
        (
            "API enterprise list, national admin, sector+risk filter",
            admin,
            "/api/v1/enterprises",
            {"sector": "hazardous_chemicals", "risk_level": "red", "limit": 50},
        ),
        ("API enterprise list, county subtree", admin, "/api/v1/enterprises", {"region": "500241", "limit": 50}),
        ("API enterprise list, name search", admin, "/api/v1/enterprises", {"q": "化工", "limit": 50}),
        ("page enterprise list, province officer", province, "/enterprises/", {}),
        ("page home (scope figures), national admin", admin, "/", {}),
    ]
    for label, user, path, params in cases:
        client = Client()
        client.force_login(user)

        def call(c: Client = client, p: str = path, q: dict[str, Any] = params) -> None:
            r = c.get(p, q)
            assert r.status_code == 200, r.status_code

        out.append({"name": label + " (median)", "value": _median_ms(call), "unit": "ms"})
    return out


if __name__ == "__main__":
    main()
