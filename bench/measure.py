"""One database's measurements, run by bench/run.py in a child process (Django is set up once per database).

    python bench/measure.py stats|sweep|import|export|plans|enforcement
        → prints one JSON list of {"name", "value", "unit"} rows on its last line

``stats`` times the summary-count answers (API, through the test client, as the users who ask them) beside the
same figures computed by ``GROUP BY`` over the hazard rows: the floor a naive dashboard would pay. ``sweep`` runs
the escalation sweep twice (the second run must find nothing new) and so changes the data: it goes last.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiben.settings")
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))

import django  # noqa: E402

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)  # every force_login would log a line

from django.test import Client  # noqa: E402

from zhiben.accounts.models import User  # noqa: E402
from zhiben.analytics import selectors as stats  # noqa: E402
from zhiben.hazards.models import Hazard, Level  # noqa: E402
from zhiben.hazards.rules import q_overdue  # noqa: E402


def median_ms(fn: Callable[[], Any], repeat: int = REPEAT) -> float:
    fn()  # warm the caches once, as a dashboard that is in use would have them
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(samples), 2)


def user(username: str, **fields: Any) -> User:
    found = User.objects.filter(username=username).first()
    return found or User.objects.create(username=username, **fields)


def get(client: Client, path: str, params: dict[str, Any]) -> Callable[[], None]:
    def call() -> None:
        r = client.get(path, params)
        assert r.status_code == 200, (path, params, r.status_code, r.content[:300])

    return call


def page_login(client: Client, actor: User) -> Client:
    client.force_login(actor)
    return client


def biggest_child(actor: User, region: str | None) -> str:
    """The child region with the most hazards: the province (and county) every figure is timed for."""
    groups = stats.hazard_stats(actor=actor, region=region, group_by="region")["groups"]
    return str(max(groups, key=lambda g: (g["total"], g["key"]))["key"])


def dashboard_floor(actor: User, region: str | None) -> None:
    """What the dashboard's figures cost by GROUP BY over the rows (plus the same most-overdue query)."""
    for group_by, level in (
        ("region", None),
        ("cohort", Level.MAJOR),
        ("sector", None),
        ("source", None),
        ("month", None),
        ("month", Level.MAJOR),
    ):
        stats.hazard_stats_from_rows(actor=actor, region=region, level=level, group_by=group_by)
    stats.top_overdue_enterprises(actor=actor, region=region)


def measure_stats() -> list[dict[str, Any]]:
    admin = user("bench-admin", role="admin", is_staff=True, is_superuser=True)
    province = biggest_child(admin, None)
    county = biggest_child(admin, biggest_child(admin, province))
    officer = user(f"bench-officer-{province}", role="officer", region_id=province)
    api, page = Client(), Client()
    api.force_login(officer)
    national = Client()
    national.force_login(admin)
    rows: list[tuple[str, Callable[[], Any], Callable[[], Any] | None]] = [
        (
            "stats/hazards province group_by=region",
            get(api, "/api/v1/stats/hazards", {"group_by": "region"}),
            lambda: stats.hazard_stats_from_rows(actor=officer, region=None, level=None, group_by="region"),
        ),
        (
            "stats/hazards province group_by=sector level=major",
            get(api, "/api/v1/stats/hazards", {"group_by": "sector", "level": "major"}),
            lambda: stats.hazard_stats_from_rows(actor=officer, region=None, level="major", group_by="sector"),
        ),
        (
            "stats/hazards national group_by=region",
            get(national, "/api/v1/stats/hazards", {"group_by": "region"}),
            lambda: stats.hazard_stats_from_rows(actor=admin, region=None, level=None, group_by="region"),
        ),
        (
            "stats/zeroing province",
            get(api, "/api/v1/stats/zeroing", {}),
            lambda: (
                stats.hazard_stats_from_rows(actor=officer, region=None, level="major", group_by="cohort"),
                stats.hazard_stats_from_rows(actor=officer, region=None, level="major", group_by="month"),
            ),
        ),
        (
            "stats/dashboard province",
            get(api, "/api/v1/stats/dashboard", {}),
            lambda: dashboard_floor(officer, None),
        ),
        (
            "stats/dashboard national",
            get(national, "/api/v1/stats/dashboard", {}),
            lambda: dashboard_floor(admin, None),
        ),
        (
            "page /dashboard/ province",
            get(page_login(page, officer), "/dashboard/", {}),
            None,
        ),
        (
            "hazard list county status=rectifying overdue, first page",
            get(api, "/api/v1/hazards", {"region": county, "status": "rectifying", "overdue": "true", "limit": 20}),
            None,
        ),
        (
            "hazard list province status=rectifying overdue, first page",
            get(api, "/api/v1/hazards", {"status": "rectifying", "overdue": "true", "limit": 20}),
            None,
        ),
    ]
    out: list[dict[str, Any]] = []
    for name, answer, floor in rows:
        entry: dict[str, Any] = {"name": name, "value": median_ms(answer), "unit": "ms"}
        if floor is not None:
            entry["floor"] = median_ms(floor, repeat=max(3, REPEAT // 3))
        out.append(entry)
    enterprise_cases: list[tuple[str, Client, str, dict[str, Any]]] = [
        ("enterprise list, province officer, first page", api, "/api/v1/enterprises", {"limit": 50}),
        (
            "enterprise list, national, sector+risk filter",
            national,
            "/api/v1/enterprises",
            {"sector": "hazardous_chemicals", "risk_level": "red", "limit": 50},
        ),
        ("enterprise list, national, name search", national, "/api/v1/enterprises", {"q": "化工", "limit": 50}),
    ]
    for name, client, path, params in enterprise_cases:
        out.append({"name": name, "value": median_ms(get(client, path, params)), "unit": "ms"})
    out.append({"name": "hazards", "value": Hazard.objects.count(), "unit": "rows"})
    out.append({"name": "province (the one with most hazards)", "value": province, "unit": "region"})
    out.append({"name": "county (the one with most hazards in it)", "value": county, "unit": "region"})
    return out


def measure_sweep() -> list[dict[str, Any]]:
    from zhiben.escalation.engine import sweep

    overdue = Hazard.objects.filter(q_overdue()).count()
    started = time.perf_counter()
    first = sweep()
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = sweep()
    second_s = time.perf_counter() - started
    assert sum(second.counts("hazard").values()) == 0, second.counts("hazard")
    return [
        {"name": "overdue hazards before the sweep", "value": overdue, "unit": "rows"},
        {
            "name": "sweep, first run",
            "value": round(first_s, 2),
            "unit": "s",
            "added": sum(first.counts("hazard").values()),
        },
        {"name": "sweep, idle second run", "value": round(second_s, 2), "unit": "s"},
    ]


def measure_import() -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "bench"))
    from imports import measure_import as run

    return run()


def measure_export() -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "bench"))
    from excel import measure_exports

    return measure_exports()


def measure_enforcement() -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "bench"))
    from enforcement_stats import measure_enforcement as run

    return run()


def measure_plans() -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "bench"))
    from plans_board import measure_board

    return measure_board()


if __name__ == "__main__":
    what = sys.argv[1]
    modes = {
        "stats": measure_stats,
        "sweep": measure_sweep,
        "import": measure_import,
        "export": measure_export,
        "plans": measure_plans,
        "enforcement": measure_enforcement,
    }
    result = modes[what]()
    print(json.dumps(result, ensure_ascii=False))
