"""Pressures (督促问责措施): who may record them, the kinds and their documents, the follow-up and its deadline on
the escalation ladder and in the to-do."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from docx import Document

from zhiben.audit.models import Event
from zhiben.duties.models import Pressure, PressureEscalation, PressureKind
from zhiben.escalation.engine import sweep
from zhiben.notifications.todo import todo_for
from zhiben.regions.models import Region

from .conftest import COUNTY, TOWNSHIP, Duties, township_pressure

pytestmark = pytest.mark.django_db
D = datetime.date


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def body_for(target_kind="region", target=TOWNSHIP, **more):
    return {
        "kind": "urging_letter",
        "target_kind": target_kind,
        "target": target,
        "reason": "重大事故隐患整改滞后",
        "on": "2026-03-02",
        "follow_up_due": "2026-03-31",
        **more,
    }


@pytest.mark.parametrize("kind", [k for k, _ in PressureKind.choices])
def test_every_kind_against_a_township_with_its_document(duties: Duties, kind: str) -> None:
    office = duties.client("office")
    r = post(office, "/api/v1/pressures", body_for(kind=kind, task_id=12))
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    listed = office.get(f"/api/v1/pressures/{pid}/documents").json()
    available = [d for d in listed if d["available"]]
    assert len(available) == 1
    doc_kind = available[0]["kind"]
    r = office.get(f"/api/v1/pressures/{pid}/documents/{doc_kind}")
    assert r.status_code == 200, r.content
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "秀山土家族苗族自治县安全生产委员会办公室" in text
    assert "清溪场镇" in text
    assert "重大事故隐患整改滞后" in text
    assert "2026年3月31日" in text
    assert "重点任务第12号" in text
    assert "〔2026〕1号" in text  # the office's first number of the year for this kind of document
    title = {"warning_notice": "警示通报", "urging_letter": "督促函", "interview_notice": "约谈通知书"}
    title |= {"review_request": "检讨要求", "listing_notice": "挂牌督办通知书"}
    assert title[doc_kind] in text
    # the other documents are not this pressure's
    other = next(d["kind"] for d in listed if not d["available"])
    assert office.get(f"/api/v1/pressures/{pid}/documents/{other}").status_code == 409


def test_listed_supervision_of_a_unit_is_refused_naming_target(duties: Duties) -> None:
    unit = duties.units["housing"].pk
    r = post(duties.client("office"), "/api/v1/pressures", body_for("department", unit, kind="listed_supervision"))
    assert r.status_code == 422
    assert "挂牌督办" in r.json()["errors"]["target"]
    r = post(duties.client("office"), "/api/v1/pressures", body_for("department", unit, kind="挂牌督办"))
    assert "target" in r.json()["errors"]
    r = post(duties.client("office"), "/api/v1/pressures", body_for("department", unit, kind="约谈"))
    assert r.status_code == 201
    assert r.json()["target_name"] == duties.units["housing"].name
    assert Pressure.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"follow_up_due": "2026-03-01"}, "follow_up_due"),
        ({"on": "2099-01-01"}, "on"),
        ({"kind": "罚款"}, "kind"),
        ({"target": COUNTY}, "target"),  # the office's own region is not below it
        ({"target": "110105"}, "target"),
        ({"target_kind": "enterprise"}, "target_kind"),
        ({"reason": ""}, "reason"),
        ({"task_id": "abc"}, "task_id"),
        ({"follow_up_due": None}, "follow_up_due"),
        ({"on": "0001-01-01"}, "on"),
        ({"follow_up_due": "9999-12-31"}, "follow_up_due"),
    ],
)
def test_a_bad_pressure_is_refused_naming_the_field_and_nothing_is_written(duties: Duties, change, field) -> None:
    events = Event.objects.count()
    r = post(duties.client("office"), "/api/v1/pressures", {**body_for(), **change})
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert Pressure.objects.count() == 0
    assert Event.objects.count() == events


def test_only_a_committee_office_above_records_a_pressure(duties: Duties) -> None:
    for who, status in (("emergency", 403), ("county", 403), ("city", 403), ("township", 403), ("enterprise", 403)):
        assert post(duties.client(who), "/api/v1/pressures", body_for()).status_code == status, who
    # an admin names the issuing region (default: the region above the target)
    r = post(duties.client("admin"), "/api/v1/pressures", body_for())
    assert r.status_code == 201
    assert r.json()["issuer_region"] == COUNTY
    assert Pressure.objects.count() == 1


def test_the_follow_up_is_the_targets_or_the_offices_once(duties: Duties) -> None:
    pressure = township_pressure(duties)
    url = f"/api/v1/pressures/{pressure.pk}/follow-up"
    good = {"done_on": "2026-03-20", "result": "已完成整改并上报"}
    assert post(duties.client("city"), url, good).status_code == 403  # sees it, answers not for it
    assert post(duties.client("housing"), url, good).status_code == 403  # a county unit: above the township
    assert post(duties.client("outsider"), url, good).status_code == 404
    r = post(duties.client("township"), url, {"done_on": "2026-03-01", "result": "x"})
    assert r.status_code == 422
    assert "done_on" in r.json()["errors"]
    r = post(duties.client("township"), url, good)
    assert r.status_code == 200, r.content
    assert r.json()["done_on"] == "2026-03-20"
    assert post(duties.client("office"), url, good).status_code == 409


def test_the_follow_up_deadline_climbs_the_ladder_until_answered(duties: Duties) -> None:
    pressure = township_pressure(duties)
    sweep(today=D(2026, 3, 31))  # the due day: still in time (临期提醒 only)
    assert set(PressureEscalation.objects.values_list("step", flat=True)) == {"due_soon"}
    sweep(today=D(2026, 4, 1))
    assert PressureEscalation.objects.filter(step="reminder", due=D(2026, 3, 31)).count() == 1
    assert PressureEscalation.objects.get(step="reminder").region_code == TOWNSHIP
    post(
        duties.client("township"),
        f"/api/v1/pressures/{pressure.pk}/follow-up",
        {"done_on": "2026-04-10", "result": "已整改"},
    )
    sweep(today=D(2026, 5, 1))  # answered: no letter (函告)
    assert not PressureEscalation.objects.filter(step="letter").exists()


def test_the_to_do_of_the_target_and_of_the_issuing_office(duties: Duties) -> None:
    pressure = township_pressure(duties)
    unit = township_pressure(duties, target_kind="department", target=duties.units["housing"].pk)

    def kinds(who: str) -> set[tuple[str, int]]:
        return {(i["kind"], i["id"]) for i in todo_for(duties.users[who]).items}

    assert kinds("township") == {("pressure_follow_up", pressure.pk)}
    assert kinds("housing") == {("pressure_follow_up", unit.pk)}
    assert kinds("office") == {("pressure_tracking", pressure.pk), ("pressure_tracking", unit.pk)}
    assert not kinds("emergency") and not kinds("outsider") and not kinds("county")
    post(
        duties.client("township"),
        f"/api/v1/pressures/{pressure.pk}/follow-up",
        {"done_on": "2026-03-20", "result": "已整改"},
    )
    assert kinds("township") == set()
    assert kinds("office") == {("pressure_tracking", unit.pk)}


def test_the_pages(duties: Duties) -> None:
    pressure = township_pressure(duties)
    client = duties.client("township")
    assert "督促函" in client.get("/pressures/").content.decode()
    page = client.get(f"/pressures/{pressure.pk}/").content.decode()
    assert f"/documents/pressures/{pressure.pk}/urging_letter/" in page
    assert 'name="result"' in page
    r = client.post(f"/pressures/{pressure.pk}/", {"done_on": "2026-03-20", "result": "已整改"})
    assert r.status_code == 302
    assert duties.client("outsider").get(f"/pressures/{pressure.pk}/").status_code == 404
    assert "清溪场镇" not in duties.client("outsider").get("/pressures/").content.decode()


def test_a_units_pressure_is_the_units_the_offices_and_above(duties: Duties) -> None:
    """Other units of the county, its officers outside the office and the township do not see it; its ladder
    digest goes to the regions above the issuing office (the unit and the office have it in their to-do)."""
    pressure = township_pressure(duties, target_kind="department", target=duties.units["housing"].pk)
    for who, status in (("housing", 200), ("office", 200), ("city", 200), ("admin", 200)):
        assert duties.client(who).get(f"/api/v1/pressures/{pressure.pk}").status_code == status, who
    for who in ("emergency", "county", "township", "outsider", "enterprise"):
        assert duties.client(who).get(f"/api/v1/pressures/{pressure.pk}").status_code == 404, who
        assert duties.client(who).get(f"/api/v1/pressures/{pressure.pk}/documents/urging_letter").status_code == 404
        assert duties.client(who).get("/api/v1/pressures").json()["count"] == 0, who
    assert pressure.ladder_region == Region.objects.get(pk=COUNTY).parent_id
    sweep(today=D(2026, 4, 1))
    assert PressureEscalation.objects.get(pressure=pressure, step="reminder").region_code == pressure.ladder_region


def test_the_follow_up_form_shows_only_to_who_may_answer(duties: Duties) -> None:
    pressure = township_pressure(duties)
    assert 'name="result"' not in duties.client("city").get(f"/pressures/{pressure.pk}/").content.decode()
    assert 'name="result"' in duties.client("office").get(f"/pressures/{pressure.pk}/").content.decode()
