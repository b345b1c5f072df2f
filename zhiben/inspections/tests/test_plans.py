"""Yearly inspection plans (年度监督检查计划): the enterprises a unit plans for (the sectors it leads in the region, by
supervision class A–D), one plan per unit and year, bad input named, and progress against the plan counted in the
database (per class, capped per enterprise; draws; key sectors), whatever the plan's size."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zhiben.inspections.models import Draw, InspectionPlan, PlanItem
from zhiben.inspections.tests import factories_pen as f
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db
COUNTY = "500241"


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c: Client, url: str, body: Any) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def emergency() -> Any:
    return f.unit()


@pytest.fixture
def bureau_officer(emergency: Any) -> Any:
    return f.member("bureau1", emergency)


@pytest.fixture
def firms(township: str) -> dict[str, Any]:
    """The county's enterprises: chemicals by class (one at the township), one closed, a building site (led by the
    housing bureau), and one in another county."""
    make = factories.enterprise
    return {
        "A": make(region=COUNTY, sector="hazardous_chemicals", supervision_class="A", name="甲化工"),
        "B": make(region=township, sector="hazardous_chemicals", supervision_class="B", name="乙化工"),
        "C": make(region=COUNTY, sector="machinery", supervision_class="C", name="丙机械"),
        "D": make(region=COUNTY, sector="machinery", supervision_class="D", name="丁机械"),
        "none": make(region=COUNTY, sector="machinery", name="戊机械"),
        "closed": make(region=COUNTY, sector="machinery", supervision_class="A", status="closed", name="己机械"),
        "site": make(region=COUNTY, sector="construction", supervision_class="A", name="庚建筑"),
        "far": make(region="110105", sector="machinery", supervision_class="A", name="辛机械"),
    }


def plan_body(unit: Any, **extra: Any) -> dict[str, Any]:
    return {"region": COUNTY, "department": unit.pk, "year": 2026, "title": "2026年度安全生产监督检查计划", **extra}


def test_a_plan_lists_the_units_enterprises_by_class(bureau_officer, emergency, firms) -> None:
    r = post(client_for(bureau_officer), "/api/v1/inspection-plans", plan_body(emergency, random_draws=4))
    assert r.status_code == 201, r.content
    plan = InspectionPlan.objects.get()
    planned = {i.enterprise.name: (i.supervision_class, i.planned) for i in PlanItem.objects.filter(plan=plan)}
    # led sectors only (not the building site), not closed, not another county; class frequencies from settings
    assert planned == {
        "甲化工": ("A", 4),
        "乙化工": ("B", 2),
        "丙机械": ("C", 1),
        "丁机械": ("D", 0),
        "戊机械": ("", 0),
    }
    body = r.json()
    assert body["frequencies"] == {"A": 4, "B": 2, "C": 1, "D": 0}
    assert body["progress"]["totals"]["planned"] == 7 and body["progress"]["totals"]["done"] == 0
    assert "双随机" in body["note"]


def test_frequencies_given_replace_the_defaults(bureau_officer, emergency, firms) -> None:
    body = plan_body(emergency, frequencies={"a": 6, "D": "1"}, key_sectors=["化工和危险化学品"], random_ratio="5")
    r = post(client_for(bureau_officer), "/api/v1/inspection-plans", body)
    assert r.status_code == 201, r.content
    assert r.json()["frequencies"] == {"A": 6, "B": 2, "C": 1, "D": 1}
    assert r.json()["key_sectors"] == ["hazardous_chemicals"]
    assert PlanItem.objects.get(enterprise=firms["D"]).planned == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"year": 1999}, "year"),
        ({"year": "下一年"}, "year"),
        ({"year": None}, "year"),
        ({"title": ""}, "title"),
        ({"region": "110105"}, "region"),
        ({"region": "abc"}, "region"),
        ({"department": 999999}, "department"),
        ({"frequencies": {"E": 1}}, "frequencies"),
        ({"frequencies": {"A": 53}}, "frequencies"),
        ({"frequencies": {"A": -1}}, "frequencies"),
        ({"frequencies": {"A": True}}, "frequencies"),
        ({"frequencies": [4, 2]}, "frequencies"),
        ({"key_sectors": ["construction"]}, "key_sectors"),
        ({"key_sectors": ["nothing"]}, "key_sectors"),
        ({"random_draws": -2}, "random_draws"),
        ({"random_ratio": "101"}, "random_ratio"),
        ({"random_ratio": "1.234"}, "random_ratio"),
        ({"approved_on": "2999-01-01"}, "approved_on"),
    ],
)
def test_bad_plan_input_is_named(bureau_officer, emergency, firms, change, field) -> None:
    r = post(client_for(bureau_officer), "/api/v1/inspection-plans", plan_body(emergency, **change))
    assert r.status_code == 422 and field in r.json()["errors"], r.content
    assert not InspectionPlan.objects.exists()


def test_one_plan_per_unit_and_year(bureau_officer, emergency, firms) -> None:
    c = client_for(bureau_officer)
    assert post(c, "/api/v1/inspection-plans", plan_body(emergency)).status_code == 201
    again = post(c, "/api/v1/inspection-plans", plan_body(emergency, title="另一份"))
    assert again.status_code == 409 and "2026" in again.json()["errors"]["year"]
    assert post(c, "/api/v1/inspection-plans", plan_body(emergency, year=2027)).status_code == 201


def test_who_may_plan_for_a_unit(emergency, firms, officer) -> None:
    housing = f.member("housing1", f.unit("housing", "秀山县住房和城乡建设局"))
    assert post(client_for(housing), "/api/v1/inspection-plans", plan_body(emergency)).status_code == 403
    assert post(client_for(officer), "/api/v1/inspection-plans", plan_body(emergency)).status_code == 403
    office = f.member("office1", f.unit("committee_office", "秀山县安委会办公室"))
    assert post(client_for(office), "/api/v1/inspection-plans", plan_body(emergency)).status_code == 201
    # the office's own plan: a coordinating unit plans for its key sectors
    r = post(client_for(office), "/api/v1/inspection-plans", plan_body(office.department, key_sectors=["construction"]))
    assert r.status_code == 201
    assert [i.enterprise.name for i in PlanItem.objects.filter(plan_id=r.json()["id"])] == ["庚建筑"]


def _draw(plan: InspectionPlan | None, unit: Any, user: Any, serial: int, status: str, picks: list[str]) -> Draw:
    return Draw.objects.create(
        region_id=COUNTY,
        department=unit,
        plan=plan,
        year=2026,
        serial=serial,
        title="抽查",
        seed="s",
        algorithm="test",
        algorithm_version="1",
        pool_digest="0" * 64,
        picks=[{"enterprise": code, "inspectors": []} for code in picks],
        status=status,
        drawn_by=user,
    )


def test_progress_against_the_plan(bureau_officer, emergency, firms) -> None:
    c = client_for(bureau_officer)
    body = plan_body(emergency, random_draws=3, random_ratio="40", key_sectors=["hazardous_chemicals", "machinery"])
    plan_id = post(c, "/api/v1/inspection-plans", body).json()["id"]
    plan = InspectionPlan.objects.get(pk=plan_id)
    housing = f.unit("housing", "秀山县住房和城乡建设局")
    for name, day, unit in (
        ("A", "2026-02-01", emergency),
        ("A", "2026-05-01", emergency),
        ("B", "2026-03-01", emergency),
        ("B", "2026-04-01", emergency),
        ("B", "2026-06-01", emergency),  # a third: counted as made, not towards the plan (2 planned)
        ("none", "2026-06-01", emergency),  # planned for none
        ("C", "2025-12-31", emergency),  # last year
        ("C", "2026-07-01", housing),  # another unit's
    ):
        f.inspection(firms[name], bureau_officer, department=unit, on=day)
    _draw(plan, emergency, bureau_officer, 1, "published", [firms["C"].credit_code, firms["D"].credit_code])
    _draw(None, emergency, bureau_officer, 2, "drawn", [firms["C"].credit_code])
    _draw(plan, emergency, bureau_officer, 3, "discarded", [firms["none"].credit_code])
    r = c.get(f"/api/v1/inspection-plans/{plan_id}")
    assert r.status_code == 200
    progress = r.json()["progress"]
    by_class = {row["class"]: row for row in progress["classes"]}
    assert (by_class["A"]["planned"], by_class["A"]["done"], by_class["A"]["owed"]) == (4, 2, 0)
    assert (by_class["B"]["planned"], by_class["B"]["done"], by_class["B"]["inspections"]) == (2, 2, 3)
    assert (by_class["C"]["planned"], by_class["C"]["done"], by_class["C"]["owed"]) == (1, 0, 1)
    assert by_class[""]["inspections"] == 1 and by_class[""]["planned"] == 0
    assert progress["totals"] == {
        "enterprises": 5,
        "planned": 7,
        "done": 4,
        "inspections": 6,
        "inspected": 3,
        "owed": 1,
        "rate": round(4 / 7, 4),
    }
    assert [e["name"] for e in progress["not_inspected"]] == ["丙机械"]
    assert progress["draws"] == {
        "planned": 3,
        "done": 2,
        "discarded": 1,
        "rate": round(2 / 3, 4),
        "ratio": 40.0,
        "target": 2,
        "drawn": 2,
    }
    sectors = {s["sector"]: (s["enterprises"], s["inspected"]) for s in progress["key_sectors"]}
    assert sectors == {"hazardous_chemicals": (2, 2), "machinery": (3, 1)}
    listed = c.get("/api/v1/inspection-plans").json()
    assert listed["count"] == 1 and listed["items"][0]["totals"] == {
        "planned": 7,
        "done": 4,
        "enterprises": 5,
        "inspected": 2 + 1,
    }


def test_progress_takes_a_fixed_number_of_queries(bureau_officer, emergency, firms) -> None:
    c = client_for(bureau_officer)
    plan_id = post(c, "/api/v1/inspection-plans", plan_body(emergency, key_sectors=["machinery"])).json()["id"]
    c.get(f"/api/v1/inspection-plans/{plan_id}")
    with CaptureQueriesContext(connection) as few:
        c.get(f"/api/v1/inspection-plans/{plan_id}")
    plan = InspectionPlan.objects.get(pk=plan_id)
    for n in range(15):
        firm = factories.enterprise(region=COUNTY, sector="machinery", supervision_class="B")
        PlanItem.objects.create(plan=plan, enterprise=firm, supervision_class="B", planned=2)
        f.inspection(firm, bureau_officer, department=emergency, on=f"2026-03-{n + 1:02d}")
    with CaptureQueriesContext(connection) as many:
        assert c.get(f"/api/v1/inspection-plans/{plan_id}").json()["progress"]["totals"]["enterprises"] == 20
    assert len(many) == len(few)
    for n in range(3):
        post(c, "/api/v1/inspection-plans", plan_body(emergency, year=2020 + n))
    with CaptureQueriesContext(connection) as listed:
        assert c.get("/api/v1/inspection-plans").json()["count"] == 4
    assert len(listed) <= len(few)


def test_the_plan_exports_with_its_progress(bureau_officer, emergency, firms) -> None:
    c = client_for(bureau_officer)
    plan_id = post(c, "/api/v1/inspection-plans", plan_body(emergency)).json()["id"]
    f.inspection(firms["A"], bureau_officer, department=emergency, on="2026-02-01")
    r = c.get(f"/api/v1/inspection-plans/{plan_id}/progress.xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert "计划检查 7 次，已完成 1 次" in rows[0][0]
    assert rows[1][:3] == ("统一社会信用代码", "企业名称", "所在区划")
    table = {row[1]: row[4:8] for row in rows[2:]}
    assert table["甲化工"] == ("A", 4, 1, 3)
    assert table["戊机械"][0] == "未分类" and table["戊机械"][1] == 0


def test_plans_are_seen_in_scope_only(bureau_officer, emergency, firms, outsider, firm_user, township) -> None:
    plan_id = post(client_for(bureau_officer), "/api/v1/inspection-plans", plan_body(emergency)).json()["id"]
    housing = f.member("housing1", f.unit("housing", "秀山县住房和城乡建设局"))
    town = factories.user("town1", role="officer", region=township)
    for user in (outsider, firm_user, housing, town):
        assert client_for(user).get(f"/api/v1/inspection-plans/{plan_id}").status_code == 404
        assert client_for(user).get(f"/api/v1/inspection-plans/{plan_id}/progress.xlsx").status_code == 404
        assert client_for(user).get("/api/v1/inspection-plans").json()["count"] == 0
