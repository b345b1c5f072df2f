"""POST /api/v1/plans/parse: a plan document becomes a preview with every unit matched in the plan's region;
nothing is saved; a file that is not a plan is refused naming ``file``. Then the preview, sent back, saves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhiben.audit.models import Event
from zhiben.departments.services import departments_seed
from zhiben.plans.models import Plan, Task
from zhiben.tests_support import factories

pytest.importorskip("zhiben.plans.parsing")  # the plan-document parser (zhiben/plans/parsing.py)

pytestmark = pytest.mark.django_db
SEEDS = Path(__file__).resolve().parent / "fixtures"


def seed(name: str) -> bytes:
    return (SEEDS / name).read_bytes()


@pytest.fixture
def city_officer() -> Any:
    admin = factories.user("parse-admin", role="admin")
    departments_seed(actor=admin, region="50")
    return factories.user("parse-city", role="officer", region="50")


def parse(user: Any, data: bytes, name: str, region: str = "50") -> Any:
    client = Client()
    client.force_login(user)
    return client.post("/api/v1/plans/parse", {"file": SimpleUploadedFile(name, data), "region": region})


def test_the_chongqing_plan_is_previewed_with_its_units_matched(city_officer: Any) -> None:
    before = (Plan.objects.count(), Event.objects.count())
    r = parse(city_officer, seed("chongqing-plan-2024-2026.txt"), "chongqing.txt")
    assert r.status_code == 200, r.content[:500]
    preview = r.json()
    assert preview["region"] == "50"
    assert len(preview["tasks"]) >= 20
    units = [u for t in preview["tasks"] for u in (*t["lead_units"], *t["co_units"])]
    assert units
    assert all(set(u) >= {"text", "department", "region", "candidates", "flag"} for u in units)
    matched = [u for u in units if u["department"]]
    assert matched, "no unit of the plan matched 重庆市's member units"
    assert any(u["flag"] == "generic" for u in units)  # 各区县（自治县）政府
    assert (Plan.objects.count(), Event.objects.count()) == before


def test_the_preview_sent_back_saves_the_plan(city_officer: Any) -> None:
    preview = parse(city_officer, seed("chongqing-plan-2024-2026.txt"), "chongqing.txt").json()
    body = {**preview, "region": "50"}
    client = Client()
    client.force_login(city_officer)
    r = client.post("/api/v1/plans", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content[:800]
    plan = Plan.objects.get(pk=r.json()["id"])
    assert plan.tasks.count() == len(preview["tasks"])
    assert Task.objects.filter(plan=plan, units__department__isnull=False).exists()


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"", "empty.txt"), (b"PK\x03\x04 not really a docx", "x.docx"), ("随便写的一段话。".encode(), "note.txt")],
)
def test_a_file_that_is_not_a_plan_is_refused_naming_file(city_officer: Any, data: bytes, name: str) -> None:
    r = parse(city_officer, data, name)
    assert r.status_code == 422, r.content[:300]
    assert "file" in r.json()["errors"]
    assert not Plan.objects.exists()


def test_parsing_for_a_region_outside_the_callers_is_404(city_officer: Any) -> None:
    r = parse(city_officer, seed("township-plan-2024-2026.txt"), "town.txt", region="110105")
    assert r.status_code == 404


def test_the_import_page_previews_then_saves_on_confirm(city_officer: Any) -> None:
    client = Client()
    client.force_login(city_officer)
    r = client.post(
        "/plans/import/", {"file": SimpleUploadedFile("town.txt", seed("township-plan-2024-2026.txt")), "region": "50"}
    )
    assert r.status_code == 200
    assert "确认保存" in r.content.decode()
    assert not Plan.objects.exists()
    preview = r.context["preview"]
    form: dict[str, Any] = {"confirm": "1", "preview": r.context["preview_json"], "region": "50"}
    form["title"] = preview["title"] or "乡镇方案"
    for i, task in enumerate(preview["tasks"]):
        form[f"due_text-{i}"] = task.get("due_text") or ""
        form[f"due-{i}"] = task.get("due_day") or ""
        for role in ("lead_units", "co_units"):
            for j, unit in enumerate(task[role]):
                form[f"unit-{i}-{role}-{j}"] = f"d:{unit['department']}" if unit["department"] else ""
    r = client.post("/plans/import/", form)
    assert r.status_code == 302, r.content.decode()[:800]
    assert Plan.objects.get().tasks.count() == len(preview["tasks"])


def test_the_import_page_says_why_a_file_is_refused(city_officer: Any) -> None:
    client = Client()
    client.force_login(city_officer)
    r = client.post("/plans/import/", {"file": SimpleUploadedFile("empty.txt", b""), "region": "50"})
    assert r.status_code == 422
    assert 'role="alert"' in r.content.decode()
    assert not Plan.objects.exists()
