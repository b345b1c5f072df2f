"""The risk register's API: writes by the enterprise's staff and admins, reads by officers in scope, filters, the
settings with the grade and its reason, and hostile requests (nothing a caller sends makes a 500 or half a record)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiben.risks.models import ControlMeasure, RiskEvent, RiskUnit
from zhiben.risks.tests import factories_register as f

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def send(c: Client, method: str, url: str, body: Any = None) -> Any:
    return c.generic(method, url, json.dumps({} if body is None else body), content_type="application/json")


@pytest.fixture
def firm() -> Any:
    return f.firm()


@pytest.fixture
def me(firm: Any) -> Any:
    return f.staff("chem1", firm)


UNIT = {"name": "合成反应装置", "kind": "生产装置/单元", "department": "生产部", "responsible": "李四"}


def test_an_enterprise_user_builds_its_register_through_the_api(me, firm) -> None:
    c = client_for(me)
    r = send(c, "POST", "/api/v1/risk-units", UNIT)
    assert r.status_code == 201, r.content
    unit = r.json()
    assert unit["enterprise"] == firm.credit_code and unit["kind"] == "installation" and unit["region"] == "500241"
    r = send(c, "POST", f"/api/v1/risk-units/{unit['id']}/events", {"name": "反应失控", "l": "3", "e": 6, "c": 40})
    assert r.status_code == 201 and r.json()["score"] == "720" and r.json()["grade"] == "red"
    event = r.json()["id"]
    body = {"event": event, "unit": unit["id"], "description": "设SIS联锁", "classify1": "1", "classify2": "1-4"}
    r = send(c, "POST", "/api/v1/control-measures", body)
    assert r.status_code == 201 and r.json()["classify2_name"] == "安全仪表" and r.json()["unit"] == unit["id"]
    listed = c.get("/api/v1/risk-units", {"enterprise": firm.credit_code}).json()
    assert listed["count"] == 1 and listed["items"][0]["events"][0]["measures"][0]["description"] == "设SIS联锁"
    profile = c.get(f"/api/v1/enterprises/{firm.credit_code}/risk-profile").json()
    assert profile["grade"] == "red" and "合成反应装置 · 反应失控" in profile["grade_reason"]["text"]
    assert c.get("/api/v1/control-measures", {"event": event}).json()["count"] == 1
    assert send(c, "DELETE", f"/api/v1/risk-units/{unit['id']}").status_code == 204
    assert c.get("/api/v1/risk-units").json()["count"] == 0
    assert c.get(f"/api/v1/risk-units/{unit['id']}").status_code == 404
    assert c.get(f"/api/v1/enterprises/{firm.credit_code}/risk-profile").json()["grade"] == ""


def test_the_list_filters_by_grade_region_and_words(me, firm) -> None:
    red = f.unit(me, name="液氯储罐区")
    f.event(me, red, l=6, e=6, c=40)
    blue = f.unit(me, name="办公楼", department="行政部")
    f.event(me, blue, l=1, e=1, c=1)
    c = client_for(f.officer())
    assert [u["name"] for u in c.get("/api/v1/risk-units", {"grade": "red"}).json()["items"]] == ["液氯储罐区"]
    assert [u["name"] for u in c.get("/api/v1/risk-units", {"grade": "低风险"}).json()["items"]] == ["办公楼"]
    assert c.get("/api/v1/risk-units", {"q": "行政"}).json()["count"] == 1
    assert c.get("/api/v1/risk-units", {"region": "500241"}).json()["count"] == 2
    assert c.get("/api/v1/risk-units", {"region": "110105"}).json()["count"] == 0
    bad = c.get("/api/v1/risk-units", {"grade": "purple"})
    assert bad.status_code == 422 and "grade" in bad.json()["errors"]
    assert c.get("/api/v1/risk-units", {"limit": "0"}).json()["errors"]["limit"]
    assert c.get("/api/v1/control-measures", {"unit": "x"}).json()["errors"]["unit"]


def test_an_officer_reads_but_gets_403_on_writes_and_the_settings(me, firm) -> None:
    unit = f.unit(me)
    event = f.event(me, unit)
    c = client_for(f.officer())
    assert c.get(f"/api/v1/risk-units/{unit.pk}").status_code == 200
    assert send(c, "PATCH", f"/api/v1/risk-units/{unit.pk}", {"name": "x"}).status_code == 403
    assert send(c, "DELETE", f"/api/v1/risk-units/{unit.pk}/events/{event.pk}").status_code == 403
    r = send(c, "PUT", f"/api/v1/enterprises/{firm.credit_code}/risk-profile", {"method": "nonsense"})
    assert r.status_code == 403  # refused for who they are before the values are read
    assert RiskEvent.objects.filter(deleted=False).count() == 1


def test_the_settings_refuse_unknown_fields_and_outsiders_users(me, firm) -> None:
    c = client_for(me)
    url = f"/api/v1/enterprises/{firm.credit_code}/risk-profile"
    assert send(c, "PUT", url, {"colour": "red"}).json()["errors"] == {"colour": "不支持的字段"}
    r = send(c, "PUT", url, {"safety_manager": f.staff("other1", f.firm()).username})
    assert r.status_code == 422 and "safety_manager" in r.json()["errors"]
    r = send(c, "PUT", url, {"safety_manager": "chem1", "method": "ls"})
    assert r.status_code == 200 and r.json()["safety_manager"] == "chem1" and r.json()["method"] == "ls"
    assert send(c, "PUT", url, {"safety_manager": None}).json()["safety_manager"] is None
    assert send(client_for(f.staff("other2", f.firm())), "GET", url).status_code == 404


def test_an_event_under_another_unit_answers_404(me) -> None:
    one, two = f.unit(me), f.unit(me, name="装卸站台")
    event = f.event(me, one)
    c = client_for(me)
    assert send(c, "PATCH", f"/api/v1/risk-units/{two.pk}/events/{event.pk}", {"c": 40}).status_code == 404
    assert send(c, "DELETE", f"/api/v1/risk-units/{two.pk}/events/{event.pk}").status_code == 404
    assert not RiskEvent.objects.get(pk=event.pk).deleted


# --- hostile requests ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([1, 2], "body"),
        ("text", "body"),
        ({"name": "x\x00", "department": "d", "responsible": "r"}, "name"),
        ({"name": "x" * 101, "department": "d", "responsible": "r"}, "name"),
        ({"name": {"a": 1}, "department": "d", "responsible": "r"}, "name"),
        ({"name": "x", "department": "d", "responsible": "r", "kind": "rocket"}, "kind"),
        ({"name": "x", "department": "d", "responsible": "r", "grade": "blue"}, "grade"),
        ({"name": "x", "department": "d", "responsible": "r", "enterprise": "123"}, "enterprise"),
        ({"name": "\u200b", "department": "d", "responsible": "r"}, "name"),
    ],
)
def test_bad_unit_bodies_are_named_and_nothing_is_saved(me, body, field) -> None:
    r = send(client_for(me), "POST", "/api/v1/risk-units", body)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert not RiskUnit.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "l": True, "e": 6, "c": 15}, "l"),
        ({"name": "x", "l": [3], "e": 6, "c": 15}, "l"),
        ({"name": "x", "l": "3", "e": "NaN", "c": 15}, "e"),
        ({"name": "x", "l": "3", "e": "Infinity", "c": 15}, "e"),
        ({"name": "x", "l": "3", "e": 6, "c": "1e400"}, "c"),
        ({"name": "x", "l": "3", "e": 6, "c": "9" * 30}, "c"),
        ({"name": "x", "l": 3, "e": 6}, "c"),
    ],
)
def test_bad_factors_are_named_and_nothing_is_saved(me, body, field) -> None:
    unit = f.unit(me)
    r = send(client_for(me), "POST", f"/api/v1/risk-units/{unit.pk}/events", body)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert not RiskEvent.objects.exists()


@pytest.mark.parametrize("event", [True, -1, 0, "1.5", 2**70, "abc", None])
def test_a_measure_with_no_usable_event_names_the_event(me, event) -> None:
    r = send(client_for(me), "POST", "/api/v1/control-measures", {"event": event, "description": "x", "classify1": "1"})
    assert r.status_code == 422 and "event" in r.json()["errors"], r.content
    assert not ControlMeasure.objects.exists()


def test_a_form_body_is_refused_for_its_kind_and_huge_ids_are_404(me) -> None:
    c = client_for(me)
    r = c.post("/api/v1/risk-units", "name=x", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 415
    assert c.get(f"/api/v1/risk-units/{2**70}").status_code == 404
    assert send(c, "DELETE", f"/api/v1/control-measures/{2**63}").status_code == 404


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
FIELDS = ["name", "consequence", "l", "e", "c", "likelihood", "severity", "event", "unit", "description", "classify1"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6))
def test_no_event_or_measure_body_makes_a_500(me, body) -> None:
    unit = RiskUnit.objects.filter(name="液氯储罐区").first() or f.unit(me)
    c = client_for(me)
    for url in (f"/api/v1/risk-units/{unit.pk}/events", "/api/v1/control-measures"):
        r = c.generic("POST", url, json.dumps(body, allow_nan=True), content_type="application/json")
        assert r.status_code in (201, 422), (url, body, r.status_code, r.content[:300])
