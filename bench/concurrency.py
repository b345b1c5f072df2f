"""Concurrent writes on PostgreSQL (issue 10, "Speed"): ``python bench/concurrency.py`` (run by bench/run.py).

In a throw-away database (``zhiben_bench_concurrency``, never the demo database) it generates enterprises under
one province-level region (``BENCH_CONC_REGION``, Chongqing by default: one deployment's counties share their
city and province), takes the 16 counties with the most enterprises, gives each two officers, prepares major
hazards with an evidence file for the lifecycle phase, starts the real app server (waitress, as scripts/run.sh
does, on 127.0.0.1 and a free port, DEBUG off, settings bench/floor_settings.py = the product's plus the floor
endpoint) and drives it over HTTP with 16 client threads, each with its own bearer token
(``POST /api/v1/auth/token``) and keep-alive connection:

* floor: ``POST /api/v1/bench/floor`` — authenticated, inserts one row in one transaction, nothing else;
* create, 16 counties: ``POST /api/v1/hazards``, each client in its own county;
* create, 1 county: the same, all 16 clients (16 officers) in one county;
* lifecycle, 16 counties: plan → submit (officer A) → approve (officer B, not the submitter) of a major hazard.

Each phase is a fixed number of requests per client (``BENCH_CONC_REQUESTS``, lifecycle: ``BENCH_CONC_FLOWS``
hazards × 3 requests), after one warm-up request per client. It reports throughput (requests/s), p50 and p95
latency, creation throughput as a share of the floor's, and the lock-wait share: a sampler polls
``pg_stat_activity`` of the benchmark database every ``BENCH_CONC_SAMPLE_MS`` ms during the phase; the share is
the samples of server backends waiting on a heavyweight lock (``wait_event_type = 'Lock'``: row, tuple and
transaction-id locks) over the samples of server backends inside a transaction (``active`` or
``idle in transaction``), i.e. the part of the write path's transaction time spent waiting for another
transaction's lock. Lock waits are also counted by the table the waiting statement names.

Targets (issue 10): creation ≥ 50% of the floor's throughput, lock-wait share < 10%.
Figures go to bench/results.json under "concurrency" (other keys are kept). The server is stopped, the
database dropped and the temporary data folder removed at the end. Without PostgreSQL (no ``BENCH_PG_URL`` and
no local cluster ``scripts/pg-cluster.sh`` can start) it says so and exits 0.

Environment: BENCH_PG_URL, BENCH_CONC_REGION (50), BENCH_CONC_CLIENTS (16), BENCH_CONC_REQUESTS (40),
BENCH_CONC_FLOWS (15), BENCH_CONC_THREADS (waitress threads, 8 as scripts/run.sh), BENCH_CONC_SAMPLE_MS (10),
BENCH_CONC_LABEL (a name for this run, printed and stored).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DB_NAME = "zhiben_bench_concurrency"
REGION = os.environ.get("BENCH_CONC_REGION", "50")
CLIENTS = int(os.environ.get("BENCH_CONC_CLIENTS", "16"))
REQUESTS = int(os.environ.get("BENCH_CONC_REQUESTS", "40"))
FLOWS = int(os.environ.get("BENCH_CONC_FLOWS", "15"))
THREADS = int(os.environ.get("BENCH_CONC_THREADS", "8"))
SAMPLE_S = float(os.environ.get("BENCH_CONC_SAMPLE_MS", "10")) / 1000
LABEL = os.environ.get("BENCH_CONC_LABEL", "")
PASSWORD = "bench-Concurrency-2026"  # noqa: S105 - throw-away users in a throw-away database
TARGET_SHARE_OF_FLOOR = 50.0
TARGET_LOCK_SHARE = 10.0
# A complete, tiny PDF: evidence for the major hazards' close-out.
EVIDENCE = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
EVIDENCE += b"trailer<</Root 1 0 R>>\n%%EOF\n"
FLOOR_TABLE = "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, user_id bigint, note text, at timestamptz)"


# ------------------------------------------------------------------------------------ orchestration
def main() -> None:
    base = os.environ.get("BENCH_PG_URL") or start_local_pg()
    if not base:
        print("concurrency: no BENCH_PG_URL and no local PostgreSQL cluster to start; skipped", file=sys.stderr)
        return
    result = run(base)
    _store(result)
    print_table(result)
    print(f"\nwritten {RESULTS.relative_to(ROOT)} (key 'concurrency')")


def start_local_pg() -> str:
    """The URL of Debian's local cluster, started by scripts/pg-cluster.sh (as root), or "" without one."""
    if not shutil.which("pg_lsclusters") or os.geteuid() != 0:
        return ""
    done = subprocess.run(
        [str(ROOT / "scripts" / "pg-cluster.sh"), "start"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def run(base: str) -> dict[str, Any]:
    """Set up the database, start the server, run the phases; always stop the server and drop the database."""
    import psycopg

    url = urlunsplit(urlsplit(base)._replace(path=f"/{DB_NAME}"))
    data_dir = Path(tempfile.mkdtemp(prefix="zhiben-bench-conc-"))
    server_log = data_dir / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.floor_settings",
        "ZHIBEN_DATA_DIR": str(data_dir),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "HUEY_IMMEDIATE": "0",
        "AXES_ENABLED": "0",  # 48 sign-ins from one address in a second are the benchmark, not an attack
        "PYTHONPATH": str(ROOT),
    }
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    server: subprocess.Popen[bytes] | None = None
    try:
        print(f"== concurrency: setting up {DB_NAME}", flush=True)
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        generate = ["generate_demo", "--enterprises", "3000", "--hazards", "20000", "--region", REGION, "--seed", "1"]
        subprocess.run([*manage, *generate], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        done = subprocess.run(
            [sys.executable, __file__, "--setup"], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True
        )
        plan = json.loads(done.stdout.strip().splitlines()[-1])
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(FLOOR_TABLE)
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "waitress",
                f"--listen=127.0.0.1:{port}",
                f"--threads={THREADS}",
                "--ident=zhiben",
                "zhiben.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            # a file, not a pipe nobody reads: waitress's warnings ("task queue depth") would fill a pipe
            # and block the server's main thread, and every client would time out
            stderr=server_log.open("wb"),
        )
        _wait_for(port, server, server_log)
        phases = _phases(port, url, plan)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)
    floor = phases["floor"]["rps"]
    for name in ("create, 16 counties", "create, 1 county"):
        phases[name]["share_of_floor_pct"] = round(100 * phases[name]["rps"] / floor, 1) if floor else None
    return {
        "label": LABEL,
        "clients": CLIENTS,
        "waitress_threads": THREADS,
        "region": REGION,
        "counties": plan["counties"],
        "lock_share": "samples waiting on a Lock / samples inside a transaction, pg_stat_activity",
        "phases": phases,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            status, _ = Client(port).call("GET", "/api/v1/openapi.json")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not answer within 30 s")


def _store(result: dict[str, Any]) -> None:
    """Write the figures under "concurrency" in bench/results.json, keeping every other key."""
    old = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    old["concurrency"] = result
    RESULTS.write_text(json.dumps(old, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ------------------------------------------------------------------------------------------ HTTP
class Client:
    """One keep-alive connection to the server, with a bearer token once signed in."""

    def __init__(self, port: int, token: str = "", second: str = "") -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.token = token
        self.second = second  # the county's second officer: reviews what the first submitted

    def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, as_second: bool = False
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        token = self.second if as_second else self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw[:1] in (b"{", b"[") else raw

    def sign_in(self, username: str) -> Client:
        status, body = self.call("POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD})
        if status != 200:
            raise RuntimeError(f"sign-in of {username}: {status} {body!r}")
        self.token = body["token"]
        return self


# (client, round) → method, path, JSON body, whether the county's second officer sends it
Request = tuple[str, str, dict[str, Any], bool]
Step = Callable[[Client, int], Request]


@dataclass
class Sampler:
    """Polls pg_stat_activity of the benchmark database until stopped (see the module's docstring)."""

    url: str
    in_transaction: int = 0
    waiting: int = 0
    samples: int = 0
    tables: Counter[str] = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        import psycopg

        sql = (
            "SELECT state, wait_event_type, wait_event, query FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                for state, wait_type, _wait, query in conn.execute(sql).fetchall():
                    if state in ("active", "idle in transaction"):
                        self.in_transaction += 1
                        if wait_type == "Lock":
                            self.waiting += 1
                            self.tables[_table_of(query)] += 1
                self.samples += 1
                time.sleep(SAMPLE_S)


def _table_of(query: str) -> str:
    found = re.search(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', query or "", re.IGNORECASE)
    return found.group(1) if found else "?"


def _phase(
    name: str, port: int, url: str, tokens: list[tuple[str, str]], steps: list[Step], rounds: int
) -> dict[str, Any]:
    """Each client (first and second officer's tokens) runs ``rounds`` × ``steps`` after one warm-up round;
    returns the phase's figures."""
    clients = [Client(port, first, second) for first, second in tokens]
    errors: list[str] = []
    latencies: list[list[float]] = [[] for _ in clients]

    def one(k: int, i: int, record: bool) -> None:
        for step in steps:
            method, path, body, as_second = step(clients[k], i)
            started = time.perf_counter()
            status, answer = clients[k].call(method, path, body, as_second=as_second)
            if record:
                latencies[k].append(time.perf_counter() - started)
            if status not in (200, 201):
                errors.append(f"{method} {path}: {status} {str(answer)[:300]}")

    def worker(k: int, go: threading.Barrier) -> None:
        one(k, 0, record=False)  # warm-up: the connection, the token's user, the caches
        go.wait()
        for i in range(1, rounds + 1):
            one(k, i, record=True)

    go = threading.Barrier(len(clients) + 1)
    threads = [threading.Thread(target=worker, args=(k, go)) for k in range(len(clients))]
    for t in threads:
        t.start()
    sampler = Sampler(url)
    sampling = threading.Thread(target=sampler.run)
    go.wait()
    started = time.perf_counter()
    sampling.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    sampler.stop.set()
    sampling.join()
    for c in clients:
        c.conn.close()
    if errors:
        raise RuntimeError(f"{name}: {len(errors)} failed requests, the first: {errors[0]}")
    every = sorted(x for per in latencies for x in per)
    share = 100 * sampler.waiting / sampler.in_transaction if sampler.in_transaction else 0.0
    figures = {
        "requests": len(every),
        "seconds": round(elapsed, 2),
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(every), 1),
        "p95_ms": round(1000 * statistics.quantiles(every, n=20)[18], 1),
        "lock_wait_share_pct": round(share, 1),
        "lock_waits_by_table": dict(sampler.tables.most_common(6)),
        "samples": sampler.samples,
    }
    print(f"  {name}: {figures['rps']} req/s, p95 {figures['p95_ms']} ms, lock wait {figures['lock_wait_share_pct']}%")
    return figures


def _phases(port: int, url: str, plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    counties = plan["counties"][:CLIENTS]
    print(f"== concurrency: {CLIENTS} clients, waitress {THREADS} threads, counties {', '.join(counties)}", flush=True)

    def token(username: str) -> str:
        return Client(port).sign_in(username).token

    pairs = [(token(plan["officers"][c][0]), token(plan["officers"][c][1])) for c in counties]
    one_county = [(token(name), "") for name in plan["one_county_officers"][:CLIENTS]]
    county_of = {first: c for (first, _), c in zip(pairs, counties, strict=True)}
    county_of.update({first: plan["one_county"] for first, _ in one_county})
    day = plan["today"]

    def floor(_client: Client, i: int) -> Request:
        return "POST", "/api/v1/bench/floor", {"note": f"floor {i}"}, False

    def create(client: Client, i: int) -> Request:
        firms = plan["enterprises"][county_of[client.token]]
        body = {
            "enterprise": firms[i % len(firms)],
            "title": f"压测隐患 {i}",
            "level": "general",
            "source": "inspection",
            "discovered_on": day,
            "deadline": day,
            "description": "并发写入基准测试",
        }
        return "POST", "/api/v1/hazards", body, False

    def flow(client: Client, i: int) -> list[int]:
        return list(plan["flows"][county_of[client.token]][i])

    def planned(client: Client, i: int) -> Request:
        body = {
            "responsible_person": "张三",
            "measures": "停产整顿，更换设备",
            "interim_measures": "设置警戒区，专人值守",
            "funds": "10000",
            "deadline": day,
        }
        return "POST", f"/api/v1/hazards/{flow(client, i)[0]}/plan", body, False

    def submitted(client: Client, i: int) -> Request:
        hazard_id, attachment = flow(client, i)
        return (
            "POST",
            f"/api/v1/hazards/{hazard_id}/submit",
            {"summary": "已整改完毕", "attachments": [attachment]},
            False,
        )

    def approved(client: Client, i: int) -> Request:
        # by the county's second officer: not the one who submitted it (审核把关)
        body = {"decision": "approve", "comment": "同意销号"}
        return "POST", f"/api/v1/hazards/{flow(client, i)[0]}/review", body, True

    return {
        "floor": _phase("floor", port, url, pairs, [floor], REQUESTS),
        "create, 16 counties": _phase("create, 16 counties", port, url, pairs, [create], REQUESTS),
        "create, 1 county": _phase("create, 1 county", port, url, one_county, [create], REQUESTS),
        "lifecycle, 16 counties": _phase(
            "lifecycle, 16 counties", port, url, pairs, [planned, submitted, approved], FLOWS
        ),
    }


def print_table(result: dict[str, Any]) -> None:
    label = f" [{result['label']}]" if result.get("label") else ""
    print(
        f"\nconcurrency{label}: {result['clients']} clients over HTTP, waitress {result['waitress_threads']} threads,"
        f" PostgreSQL; lock wait = {result['lock_share']}"
    )
    head = f"{'phase':<24}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'% floor':>9}{'lock wait':>11}"
    head += "  waits by table"
    print(head)
    print("-" * len(head))
    for name, f in result["phases"].items():
        share = f.get("share_of_floor_pct")
        share_text = f"{share}%" if share is not None else ""
        tables = ", ".join(f"{t} {n}" for t, n in f["lock_waits_by_table"].items())
        print(
            f"{name:<24}{f['requests']:>9}{f['rps']:>8}{f['p50_ms']:>9}{f['p95_ms']:>9}{share_text:>9}"
            f"{str(f['lock_wait_share_pct']) + '%':>11}  {tables}"
        )
    print(f"targets: creation ≥ {TARGET_SHARE_OF_FLOOR:g}% of the floor, lock wait < {TARGET_LOCK_SHARE:g}%")


# ------------------------------------------------------------------------------ setup (child process)
def setup() -> None:
    """In the benchmark database, through the project's services: two officers per county (A creates and
    submits, B reviews), sixteen officers of one county, and FLOWS major hazards per county with an evidence
    file. Prints the plan as JSON on its last line."""
    import django

    django.setup()
    import io

    from django.db.models import Count
    from django.db.models.functions import Substr

    from zhiben.accounts.models import User
    from zhiben.accounts.services import user_create
    from zhiben.common.inputs import parse
    from zhiben.enterprises.models import Enterprise
    from zhiben.hazards.inputs import HazardReport
    from zhiben.hazards.rules import today
    from zhiben.hazards.services import hazard_attach, hazard_create
    from zhiben.reference.selectors import criteria_in_force

    per_county = (
        Enterprise.objects.filter(region__code__startswith=REGION)
        .annotate(county=Substr("region_id", 1, 6))
        .values("county")
        .annotate(n=Count("id"))
        .order_by("-n", "county")
    )
    counties = [row["county"] for row in per_county[:CLIENTS]]
    if len(counties) < CLIENTS:
        raise SystemExit(f"only {len(counties)} counties with enterprises under {REGION}")
    day = today()

    def officer(name: str, county: str) -> User:
        return user_create(
            actor=None,
            username=name,
            password=PASSWORD,
            role="officer",
            region=county,
            full_name=name,
            check_password_strength=False,
        )

    plan: dict[str, Any] = {"counties": counties, "officers": {}, "enterprises": {}, "flows": {}, "today": str(day)}
    for n, county in enumerate(counties):
        a, _b = officer(f"bench_a{n}", county), officer(f"bench_b{n}", county)
        plan["officers"][county] = [f"bench_a{n}", f"bench_b{n}"]
        firms = list(Enterprise.objects.filter(region__code__startswith=county).order_by("id")[:200])
        # major hazards cite a clause in force on the day (FACTS §2): firms of sectors with none that day are left out
        citable = {
            f.sector_id: criteria_in_force(f.sector_id, day)
            .exclude(kind="determination")
            .values_list("code", flat=True)
            .first()
            for f in firms
        }
        firms = [f for f in firms if citable[f.sector_id]][:50]
        plan["enterprises"][county] = [f.credit_code for f in firms]
        flows = []
        for i in range(FLOWS + 1):  # one more for the warm-up round
            firm = firms[i % len(firms)]
            clause = citable[firm.sector_id]
            hazard = hazard_create(
                actor=a,
                report=parse(
                    HazardReport,
                    {
                        "enterprise": firm.credit_code,
                        "title": f"压测重大隐患 {i}",
                        "level": "major",
                        "source": "inspection",
                        "discovered_on": day,
                        "criterion": clause,
                    },
                ),
            )
            (attachment,) = hazard_attach(
                hazard_id=hazard.pk, actor=a, uploads=[(io.BytesIO(EVIDENCE), "整改照片.pdf", len(EVIDENCE))]
            )
            flows.append([hazard.pk, attachment.pk])
        plan["flows"][county] = flows
    plan["one_county"] = counties[0]
    plan["one_county_officers"] = [plan["officers"][counties[0]][0]]
    for n in range(1, CLIENTS):
        officer(f"bench_c{n}", counties[0])
        plan["one_county_officers"].append(f"bench_c{n}")
    print(json.dumps(plan, ensure_ascii=False))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:] == ["--setup"]:
        setup()
    else:
        main()
