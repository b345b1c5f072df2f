"""Schemathesis over the whole OpenAPI document against the real app server, asserting that no request
gets a 5xx (its ``not_a_server_error`` check).

A fresh database (SQLite in a temporary folder, or a PostgreSQL database made for the run on the cluster
of ``--database-url``) is migrated and seeded with the demo data; waitress serves the app as scripts/run.sh
does; the calls carry the bearer token of the county officer (``county``), who has the demo data in scope.
The run stops when ``--max-time`` seconds are spent. On failure the server's log (its tracebacks) is printed
after schemathesis's report; a JUnit report is written under ``--report-dir``.

    .venv/bin/python scripts/fuzz_api.py                                   # SQLite
    .venv/bin/python scripts/fuzz_api.py --database-url postgres://zhiben:zhiben@127.0.0.1:5432/zhiben
    .venv/bin/python scripts/fuzz_api.py --max-time 600 --seed 7          # longer, reproducible

Exit status: schemathesis's (0 when no check failed), or 2 when the server could not be set up.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "county", "zhiben-demo-2024"  # the demo's county officer (zhiben/demo, scripts/run.sh)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="a PostgreSQL URL (its cluster); SQLite when empty")
    parser.add_argument("--max-time", type=int, default=150, help="seconds of fuzzing (default 150)")
    parser.add_argument("--seed", type=int, default=None, help="schemathesis's random seed")
    parser.add_argument("--report-dir", default=str(ROOT / "artifacts" / "fuzz"), help="where the JUnit report goes")
    parser.add_argument("--workers", default="2", help="schemathesis's concurrent workers (default 2)")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="zhiben-fuzz-"))
    log_path = data_dir / "server.log"
    pg_base = args.database_url if args.database_url.startswith("postgres") else ""
    pg_name = f"zhiben_fuzz_{os.getpid()}"
    url = (
        urlunsplit(urlsplit(pg_base)._replace(path=f"/{pg_name}"))
        if pg_base
        else f"sqlite:///{data_dir / 'fuzz.sqlite3'}"
    )
    label = "postgresql" if pg_base else "sqlite"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")},
        "DATABASE_URL": url,
        "ZHIBEN_DATA_DIR": str(data_dir),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "HUEY_IMMEDIATE": "1",  # an upload's validation runs inside the request: its faults are the request's
        "TIP_RATE_LIMIT": "1000000/h",  # the public endpoints' limits would answer 429 to most of the run
        "TIP_RECEIPT_RATE_LIMIT": "1000000/h",
        "TIP_RECEIPT_FAILURES": "1000000/h",
        "PYTHONPATH": str(ROOT),
    }
    server: subprocess.Popen[bytes] | None = None
    try:
        if pg_base:
            _pg(pg_base, f'DROP DATABASE IF EXISTS "{pg_name}"', f'CREATE DATABASE "{pg_name}"')
        manage = [sys.executable, "manage.py"]
        print(f"== fuzz ({label}): migrate and seed the demo data", flush=True)
        subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=8", "zhiben.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_path.open("wb"),  # a file: a pipe nobody reads would block the server
        )
        base = f"http://127.0.0.1:{port}"
        _wait_for(base, server, log_path)
        token = _token(base)
        report_dir = Path(args.report_dir) / label
        command = [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{base}/api/v1/openapi.json",
            "--checks",
            "not_a_server_error",
            "--header",
            f"Authorization: Bearer {token}",
            "--max-time",
            str(args.max_time),
            "--workers",
            args.workers,
            "--request-timeout",
            "60",
            "--suppress-health-check",
            "all",
            "--report",
            "junit",
            "--report-dir",
            str(report_dir),
        ]
        if args.seed is not None:
            command += ["--seed", str(args.seed)]
        print(f"== fuzz ({label}): schemathesis for {args.max_time} s against {base}", flush=True)
        # in the temporary folder: schemathesis keeps its own state (.schemathesis/) where it runs
        status = subprocess.run(command, cwd=data_dir, env={**os.environ, "NO_COLOR": "1"}, check=False).returncode
        if status != 0:
            print(f"== fuzz ({label}): the server's log (tracebacks of the 5xx above)", flush=True)
            print(_errors(log_path.read_text(errors="replace")), flush=True)
        return status
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        print(f"== fuzz ({label}): could not set up the server: {exc}", file=sys.stderr)
        if log_path.exists():
            print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if pg_base:
            _pg(pg_base, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def _pg(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not answer within 60 s")


def _token(base: str) -> str:
    body = json.dumps({"username": USER, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.loads(response.read())["token"])


def _errors(log: str) -> str:
    """The tracebacks of the log (what a 5xx left behind), or its tail."""
    blocks = [b for b in log.split("\n\n") if "Traceback" in b or "unhandled" in b or "Internal Server Error" in b]
    return "\n\n".join(blocks)[-20000:] if blocks else log[-4000:]


if __name__ == "__main__":
    sys.exit(main())
