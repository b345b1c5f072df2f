"""One write path (issue 10): imports write through the registers' bulk services, which write what the
single services write — the same rows, events and summary counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from zhiben.analytics.tallies import tally_drift
from zhiben.audit.models import Event
from zhiben.audit.selectors import verify_chain
from zhiben.common import hooks
from zhiben.common.inputs import parse
from zhiben.enterprises.inputs import EnterpriseRegistration
from zhiben.enterprises.models import Enterprise
from zhiben.enterprises.services import enterprise_create, enterprise_create_many, validate_enterprise
from zhiben.hazards import services as hazard_services
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import hazard_create, hazard_create_many, validate_hazard
from zhiben.imports.ledgers import ledgers
from zhiben.tests_support import factories

from .test_imports import HAZARD_HEADER, run, workbook

pytestmark = pytest.mark.django_db

IMPORTS = Path(__file__).resolve().parents[1]


class _Rollback(Exception):
    pass


def _written(create: Callable[[], list[Any]], seen: list[list[Any]], subject: str = "hazard") -> dict[str, Any]:
    """What ``create`` writes (rows, events without the import context, tally changes), then rolled back."""
    seen.clear()
    out: dict[str, Any] = {}
    try:
        with transaction.atomic():
            before = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            ids = create()
            position = {str(pk): i for i, pk in enumerate(ids)}
            out["events"] = [
                (position[e.subject_id], e.kind, {k: v for k, v in e.payload.items() if k != "import"})
                for e in Event.objects.filter(pk__gt=before, subject_type=subject).order_by("pk")
            ]
            if subject == "hazard":
                rows = {h["id"]: h for h in Hazard.objects.filter(pk__in=ids).values()}
                out["rows"] = [
                    {k: v for k, v in rows[pk].items() if k not in ("id", "created_at", "updated_at")} for pk in ids
                ]
            out["tallies"] = [pair for call in seen for pair in call]
            out["tally_calls"] = len(seen)
            out["drift"] = tally_drift()
            out["chain"] = verify_chain()
            raise _Rollback
    except _Rollback:
        pass
    return out


def _hazard_data(firm: Enterprise) -> list[dict[str, Any]]:
    day = datetime.date(2024, 3, 1)
    return [
        {
            "enterprise": firm.credit_code,
            "title": f"隐患{i}",
            "level": "major" if i == 0 else "general",
            "criterion": "SAWS121C-1" if i == 0 else "",
            "source": ("inspection", "self_check", "tip")[i % 3],
            "discovered_on": (day + datetime.timedelta(days=i)).isoformat(),
            "deadline": (day + datetime.timedelta(days=30 + i)).isoformat() if i % 2 else "",
            "location": "罐区" if i % 2 else "",
            "description": f"说明{i}",
            "external_ref": f"R-{i}" if i % 3 else "",
        }
        for i in range(5)
    ]


@pytest.mark.parametrize("allocate_from", [1000, 1])  # the database numbers the rows / executemany with ids
def test_a_bulk_create_writes_what_single_creates_write(officer, firm, monkeypatch, allocate_from) -> None:
    seen: list[list[Any]] = []
    receivers = [*hooks._tally["hazard"], lambda changes, day: seen.append(list(changes))]
    monkeypatch.setitem(hooks._tally, "hazard", receivers)
    data = _hazard_data(firm)
    single = _written(lambda: [hazard_create(actor=officer, report=parse(HazardReport, d)).pk for d in data], seen)
    monkeypatch.setattr(hazard_services, "ALLOCATE_FROM", allocate_from)
    bulk = _written(
        lambda: hazard_create_many(
            actor=officer,
            rows=[validate_hazard(parse(HazardReport, d), actor=officer) for d in data],
            context=[{"import": {"job": "j", "file": "f.xlsx", "row": i + 2}} for i in range(len(data))],
        ),
        seen,
    )
    assert len(single["events"]) == len(data) and single["rows"][0]["created_by_id"] == officer.pk
    assert bulk["events"] == single["events"]
    assert bulk["rows"] == single["rows"]
    assert bulk["tallies"] == single["tallies"] and len(bulk["tallies"]) == len(data)
    assert single["tally_calls"] == len(data) and bulk["tally_calls"] == 1  # once for the whole batch
    assert single["drift"] == bulk["drift"] == []
    assert single["chain"] is None and bulk["chain"] is None


def test_a_bulk_enterprise_create_writes_what_single_creates_write(officer) -> None:
    data = [
        {"credit_code": factories.credit_code(), "name": f"企业{i}", "region": "500241", "sector": "machinery"}
        for i in range(3)
    ]
    single = _written(
        lambda: [
            enterprise_create(actor=officer, registration=parse(EnterpriseRegistration, d)).credit_code for d in data
        ],
        [],
        "enterprise",
    )
    bulk = _written(
        lambda: [
            e.credit_code
            for e in enterprise_create_many(
                actor=officer,
                rows=[validate_enterprise(parse(EnterpriseRegistration, d), actor=officer) for d in data],
                context=[{"import": {"row": i}} for i in range(3)],
            )
        ],
        [],
        "enterprise",
    )
    assert len(single["events"]) == 3 and bulk["events"] == single["events"]


def test_an_imported_update_touches_updated_at(api_as, officer, firm) -> None:
    rows = [HAZARD_HEADER, [firm.credit_code, "消防通道堵塞", "一般", "检查", "2024-03-02", "", "", "一楼", "B-1"]]
    assert run(api_as(officer), "hazards", workbook(rows))["report"]["create"] == 1
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Hazard.objects.update(updated_at=long_ago)
    rows[1][7] = "二楼"
    job = run(api_as(officer), "hazards", workbook(rows))
    assert job["report"]["update"] == 1
    hazard = Hazard.objects.get()
    assert hazard.location == "二楼" and hazard.updated_at > long_ago
    event = Event.objects.filter(subject_type="hazard", kind="updated").get()
    assert event.payload["changes"] == {"location": ["一楼", "二楼"]}
    assert event.payload["import"] == {"job": job["id"], "file": "台账.xlsx", "row": 2}
    assert tally_drift() == [] and verify_chain() is None

    code = factories.credit_code()
    firms = [["统一社会信用代码", "单位名称", "所在区划", "行业领域"], [code, "甲公司", "500241", "机械"]]
    assert run(api_as(officer), "enterprises", workbook(firms))["report"]["create"] == 1
    Enterprise.objects.filter(credit_code=code).update(updated_at=long_ago)
    firms[1][1] = "甲公司（更名）"
    assert run(api_as(officer), "enterprises", workbook(firms))["report"]["update"] == 1
    assert Enterprise.objects.get(credit_code=code).updated_at > long_ago


def test_the_import_engine_writes_nothing_itself() -> None:
    """The engine reads, maps and reports; rows, events and counts are the registers' bulk services'."""
    forbidden = (
        "zhiben.hazards",
        "zhiben.enterprises",
        "Hazard(",
        "SimpleNamespace",
        "bulk_insert",
        "bulk_create",
        "allocate_ids",
        "event_append_many",
        "tallies_changed",
    )
    for path in IMPORTS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not [word for word in forbidden if word in text], path.name
    # and finds the ledgers in the register kit
    assert {"enterprises", "hazards"} <= set(ledgers())


@pytest.mark.parametrize("bulk", [False, True])
def test_every_hazard_write_takes_the_count_rows_before_the_event_chain(officer, firm, bulk) -> None:
    """One lock order for hazard writes (count rows, then chain heads), single and bulk; a re-import's
    updates touch no count row, and write their events after the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhiben.hazards.services import hazard_update_many

    made = [factories.hazard(officer, firm, discovered_on="2025-03-01", title=f"t{n}") for n in range(3)]

    def first(sqls: list[str], *marks: str) -> int:
        return next(i for i, sql in enumerate(sqls) if any(m in sql for m in marks))

    with CaptureQueriesContext(connection) as create:
        if bulk:
            report = parse(
                HazardReport,
                {
                    "enterprise": firm.credit_code,
                    "title": "x",
                    "level": "general",
                    "source": "inspection",
                    "discovered_on": "2025-03-01",
                },
            )
            rows = [validate_hazard(report, actor=officer), validate_hazard(report, actor=officer)]
            with transaction.atomic():
                hazard_create_many(actor=officer, rows=rows)
        else:
            factories.hazard(officer, firm, discovered_on="2025-03-01")
    with CaptureQueriesContext(connection) as update, transaction.atomic():
        hazard_update_many(actor=officer, rows=[(h.pk, {"title": f"改 {h.title}"}) for h in made])
    sqls = [q["sql"] for q in create.captured_queries]
    assert first(sqls, "analytics_hazardtally") < first(sqls, "audit_chainhead")
    # a re-import changes descriptive fields only: no count row at all, its events after the rows
    sqls = [q["sql"] for q in update.captured_queries]
    assert not any("analytics_" in sql for sql in sqls)
    assert first(sqls, 'UPDATE "hazards_hazard"') < first(sqls, "audit_chainhead")
