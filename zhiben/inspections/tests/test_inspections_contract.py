"""The inspection register's contract (zhiben/tests_support/contract.py): every endpoint and page that takes an
inspection answers 404 to outsiders — an officer of another county, of a township below the enterprise, of
another sector, another enterprise's user — and changes nothing; the lists hide it; their query counts hold."""

from __future__ import annotations

import io

from zhiben.inspections.models import Inspection
from zhiben.inspections.services.inspections import inspection_photo_add
from zhiben.inspections.tests.test_orders_contract import COVERED_HERE as ORDERS_COVERED
from zhiben.tests_support import files
from zhiben.tests_support.contract import Call, Listing, RegisterContract, Spec, Subject, World, api_count

from . import factories_inspections as f

API = "/api/v1/inspections/{id}"
PAGE = "/inspections/{id}"
NEW = {"kind": "special", "on": "2025-06-03", "team": [{"name": "契约检查员"}]}
OFFICERS_OUTSIDE = ("outsider", "sector_officer", "township_officer")


def _inspection(world: World) -> Inspection:
    unit = f.unit()
    team = f.team_of(f.officer(unit), f.officer(unit))
    return f.inspection(world.officer, world.firm, team=team)


def make_inspection(world: World) -> Subject:
    inspection = _inspection(world)
    photo, _ = inspection_photo_add(
        actor=world.officer, inspection_id=inspection.pk, upload=(io.BytesIO(files.png()), "a.png", None)
    )
    keys = {
        "id": inspection.pk,
        "photo": photo.pk,
        "credit_code": world.firm.credit_code,
        "name": world.firm.name,
    }
    return Subject(inspection, keys)


def more_inspections(world: World, n: int) -> None:
    for _ in range(n):
        _inspection(world)


SPEC = Spec(
    name="inspections",
    prefixes=("/api/v1/inspections", "/inspections/"),
    # the other areas of the register under /inspections/ have contracts of their own
    excluding=("/inspections/draws/", "/inspections/stats/"),
    make=make_inspection,
    make_more=more_inspections,
    calls=(
        Call("GET", API),
        Call("POST", f"{API}/items", body={"add": [{"text": "契约新增检查项", "result": "pass"}]}),
        Call("POST", f"{API}/findings", body={"title": "契约隐患", "level": "general"}),
        Call("POST", f"{API}/photos", upload="file"),
        Call("GET", f"{API}/photos/{{photo}}"),
        Call("POST", f"{API}/complete", body={"summary": "检查完毕", "acknowledged_by": "陈建国"}),
        Call("GET", f"{PAGE}/"),
        Call("POST", f"{PAGE}/items/", body={"add_text": "契约新增检查项"}),
        Call("POST", f"{PAGE}/items/", body={"action": "complete", "summary": "检查完毕", "acknowledged_by": "陈"}),
        Call("POST", f"{PAGE}/findings/", body={"title": "契约隐患", "level": "general"}),
        Call("POST", f"{PAGE}/findings/", body={"from_failed_items": "1", "level": "general"}),
        Call("GET", f"{PAGE}/photos/{{photo}}/"),
        # recording one for the firm: officers outside are refused (the firm is not theirs), nothing is made;
        # an enterprise user never records one
        Call(
            "POST",
            "/api/v1/inspections",
            body={"enterprise": "{credit_code}", **NEW},
            outside=OFFICERS_OUTSIDE,
            refused=(403, 404, 422),
        ),
        Call(
            "POST",
            "/inspections/new/",
            body={"enterprise": "{credit_code}", "kind": "special", "on": "2025-06-03", "names": "契约检查员"},
            outside=(*OFFICERS_OUTSIDE, "other_enterprise"),
            refused=(200, 403, 404, 422),
            hidden="{name}",
        ),
        Call(
            "GET",
            "/inspections/new/?enterprise={credit_code}",
            inside=("officer",),
            refused=(200, 403, 404),
            hidden="{name}",
        ),
    ),
    elsewhere={
        "GET /inspections/offline.js": "the pages' service worker, the same for everyone: test_inspections_pages.py",
        **ORDERS_COVERED,
        **dict.fromkeys(
            (
                "POST /api/v1/inspections/1/penalties",
                "GET /api/v1/inspections/export",
                "GET /inspections/penalties/",
                "GET /inspections/penalties/1/",
                "GET /inspections/plans/",
                "GET /inspections/plans/1/",
                "GET /inspections/officers/",
                "GET /inspections/experts/",
            ),
            "the penalties, plans and pools' contracts: test_register_contract_pen.py",
        ),
    },
    lists=(
        Listing("/api/v1/inspections", {"enterprise": "{credit_code}"}, count=api_count, baseline=5),
        Listing("/inspections/", {"enterprise": "{credit_code}"}, marker='href="/inspections/{id}/"', baseline=8),
    ),
)


class TestInspectionContract(RegisterContract):
    spec = SPEC
