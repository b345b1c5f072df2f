"""State outside the database belongs to its database: two servers of one checkout (one settings module) on
two databases never share a task queue or cache keys (field case 13: one queue file, each consumer running
the other database's import jobs). Run as separate processes, as the servers are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from zhiben.settings import database_identity

ROOT = Path(settings.BASE_DIR)

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "zhiben.settings"
import django
django.setup()
from django.conf import settings
from huey.contrib.djhuey import HUEY
from zhiben.imports.tasks import validate_import
if sys.argv[1] == "enqueue":
    validate_import("00000000-0000-4000-8000-000000000000")
print(json.dumps({
    "queue": settings.HUEY.get("filename"), "name": HUEY.name, "pending": HUEY.pending_count(),
    "identity": settings.DATABASE_IDENTITY,
}))
"""


def server(database_url: str, data_dir: Path, action: str = "look") -> dict[str, Any]:
    """What a server process started with ``database_url`` sees (after enqueueing a job when asked)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE")}
    env |= {"DATABASE_URL": database_url, "ZHIBEN_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, action], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_two_databases_of_one_checkout_have_two_queues(tmp_path: Path) -> None:
    data = tmp_path / "data"
    a, b = f"sqlite:///{tmp_path / 'a.sqlite3'}", f"sqlite:///{tmp_path / 'b.sqlite3'}"
    first = server(a, data, "enqueue")
    assert first["pending"] == 1
    other = server(b, data)
    assert other["queue"] != first["queue"] and other["name"] != first["name"]
    assert other["pending"] == 0  # the job of database a is not offered to b's consumer
    again = server(a, data)
    assert again["pending"] == 1 and again["queue"] == first["queue"]
    assert Path(first["queue"]).parent == data and Path(first["queue"]).name.startswith("huey-a-")


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ({"NAME": "/srv/a/zhiben.sqlite3"}, {"NAME": "/srv/b/zhiben.sqlite3"}, False),
        ({"NAME": "/srv/a/zhiben.sqlite3"}, {"NAME": "/srv/a/../a/zhiben.sqlite3"}, True),
        ({"NAME": "zhiben", "HOST": "db1", "PORT": 5432}, {"NAME": "zhiben", "HOST": "db2", "PORT": 5432}, False),
        ({"NAME": "zhiben", "HOST": "db1", "PORT": 5432}, {"NAME": "zhiben_test", "HOST": "db1", "PORT": 5432}, False),
        (
            {"NAME": "zhiben", "HOST": "db1", "PASSWORD": "old"},
            {"NAME": "zhiben", "HOST": "db1", "PASSWORD": "new"},
            True,
        ),
    ],
)
def test_the_identity_follows_the_database_not_its_password(one, other, same) -> None:
    def identity(database: dict[str, Any]) -> str:
        engine = "sqlite3" if str(database["NAME"]).endswith(".sqlite3") else "postgresql"
        return database_identity({"ENGINE": f"django.db.backends.{engine}", **database})

    assert (identity(one) == identity(other)) is same


def test_the_redis_queue_and_cache_keys_are_named_by_the_database(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    code = (
        "import os, json; os.environ['DJANGO_SETTINGS_MODULE'] = 'zhiben.settings'\n"
        "from django.conf import settings\n"
        "print(json.dumps([settings.HUEY['name'], settings.CACHES['default']['KEY_PREFIX']]))"
    )
    names = []
    for url in ("postgres://z:z@127.0.0.1:5432/zhiben_a", "postgres://z:z@127.0.0.1:5432/zhiben_b"):
        env |= {"DATABASE_URL": url, "REDIS_URL": "redis://127.0.0.1:6379/0", "ZHIBEN_DATA_DIR": str(tmp_path)}
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        names.append(json.loads(done.stdout))
    assert names[0][0] != names[1][0] and names[0][1] != names[1][1]
    assert "zhiben_a" in names[0][0] and "zhiben_b" in names[1][1]


def test_an_empty_database_url_means_the_embedded_default(tmp_path: Path) -> None:
    """A copied .env with ``DATABASE_URL=`` left empty starts on the embedded SQLite file, as an unset one
    (it was a KeyError at start-up)."""
    data = tmp_path / "data"
    seen = server("", data)
    assert Path(seen["queue"]).parent == data
    assert seen["identity"] == database_identity(
        {"ENGINE": "django.db.backends.sqlite3", "NAME": str(data / "zhiben.sqlite3")}
    )
