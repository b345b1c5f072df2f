"""The check API as clients call it: tasks created by the enterprise, a measure of another enterprise refused, bulk
records all or nothing, the statistics by scope (DESIGN.md §6 "Dual prevention")."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from zhiben.common.dates import today, zone
from zhiben.risks import checks
from zhiben.risks.models import CheckRecord, ControlMeasure, RecordStatus, RiskEvent, RiskUnit
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db


def _measure(enterprise, name="液氨储罐区"):
    unit = RiskUnit.objects.create(
        enterprise=enterprise,
        region_id=enterprise.region_id,
        sector_id=enterprise.sector_id,
        name=name,
        department="储运部",
        responsible="李工",
    )
    event = RiskEvent.objects.create(
        unit=unit, enterprise=enterprise, name="泄漏中毒", method="lec", score=180, grade="orange"
    )
    return ControlMeasure.objects.create(
        event=event,
        enterprise=enterprise,
        description="氨气检测报警",
        classify1="1",
        classify2="1-4",
        content="报警器完好",
    )


@pytest.fixture
def world():
    firm = factories.enterprise(sector="hazardous_chemicals")
    other = factories.enterprise(region="110105", sector="hazardous_chemicals")
    staff = factories.user("api-chem", role="enterprise", enterprise=firm)
    officer = factories.user("api-officer", role="officer", region=firm.region_id[:6])
    outsider = factories.user("api-outsider", role="officer", region="110105")
    return firm, other, staff, officer, outsider


def client_of(user):
    c = Client()
    c.force_login(user)
    return c


def post(c, url, body):
    return c.post(url, data=json.dumps(body), content_type="application/json")


def test_the_enterprise_sets_a_task_and_records_checks_in_bulk(world):
    firm, other, staff, officer, _ = world
    measure = _measure(firm)
    c = client_of(staff)
    start = (today() - datetime.timedelta(days=2)).isoformat()
    r = post(
        c,
        "/api/v1/check-tasks",
        {"measure": measure.pk, "cycle_value": 1, "cycle_unit": "天", "starts_on": start, "assignee": staff.username},
    )
    assert r.status_code == 201, r.content
    task_id = r.json()["id"]
    assert r.json()["content"] == "报警器完好"
    # a measure of another enterprise: refused naming the field, nothing made
    foreign = _measure(other, "别家储罐")
    r = post(c, "/api/v1/check-tasks", {"measure": foreign.pk, "cycle_value": 1, "cycle_unit": "day"})
    assert r.status_code == 422 and "measure" in r.json()["errors"]
    # bad cycle values name the field
    r = post(c, "/api/v1/check-tasks", {"measure": measure.pk, "cycle_value": 5, "cycle_unit": "hour"})
    assert r.status_code == 422 and "cycle_value" in r.json()["errors"]
    for k in (2, 1, 0):
        checks.generate(today() - datetime.timedelta(days=k))
    day = today() - datetime.timedelta(days=2)
    items = [
        {
            "task": task_id,
            "done_at": datetime.datetime.combine(
                day + datetime.timedelta(days=k), datetime.time(9), tzinfo=zone()
            ).isoformat(),
            "result": "pass",
            "client_id": f"p-{k}",
        }
        for k in range(3)
    ]
    bad = [*items[:2], {**items[2], "done_at": "2020-01-01T09:00:00+08:00"}]
    r = post(c, "/api/v1/check-records", bad)
    assert r.status_code == 422 and "items[2].done_at" in r.json()["errors"]
    assert not CheckRecord.objects.exclude(status=RecordStatus.PLANNED).exists()
    r = post(c, "/api/v1/check-records", {"items": items})
    assert r.status_code == 201, r.content
    answers = r.json()["items"]
    assert [a["late"] for a in answers] == [True, True, False] or all(not a["duplicate"] for a in answers)
    assert post(c, "/api/v1/check-records", items).json()["items"][0]["duplicate"] is True
    # the officer reads them, may not write tasks
    o = client_of(officer)
    seen = o.get("/api/v1/check-records", {"enterprise": firm.credit_code}).json()
    assert seen["count"] == 3
    assert (
        post(o, "/api/v1/check-tasks", {"measure": measure.pk, "cycle_value": 1, "cycle_unit": "day"}).status_code
        == 403
    )
    stats = o.get("/api/v1/stats/checks", {"date_from": day.isoformat()}).json()
    assert stats["totals"]["planned"] == 3 and stats["totals"]["on_time"] + stats["totals"]["late"] == 3


def test_statistics_follow_the_scope(world):
    firm, _, staff, officer, outsider = world
    assert client_of(outsider).get("/api/v1/stats/checks", {"region": firm.region_id[:6]}).status_code == 404
    assert client_of(officer).get("/api/v1/stats/checks", {"region": "110105"}).status_code == 404
    mine = client_of(staff).get("/api/v1/stats/checks").json()
    assert mine["region_name"] == firm.name and mine["rows"] == []
    r = client_of(officer).get("/api/v1/stats/checks", {"date_from": "2026-13-01"})
    assert r.status_code == 422 and "date_from" in r.json()["errors"]


def test_bodies_that_are_not_checks_are_refused_cleanly(world):
    c = client_of(world[2])
    for body in ("", "[]", '"x"', "[1]", '{"items": "x"}', "{" * 5000):
        r = c.post("/api/v1/check-records", data=body, content_type="application/json")
        assert r.status_code in (415, 422), (body[:20], r.status_code)
    r = c.post("/api/v1/check-records", data="task=1", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 415


def test_every_operating_enterprise_has_a_grade_or_none(world):
    firm, _, _, officer, _ = world
    from zhiben.risks.models import RiskProfile

    RiskProfile.objects.create(enterprise=firm, grade="red")
    factories.enterprise(sector="hazardous_chemicals")  # no register yet
    grades = client_of(officer).get("/api/v1/stats/checks").json()["grades"]
    assert grades["red"] == 1 and grades["none"] >= 1
    assert sum(grades.values()) == client_of(officer).get("/api/v1/enterprises").json()["count"]


def test_items_that_are_not_a_list_are_refused_as_such(world):
    r = post(client_of(world[2]), "/api/v1/check-records", {"items": "x"})
    assert r.status_code == 422 and "列表" in r.json()["errors"]["items"]
    r = post(client_of(world[2]), "/api/v1/check-records", [{"task": 1, "done_at": 1764581400, "result": "pass"}])
    assert "日期时间文字" in r.json()["errors"]["items[0].done_at"]
