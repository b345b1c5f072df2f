"""Orders at an inspection and their re-inspection (issue 14): 责令限期整改 sets the findings' regulator-owned
deadlines and a re-inspection day on the ladder; 现场处理措施 (安全生产法 第六十五条); a team without two certified
officers issues nothing; a passed re-inspection closes the findings, a failed one proposes a penalty and records
the continuing daily penalty (第一百一十二条); the unit's and the enterprise's to-do."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from zhiben.audit.models import Event
from zhiben.common import dates
from zhiben.hazards import rules as hazard_rules
from zhiben.hazards.models import Hazard, Status
from zhiben.inspections.models import Order, OrderEscalation, OrderStatus, Penalty, Reinspection
from zhiben.tests_support import factories, files

from . import factories_orders as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 10)
INSPECTED = datetime.date(2025, 6, 2)


@pytest.fixture(autouse=True)
def today(monkeypatch) -> datetime.date:
    """A fixed Beijing day for every service (they read ``dates.today``; the hazard rules their own copy)."""
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    monkeypatch.setattr(hazard_rules, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def unit() -> Any:
    return f.department()


@pytest.fixture
def visit(officer, firm, unit) -> Any:
    """An inspection by the county's 应急管理局 (two certified officers) with a general and a major finding."""
    inspection = f.inspection(officer, firm, on=INSPECTED, unit=unit)
    general = f.finding(inspection, officer, title="安全出口堵塞", item_text="安全出口保持畅通")
    major = f.finding(inspection, officer, title="可燃气体报警器失效", level="major")
    return inspection, general, major


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()[:600]
    return response.json()


def rectify(api: Any, inspection_id: int, **over: Any) -> Any:
    return api.post(
        f"/api/v1/inspections/{inspection_id}/orders", {"kind": "rectify", "deadline": "2025-06-30", **over}
    )


# ----------------------------------------------------------------------------------------- issuing
def test_a_rectification_order_sets_the_findings_regulator_owned_deadlines(api_as, officer, visit, settings) -> None:
    inspection, general, major = visit
    order = ok(rectify(api_as(officer), inspection.pk), 201)
    assert order["kind"] == "rectify" and order["status"] == "open" and order["issued_on"] == "2025-06-10"
    assert order["deadline"] == "2025-06-30"
    days = settings.ZHIBEN["REINSPECTION_DAYS"]
    assert order["reinspection_due"] == str(datetime.date(2025, 6, 30) + datetime.timedelta(days=days))
    assert {h["id"] for h in order["hazards"]} == {general.pk, major.pk}
    for hazard in Hazard.objects.filter(pk__in=[general.pk, major.pk]):
        assert hazard.deadline == datetime.date(2025, 6, 30)
        assert hazard_rules.deadline_owner(hazard) == hazard_rules.REGULATOR
        ordered = Event.objects.get(subject_type="hazard", subject_id=str(hazard.pk), kind="deadline_ordered")
        assert ordered.payload["order"] == f"order:{order['id']}"
    issued = Event.objects.get(subject_type="inspection", subject_id=str(inspection.pk), kind="order_issued")
    assert issued.payload["hazards"] == sorted([general.pk, major.pk]) and issued.payload["deadline"] == "2025-06-30"


def test_a_deadline_before_the_inspection_is_refused_naming_deadline(api_as, officer, visit) -> None:
    inspection, general, _ = visit
    r = rectify(api_as(officer), inspection.pk, deadline="2025-06-01")
    assert r.status_code == 422 and "检查日期" in r.json()["errors"]["deadline"]
    r = api_as(officer).post(f"/api/v1/inspections/{inspection.pk}/orders", {"kind": "rectify"})
    assert r.status_code == 422 and "deadline" in r.json()["errors"]
    assert not Order.objects.exists() and Hazard.objects.get(pk=general.pk).deadline is None


def test_a_team_of_one_officer_and_an_expert_cannot_issue(api_as, officer, firm, unit) -> None:
    inspection = f.inspection(officer, firm, on=INSPECTED, unit=unit, officers=1, experts=1)
    f.finding(inspection, officer)
    r = rectify(api_as(officer), inspection.pk)
    assert r.status_code == 409 and "持证执法人员不足2人" in r.json()["detail"]
    assert r.json()["errors"] == {"team": r.json()["detail"]}
    assert not Order.objects.exists()
    listing = ok(api_as(officer).get(f"/api/v1/inspections/{inspection.pk}/documents"))
    assert listing and not any(d["available"] for d in listing)
    refused = api_as(officer).get(f"/api/v1/inspections/{inspection.pk}/documents/inspection_record")
    assert refused.status_code == 409 and "持证执法人员不足2人" in refused.json()["detail"]


def test_an_inspection_without_its_unit_issues_nothing(api_as, officer, firm) -> None:
    inspection = f.inspection(officer, firm, on=INSPECTED, unit=None)
    f.finding(inspection, officer)
    r = rectify(api_as(officer), inspection.pk)
    assert r.status_code == 409 and "执法单位" in r.json()["detail"]


def test_one_order_of_each_kind_per_inspection(api_as, officer, visit) -> None:
    inspection, *_ = visit
    api = api_as(officer)
    ok(rectify(api, inspection.pk), 201)
    again = rectify(api, inspection.pk, deadline="2025-06-20")
    assert again.status_code == 409 and again.json()["errors"]["kind"].startswith("本次检查已下达")
    measures = {"kind": "measures", "measures": ["停止作业", "从危险区域内撤出作业人员", "夜间不得装卸"]}
    order = ok(api.post(f"/api/v1/inspections/{inspection.pk}/orders", measures), 201)
    assert order["measures"] == measures["measures"] and order["deadline"] is None
    assert order["reinspection_due"] is None
    assert Order.objects.filter(inspection=inspection).count() == 2


def test_a_measures_order_needs_measures_and_takes_no_deadline(api_as, officer, visit) -> None:
    inspection, *_ = visit
    api = api_as(officer)
    r = api.post(f"/api/v1/inspections/{inspection.pk}/orders", {"kind": "measures", "deadline": "2025-06-30"})
    assert r.status_code == 422 and set(r.json()["errors"]) == {"measures", "deadline"}
    r = api.post(f"/api/v1/inspections/{inspection.pk}/orders", {"kind": "measures", "measures": "停止作业"})
    assert r.status_code == 422 and "列表" in r.json()["errors"]["measures"]


def test_an_order_names_only_the_inspections_open_findings(api_as, officer, visit, firm) -> None:
    inspection, general, major = visit
    elsewhere = factories.hazard(officer, firm, discovered_on="2025-06-01", source="inspection")
    r = rectify(api_as(officer), inspection.pk, hazards=[general.pk, elsewhere.pk])
    assert r.status_code == 422 and str(elsewhere.pk) in r.json()["errors"]["hazards"]
    order = ok(rectify(api_as(officer), inspection.pk, hazards=[major.pk]), 201)
    assert [h["id"] for h in order["hazards"]] == [major.pk]
    assert Hazard.objects.get(pk=general.pk).deadline is None


def test_an_earlier_deadline_of_a_finding_refuses_a_later_order(api_as, officer, firm, unit) -> None:
    inspection = f.inspection(officer, firm, on=INSPECTED, unit=unit)
    f.finding(inspection, officer, deadline="2025-06-15")
    r = rectify(api_as(officer), inspection.pk, deadline="2025-06-30")
    assert r.status_code == 422 and "延期" in r.json()["errors"]["deadline"]
    assert not Order.objects.exists()  # nothing half-done: the order rolled back with the refusal


def test_only_officers_issue(api_as, firm_user, tip_handler, visit) -> None:
    inspection, *_ = visit
    assert rectify(api_as(firm_user), inspection.pk).status_code == 403
    assert rectify(api_as(tip_handler), inspection.pk).status_code == 403


# ----------------------------------------------------------------------------------------- re-inspection
def reinspect(client_or_api: Any, order_id: int, body: dict[str, Any], uploads: int = 0, headers: Any = None) -> Any:
    if not uploads:
        return client_or_api.post(f"/api/v1/orders/{order_id}/reinspections", body)
    data = {k: str(v).lower() if isinstance(v, bool) else v for k, v in body.items()}
    data["files"] = [io.BytesIO(files.jpeg()) for _ in range(uploads)]
    return Client().post(f"/api/v1/orders/{order_id}/reinspections", data, headers=headers)


def test_a_passed_reinspection_closes_the_findings_with_the_photos_as_evidence(api_as, officer, visit) -> None:
    inspection, general, major = visit
    api = api_as(officer)
    order = ok(rectify(api, inspection.pk, issued_on="2025-06-02"), 201)
    # a major finding needs evidence: without any, the whole re-inspection is refused naming files
    body = {"on": "2025-06-09", "passed": True, "verdict": "报警器已更换，出口已清理"}
    r = reinspect(api, order["id"], body)
    assert r.status_code == 422 and "files" in r.json()["errors"]
    assert not Reinspection.objects.exists() and Order.objects.get().status == OrderStatus.OPEN
    assert Hazard.objects.get(pk=general.pk).status == Status.OPEN
    answered = ok(reinspect(None, order["id"], body, uploads=1, headers=api.headers), 201)
    assert answered["status"] == "passed" and answered["reinspections"][0]["passed"] is True
    for hazard in Hazard.objects.filter(pk__in=[general.pk, major.pk]):
        assert hazard.status == Status.CLOSED and hazard.closed_on == datetime.date(2025, 6, 9)
        assert hazard.submitted_on == datetime.date(2025, 6, 9) and hazard_rules.closed_on_time(hazard)
    assert Hazard.objects.get(pk=major.pk).attachments.filter(kind="evidence").count() == 1
    event = Event.objects.get(subject_type="inspection", subject_id=str(inspection.pk), kind="reinspected")
    assert event.payload["passed"] is True and "penalty_proposed" not in event.payload


def test_a_passed_reinspection_lifts_the_measures_of_closed_findings(api_as, officer, firm, unit) -> None:
    inspection = f.inspection(officer, firm, on=INSPECTED, unit=unit)
    f.finding(inspection, officer)
    api = api_as(officer)
    order = ok(rectify(api, inspection.pk, issued_on="2025-06-02"), 201)
    measures = ok(
        api.post(f"/api/v1/inspections/{inspection.pk}/orders", {"kind": "measures", "measures": ["停止作业"]}), 201
    )
    r = reinspect(api, measures["id"], {"on": "2025-06-09", "passed": True, "verdict": "合格"})
    assert r.status_code == 409  # measures are lifted with the rectification's re-inspection, not alone
    ok(reinspect(api, order["id"], {"on": "2025-06-09", "passed": True, "verdict": "合格"}), 201)
    assert Order.objects.get(pk=measures["id"]).status == OrderStatus.PASSED
    assert Event.objects.filter(subject_type="inspection", kind="measures_lifted").count() == 1
    again = reinspect(api, order["id"], {"on": "2025-06-10", "passed": False, "verdict": "x"})
    assert again.status_code == 409


def test_a_failed_reinspection_proposes_a_penalty_and_records_the_daily_penalty(api_as, officer, visit) -> None:
    inspection, _, major = visit
    api = api_as(officer)
    order = ok(rectify(api, inspection.pk, deadline="2025-06-10", issued_on="2025-06-02"), 201)
    bad = reinspect(
        api, order["id"], {"on": "2025-06-10", "passed": False, "verdict": "未整改", "daily_penalty_from": "2025-06-02"}
    )
    assert bad.status_code == 422 and "次日" in bad.json()["errors"]["daily_penalty_from"]
    body = {"on": "2025-06-10", "passed": False, "verdict": "报警器仍未更换", "daily_penalty_from": "2025-06-03"}
    answered = ok(reinspect(api, order["id"], body), 201)
    assert answered["status"] == "failed"
    assert answered["reinspections"][0]["daily_penalty_from"] == "2025-06-03"
    assert Hazard.objects.get(pk=major.pk).status == Status.OPEN  # nothing closed
    todo = ok(api.get("/api/v1/todo"))
    proposed = [i for i in todo["items"] if i["kind"] == "order_penalty_proposed"]
    assert [i["id"] for i in proposed] == [order["id"]] and "拟作出行政处罚" in proposed[0]["title"]
    # a penalty decided at the inspection since answers the proposal
    Penalty.objects.create(
        enterprise=inspection.enterprise,
        region_id=inspection.region_id,
        sector_id=inspection.sector_id,
        department=inspection.department,
        inspection=inspection,
        decided_on=TODAY,
        amount=20000,
        basis="《中华人民共和国安全生产法》第一百零二条",
        created_by=officer,
    )
    todo = ok(api.get("/api/v1/todo"))
    assert not [i for i in todo["items"] if i["kind"] == "order_penalty_proposed"]


def test_a_reinspection_day_before_the_order_or_in_the_future_is_refused(api_as, officer, visit) -> None:
    inspection, *_ = visit
    api = api_as(officer)
    order = ok(rectify(api, inspection.pk, issued_on="2025-06-05"), 201)
    for day in ("2025-06-04", "2025-06-11"):
        r = reinspect(api, order["id"], {"on": day, "passed": False, "verdict": "未整改"})
        assert r.status_code == 422 and set(r.json()["errors"]) == {"on"}
    r = reinspect(
        api, order["id"], {"on": "2025-06-09", "passed": True, "verdict": "合格", "daily_penalty_from": "2025-06-09"}
    )
    assert r.status_code == 422 and "daily_penalty_from" in r.json()["errors"]
    r = reinspect(api, order["id"], {"on": "2025-06-09", "verdict": ""})
    assert r.status_code == 422 and {"passed", "verdict"} <= set(r.json()["errors"])


# ----------------------------------------------------------------------------------------- ladder and to-do
def test_the_reinspection_day_climbs_the_ladder(api_as, officer, visit, settings) -> None:
    inspection, *_ = visit
    order = ok(rectify(api_as(officer), inspection.pk, deadline="2025-06-20"), 201)
    due = datetime.date.fromisoformat(order["reinspection_due"])
    call_command("sweep", "--today", str(due - datetime.timedelta(days=5)), stdout=io.StringIO())
    assert not OrderEscalation.objects.exists()  # not yet within the reminder's days
    call_command("sweep", "--today", str(due), stdout=io.StringIO())
    assert list(OrderEscalation.objects.values_list("step", "due", "day")) == [("due_soon", due, due)]
    call_command("sweep", "--today", str(due), stdout=io.StringIO())  # a second run adds nothing
    assert OrderEscalation.objects.count() == 1
    late = due + datetime.timedelta(days=settings.ZHIBEN["ESCALATION_DAYS"]["letter"])
    call_command("sweep", "--today", str(due + datetime.timedelta(days=1)), stdout=io.StringIO())
    call_command("sweep", "--today", str(late), stdout=io.StringIO())
    steps = list(OrderEscalation.objects.order_by("id").values_list("step", "day"))
    assert steps == [("due_soon", due), ("reminder", due + datetime.timedelta(days=1)), ("letter", late)]
    assert all(row.sweep_id is not None for row in OrderEscalation.objects.all())
    # the officers of the county hear of it; a re-inspected order climbs no further
    assert officer.notifications.filter(title__contains="执法指令").exists()
    Order.objects.filter(pk=order["id"]).update(status=OrderStatus.PASSED)
    call_command("sweep", "--today", str(due + datetime.timedelta(days=40)), stdout=io.StringIO())
    assert OrderEscalation.objects.count() == 3
    out = io.StringIO()
    call_command("verify_events", stdout=out)


def test_the_units_todo_has_the_reinspections_and_the_enterprises_its_orders(
    api_as, officer, outsider, firm_user, visit
) -> None:
    inspection, *_ = visit
    order = ok(rectify(api_as(officer), inspection.pk), 201)
    officer_items = ok(api_as(officer).get("/api/v1/todo"))["items"]
    waiting = [i for i in officer_items if i["kind"] == "order_reinspection"]
    assert [(i["id"], i["due"]) for i in waiting] == [(order["id"], order["reinspection_due"])]
    assert waiting[0]["url"] == f"/inspections/{inspection.pk}/orders/#order-{order['id']}"
    assert waiting[0]["subject"] == "order"
    firm_items = ok(api_as(firm_user).get("/api/v1/todo"))["items"]
    mine = [i for i in firm_items if i["kind"] == "order_to_fulfil"]
    assert [(i["id"], i["due"]) for i in mine] == [(order["id"], "2025-06-30")]
    assert "2025-06-30 前整改完毕" in mine[0]["title"]
    assert not [i for i in ok(api_as(outsider).get("/api/v1/todo"))["items"] if i["kind"].startswith("order_")]


def test_the_enterprise_is_told_of_the_order(api_as, officer, firm_user, visit) -> None:
    inspection, *_ = visit
    ok(rectify(api_as(officer), inspection.pk), 201)
    note = firm_user.notifications.get()
    assert "责令限期整改指令书" in note.title and "2025-06-30" in note.body


def test_the_lists_of_orders(api_as, officer, firm_user, outsider, visit) -> None:
    inspection, *_ = visit
    order = ok(rectify(api_as(officer), inspection.pk, deadline="2025-06-03", issued_on="2025-06-02"), 201)
    listed = ok(api_as(officer).get("/api/v1/orders", {"status": "open", "overdue": "true"}))
    assert [o["id"] for o in listed["items"]] == [order["id"]] and listed["items"][0]["overdue"] is True
    assert ok(api_as(officer).get("/api/v1/orders", {"overdue": "false"}))["count"] == 0
    measures = {"kind": "measures", "measures": ["停止作业"]}
    ok(api_as(officer).post(f"/api/v1/inspections/{inspection.pk}/orders", measures), 201)
    # nearest re-inspection first; orders without one (measures) after them, on every database
    assert [o["kind"] for o in ok(api_as(officer).get("/api/v1/orders"))["items"]] == ["rectify", "measures"]
    assert ok(api_as(firm_user).get("/api/v1/orders"))["count"] == 2
    assert ok(api_as(outsider).get("/api/v1/orders"))["count"] == 0
    r = api_as(officer).get("/api/v1/orders", {"status": "closed"})
    assert r.status_code == 422 and "status" in r.json()["errors"]
    of_inspection = ok(api_as(firm_user).get(f"/api/v1/inspections/{inspection.pk}/orders"))
    assert of_inspection["count"] == 2
    assert api_as(outsider).get(f"/api/v1/inspections/{inspection.pk}/orders").status_code == 404
    assert api_as(outsider).get(f"/api/v1/orders/{order['id']}").status_code == 404
