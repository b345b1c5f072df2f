"""The closed loop through the API, as DESIGN.md §6 names it."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhiben.audit.models import Event
from zhiben.hazards.models import Hazard
from zhiben.tests_support import files

pytestmark = pytest.mark.django_db


def body(firm, **over):
    data = {
        "enterprise": firm.credit_code,
        "title": "粉尘除尘系统未设置锁气卸灰装置",
        "level": "major",
        "source": "self_check",
        "discovered_on": "2025-04-01",
        "criterion": "SAWS121C-1",
    }
    data.update(over)
    return data


def upload(client: Client, hazard_id: int, content: bytes, name: str = "photo.jpg"):
    return client.post(f"/api/v1/hazards/{hazard_id}/attachments", {"file": SimpleUploadedFile(name, content)})


def test_a_major_hazard_goes_round_the_whole_loop(api_as, firm_user, officer) -> None:
    firm = firm_user.enterprise
    ent = api_as(firm_user)
    r = ent.post("/api/v1/hazards", body(firm))
    assert r.status_code == 201, r.content
    h = r.json()
    assert h["status"] == "open" and h["cohort"] == "increment" and h["overdue"] is False
    assert h["self_check_missed"] is False and h["region"] == firm.region_id
    hid = h["id"]
    plan = {
        "responsible_person": "陈建国",
        "measures": "加装锁气卸灰装置",
        "funds": "8000.50",
        "deadline": "2025-05-31",
        "interim_measures": "停止该工段作业",
    }
    r = ent.post(f"/api/v1/hazards/{hid}/plan", plan)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "rectifying" and r.json()["deadline"] == "2025-05-31"
    assert r.json()["plan"]["funds"] == "8000.50"
    c = Client()
    c.force_login(firm_user)
    up = upload(c, hid, files.jpeg())
    assert up.status_code == 201, up.content
    r = ent.post(f"/api/v1/hazards/{hid}/submit", {"summary": "已加装并验收", "attachments": [up.json()["id"]]})
    assert r.status_code == 200 and r.json()["status"] == "pending_review"
    r = ent.post(f"/api/v1/hazards/{hid}/review", {"decision": "approve", "comment": ""})
    assert r.status_code == 403  # enterprises do not close their own major hazards
    r = api_as(officer).post(f"/api/v1/hazards/{hid}/review", {"decision": "approve", "comment": "现场核查合格"})
    assert r.status_code == 200, r.content
    done = r.json()
    assert done["status"] == "closed" and done["closed_on"] is not None
    kinds = [e["kind"] for e in done["events"]]
    assert kinds == ["created", "planned", "attachment_added", "submitted", "approved", "closed"]
    assert all({"kind", "at", "actor", "payload"} <= set(e) for e in done["events"])
    assert done["events"][4]["actor"] and done["events"][4]["payload"]["comment"] == "现场核查合格"


def test_a_general_hazard_closes_on_submission(api_as, firm_user) -> None:
    firm = firm_user.enterprise
    ent = api_as(firm_user)
    hid = ent.post("/api/v1/hazards", body(firm, level="general", criterion=None)).json()["id"]
    r = ent.post(f"/api/v1/hazards/{hid}/submit", {"summary": "当场整改"})
    assert r.status_code == 200 and r.json()["status"] == "closed"


def test_a_rejected_submission_goes_back_to_rectifying(api_as, firm_user, officer) -> None:
    firm = firm_user.enterprise
    ent = api_as(firm_user)
    hid = ent.post("/api/v1/hazards", body(firm)).json()["id"]
    ent.post(
        f"/api/v1/hazards/{hid}/plan",
        {"responsible_person": "陈", "measures": "改", "deadline": "2025-05-01", "interim_measures": "停"},
    )
    c = Client()
    c.force_login(firm_user)
    aid = upload(c, hid, files.png(), "a.png").json()["id"]
    ent.post(f"/api/v1/hazards/{hid}/submit", {"summary": "好了", "attachments": [aid]})
    r = api_as(officer).post(f"/api/v1/hazards/{hid}/review", {"decision": "reject", "comment": ""})
    assert r.status_code == 422 and "comment" in r.json()["errors"]
    r = api_as(officer).post(f"/api/v1/hazards/{hid}/review", {"decision": "reject", "comment": "照片不清楚"})
    assert r.status_code == 200 and r.json()["status"] == "rectifying"


def test_wrong_states_answer_409(api_as, firm_user, officer, tip_handler) -> None:
    firm = firm_user.enterprise
    ent = api_as(firm_user)
    hid = ent.post("/api/v1/hazards", body(firm)).json()["id"]
    assert ent.post(f"/api/v1/hazards/{hid}/submit", {"summary": "x"}).status_code == 409  # major without plan
    assert api_as(officer).post(f"/api/v1/hazards/{hid}/review", {"decision": "approve"}).status_code == 409
    # a major hazard is cancelled by two regulators (issue 11): proposed, then confirmed by another
    assert api_as(officer).post(f"/api/v1/hazards/{hid}/cancel", {"reason": "误报"}).status_code == 202
    assert api_as(tip_handler).post(f"/api/v1/hazards/{hid}/cancel", {"reason": "误报"}).status_code == 200
    assert api_as(officer).post(f"/api/v1/hazards/{hid}/cancel", {"reason": "误报"}).status_code == 409
    assert (
        ent.post(
            f"/api/v1/hazards/{hid}/plan", {"responsible_person": "a", "measures": "b", "deadline": "2025-05-01"}
        ).status_code
        == 409
    )
    assert api_as(officer).post(f"/api/v1/hazards/{hid}/supervise", {"level": "county"}).status_code == 409


def test_listing_and_the_two_reports(api_as, firm_user, officer) -> None:
    firm = firm_user.enterprise
    hid = api_as(firm_user).post("/api/v1/hazards", body(firm)).json()["id"]
    r = api_as(officer).post(
        f"/api/v1/hazards/{hid}/supervise",
        {"level": "county", "notice_no": "秀安委督〔2025〕3号", "deadline": "2025-09-30"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["listed"] is True and r.json()["supervision"]["notice_no"] == "秀安委督〔2025〕3号"
    assert api_as(firm_user).post(f"/api/v1/hazards/{hid}/supervise", {"level": "county"}).status_code == 403
    r = api_as(firm_user).post(f"/api/v1/hazards/{hid}/reports", {"to": "regulator", "on": "2025-04-02"})
    assert r.status_code == 200 and r.json()["reports"]["regulator"] == "2025-04-02"
    r = api_as(firm_user).post(f"/api/v1/hazards/{hid}/reports", {"to": "workers_congress", "on": "2025-04-05"})
    assert r.json()["reports"]["workers_congress"] == "2025-04-05"
    assert (
        api_as(firm_user).post(f"/api/v1/hazards/{hid}/reports", {"to": "boss", "on": "2025-04-05"}).status_code == 422
    )
    early = api_as(firm_user).post(f"/api/v1/hazards/{hid}/reports", {"to": "regulator", "on": "2025-01-01"})
    assert early.status_code == 422 and "on" in early.json()["errors"]
    listed = api_as(officer).get("/api/v1/hazards", {"listed": "true"}).json()
    assert [h["id"] for h in listed["items"]] == [hid]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"discovered_on": "2999-01-01"}, "discovered_on"),
        ({"deadline": "2025-03-01"}, "deadline"),  # before discovery
        ({"criterion": None}, "criterion"),  # a major hazard must cite a clause
        ({"criterion": "MEM4-A4-1"}, "criterion"),  # a coal clause for a chemical firm
        ({"criterion": "NOPE-1"}, "criterion"),
        ({"level": "huge"}, "level"),
        ({"source": "dream"}, "source"),
        ({"title": ""}, "title"),
        ({"enterprise": "91440300708461136T"}, "enterprise"),  # not in scope / not registered
    ],
)
def test_bad_hazards_are_refused_naming_the_field(api_as, officer, firm, over, field) -> None:
    r = api_as(officer).post("/api/v1/hazards", body(firm, **over))
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert not Hazard.objects.exists() and not Event.objects.filter(subject_type="hazard").exists()


def test_a_late_entered_deadline_in_the_past_is_accepted(api_as, officer, firm) -> None:
    r = api_as(officer).post(
        "/api/v1/hazards", body(firm, source="inspection", discovered_on="2023-05-01", deadline="2023-08-01")
    )
    assert r.status_code == 201, r.content
    h = r.json()
    assert h["cohort"] == "stock" and h["overdue"] is True and h["self_check_missed"] is True


def test_the_answer_to_a_creation_is_the_detail_as_read_back(api_as, officer, firm) -> None:
    """The creation answers from what it wrote (no second read): the same JSON a GET gives, timeline
    included, and the event as stored."""
    client = api_as(officer)
    r = client.post("/api/v1/hazards", body(firm, source="inspection", deadline="2025-06-30", location="二车间"))
    assert r.status_code == 201, r.content
    created = r.json()
    assert created == client.get(f"/api/v1/hazards/{created['id']}").json()
    (event,) = created["events"]
    assert event["kind"] == "created" and event["id"] == Event.objects.get(subject_id=str(created["id"])).pk


def test_enterprise_users_only_self_report_for_their_own_firm(api_as, firm_user, other_firm) -> None:
    firm = firm_user.enterprise
    r = api_as(firm_user).post("/api/v1/hazards", body(firm, source="inspection"))
    assert r.status_code == 422 and "source" in r.json()["errors"]
    r = api_as(firm_user).post("/api/v1/hazards", body(other_firm, criterion="MEM10-A3-1"))
    assert r.status_code == 422 and "enterprise" in r.json()["errors"]


def test_a_general_clause_applies_to_every_sector(api_as, officer, firm) -> None:
    r = api_as(officer).post("/api/v1/hazards", body(firm, criterion="GB35181-6-1", source="inspection"))
    assert r.status_code == 201, r.content


def test_a_duplicate_external_reference_answers_409(api_as, officer, firm) -> None:
    assert api_as(officer).post("/api/v1/hazards", body(firm, external_ref="XS-2025-001")).status_code == 201
    assert api_as(officer).post("/api/v1/hazards", body(firm, external_ref="XS-2025-001")).status_code == 409


def test_list_filters(api_as, officer, firm) -> None:
    client = api_as(officer)
    client.post("/api/v1/hazards", body(firm, source="inspection", discovered_on="2023-05-01", deadline="2023-08-01"))
    client.post("/api/v1/hazards", body(firm, level="general", criterion=None))

    def ids(**params):
        return len(client.get("/api/v1/hazards", params).json()["items"])

    assert ids() == 2
    assert ids(cohort="stock") == 1 and ids(cohort="increment") == 1
    assert ids(overdue="true") == 1 and ids(overdue="false") == 1
    assert ids(level="general") == 1 and ids(source="inspection") == 1
    assert ids(region="500241") == 2 and ids(region="110105") == 0
    assert ids(enterprise=firm.credit_code) == 2 and ids(status="open") == 2
    assert client.get("/api/v1/hazards", {"cohort": "old"}).status_code == 422
    assert client.get("/api/v1/hazards", {"status": "done"}).status_code == 422


def test_dates_are_beijing_days(api_as, officer, firm, monkeypatch) -> None:
    # 2025-06-30 20:00 UTC is already 2025-07-01 in Beijing: a deadline of 06-30 is then overdue.
    import zhiben.hazards.rules as rules

    monkeypatch.setattr(rules, "today", lambda: datetime.date(2025, 7, 1))
    r = api_as(officer).post("/api/v1/hazards", body(firm, deadline="2025-06-30", discovered_on="2025-06-01"))
    assert r.json()["overdue"] is True


def test_upload_without_a_file_names_the_field(api_as, officer, firm) -> None:
    hid = api_as(officer).post("/api/v1/hazards", body(firm, source="inspection")).json()["id"]
    c = Client()
    c.force_login(officer)
    r = c.post(f"/api/v1/hazards/{hid}/attachments", {})
    assert r.status_code == 422 and "file" in r.json()["errors"]


def test_hazard_lists_cost_the_same_queries_for_many_rows(api_as, officer, firm) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(officer)
    client.get("/api/v1/hazards")
    for _ in range(2):
        client.post("/api/v1/hazards", body(firm, source="inspection"))
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/hazards", {"limit": 100})
    for _ in range(15):
        client.post("/api/v1/hazards", body(firm, source="inspection"))
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/hazards", {"limit": 100}).json()["count"] == 17
    assert len(many) == len(few)


def test_out_of_scope_is_404_even_with_bad_input(api_as, officer, outsider, firm) -> None:
    hid = api_as(officer).post("/api/v1/hazards", body(firm, source="inspection")).json()["id"]
    for path, payload in (
        (f"/api/v1/hazards/{hid}/cancel", {"reason": ""}),
        (f"/api/v1/hazards/{hid}/review", {"decision": "reject", "comment": ""}),
        (f"/api/v1/hazards/{hid}/submit", {"summary": ""}),
        (f"/api/v1/hazards/{hid}/reports", {"to": "regulator", "on": "2999-01-01"}),
    ):
        assert api_as(outsider).post(path, payload).status_code == 404, path
    c = Client()
    c.force_login(outsider)
    r = c.post(f"/api/v1/hazards/{hid}/attachments", {"file": SimpleUploadedFile("x.jpg", b"<script>")})
    assert r.status_code == 404


def test_unknown_api_paths_answer_json_404(api_as, officer) -> None:
    r = api_as(officer).get("/api/v1/hazards/abc")
    assert r.status_code == 404 and r.json()["detail"] == "未找到"


def test_the_active_filter_and_the_self_check_missed_filter(api_as, officer, tip_handler, firm) -> None:
    client = api_as(officer)
    a = client.post("/api/v1/hazards", body(firm, source="inspection")).json()["id"]
    client.post("/api/v1/hazards", body(firm, level="general", criterion=None, source="self_check"))
    client.post(f"/api/v1/hazards/{a}/cancel", {"reason": "误报"})  # a major hazard: proposed …
    api_as(tip_handler).post(f"/api/v1/hazards/{a}/cancel", {"reason": "误报"})  # … and confirmed by another
    assert client.get("/api/v1/hazards", {"status": "active"}).json()["count"] == 1
    assert client.get("/api/v1/hazards", {"self_check_missed": "true"}).json()["count"] == 1
    bad = client.get("/api/v1/hazards", {"status": "bogus"})
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["status"]


def test_relisting_keeps_what_it_does_not_name(api_as, officer, admin_user, firm) -> None:
    hid = api_as(officer).post("/api/v1/hazards", body(firm, source="inspection")).json()["id"]
    api_as(officer).post(
        f"/api/v1/hazards/{hid}/supervise",
        {"level": "county", "notice_no": "秀安委督〔2025〕3号", "deadline": "2025-09-30"},
    )
    # a city listing takes a city's (or higher) authority: the county officer may not (issue 11)
    assert api_as(officer).post(f"/api/v1/hazards/{hid}/supervise", {"level": "city"}).status_code == 403
    r = api_as(admin_user).post(f"/api/v1/hazards/{hid}/supervise", {"level": "city"})
    assert r.json()["supervision"] == {
        "level": "city",
        "notice_no": "秀安委督〔2025〕3号",
        "listed_on": r.json()["supervision"]["listed_on"],
        "deadline": "2025-09-30",
        "delisted_on": None,
        "delist_reason": "",
    }
    assert [e["kind"] for e in r.json()["events"]][-2:] == ["listed", "relisted"]
