"""/api/v1/accidents: reporting, grading, supplementary reports, bad input and scope."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhiben.accidents.models import Accident, AccidentSupplement
from zhiben.audit.models import Event
from zhiben.tests_support import factories

from .support import ago, beijing_day_ago, body, make

pytestmark = pytest.mark.django_db
URL = "/api/v1/accidents"


def supplement_body(**over):
    data = {"deaths": 1, "serious_injuries": 2, "direct_loss": "350000.00", "note": "伤情变化"}
    data.update(over)
    return data


# ----------------------------------------------------------------------------------------- create
def test_an_officer_reports_an_accident_and_it_is_graded(api_as, officer) -> None:
    r = api_as(officer).post(URL, body(deaths=3, region="500241000000"))
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["grade"] == "relatively_major" and data["grade_name"] == "较大"
    assert data["region"] == "500241" and data["sector"] == "machinery"
    assert data["late_report"] is False and data["supplements"] == [] and data["supplement_days"] == 30
    assert data["direct_loss"] == "350000.00"
    event = Event.objects.get(subject_type="accident", subject_id=str(data["id"]))
    assert event.kind == "created" and event.actor_id == officer.pk
    assert event.payload["deaths"] == 3 and event.payload["grade"] == "relatively_major"
    assert event.payload["direct_loss"] == "350000.00" and event.payload["region"] == "500241"
    assert [e["kind"] for e in data["events"]] == ["created"]


@pytest.mark.parametrize(
    ("over", "grade"),
    [
        ({"deaths": 2}, "general"),
        ({"deaths": 3}, "relatively_major"),
        ({"deaths": 10}, "major"),
        ({"deaths": 30}, "especially_major"),
        ({"serious_injuries": 49}, "relatively_major"),
        ({"serious_injuries": 100}, "especially_major"),
        ({"direct_loss": "9999999.99"}, "general"),
        ({"direct_loss": "50000000"}, "major"),
        ({"deaths": 0, "serious_injuries": 0, "direct_loss": "0"}, "general"),
    ],
)
def test_the_grade_follows_facts_section_4(api_as, admin_user, over, grade) -> None:
    r = api_as(admin_user).post(URL, body(**over))
    assert r.status_code == 201, r.content
    assert r.json()["grade"] == grade


@pytest.mark.parametrize(("minutes", "late"), [(60, False), (61, True)])
def test_a_first_report_over_an_hour_after_the_accident_is_flagged(api_as, officer, minutes, late) -> None:
    occurred = ago(hours=5)
    reported = occurred + datetime.timedelta(minutes=minutes)
    r = api_as(officer).post(URL, body(occurred_at=occurred.isoformat(), reported_at=reported.isoformat()))
    assert r.status_code == 201, r.content
    assert r.json()["late_report"] is late
    assert api_as(officer).get(URL, {"late_report": "true"}).json()["count"] == int(late)


def test_without_reported_at_the_report_is_now(api_as, officer) -> None:
    r = api_as(officer).post(URL, body(reported_at=None, occurred_at=ago(hours=2).isoformat()))
    assert r.status_code == 201
    assert r.json()["late_report"] is True
    r = api_as(officer).post(URL, body(reported_at=None, occurred_at=ago(minutes=20).isoformat()))
    assert r.json()["late_report"] is False


def test_a_naive_time_is_beijing_time(api_as, officer) -> None:
    r = api_as(officer).post(URL, body(occurred_at="2025-03-01T08:00:00", reported_at="2025-03-01T08:30:00"))
    assert r.status_code == 201, r.content
    assert r.json()["occurred_at"].startswith("2025-03-01T00:00:00")  # UTC in the API


def test_the_enterprise_gives_region_and_sector_unless_given(api_as, officer, firm, township) -> None:
    r = api_as(officer).post(URL, body(region=None, sector=None, enterprise=firm.credit_code.lower()))
    assert r.status_code == 201, r.content
    data = r.json()
    assert (data["region"], data["sector"], data["enterprise"]) == ("500241", "hazardous_chemicals", firm.credit_code)
    assert data["enterprise_name"] == firm.name
    r = api_as(officer).post(URL, body(region=township, sector="road_transport", enterprise=firm.credit_code))
    assert r.status_code == 201
    assert (r.json()["region"], r.json()["sector"], r.json()["type"]) == (township, "road_transport", "other")


# ----------------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("over", "field", "fragment"),
    [
        ({"deaths": -1}, "deaths", "不能为负数"),
        ({"serious_injuries": -3}, "serious_injuries", "不能为负数"),
        ({"direct_loss": "-0.01"}, "direct_loss", "不能为负数"),
        ({"deaths": 100_001}, "deaths", "100000"),
        ({"serious_injuries": 10**9}, "serious_injuries", "100000"),
        ({"direct_loss": "10000000000000.01"}, "direct_loss", "请核实"),
        ({"direct_loss": "1e20"}, "direct_loss", "请核实"),
        ({"deaths": "abc"}, "deaths", "整数"),
        ({"deaths": 1.5}, "deaths", "整数"),
        ({"direct_loss": "abc"}, "direct_loss", "数字"),
        ({"occurred_at": "abc"}, "occurred_at", "日期"),
        ({"occurred_at": "1999-12-31T10:00:00+08:00"}, "occurred_at", "2000"),
        ({"region": "999999"}, "region", "不存在"),
        ({"region": "50x"}, "region", ""),
        ({"region": "50"}, "region", "区县或乡镇"),
        ({"region": None}, "region", "请选择"),
        ({"sector": "nope"}, "sector", "不存在"),
        ({"sector": None}, "sector", "请选择"),
        ({"enterprise": "91440300708461136X"}, "enterprise", "校验位"),
        ({"description": "  "}, "description", "请填写"),
        ({"description": None}, "description", "必填"),
        ({"deaths": None}, "deaths", "必填"),
    ],
)
def test_bad_input_is_refused_naming_the_field(api_as, admin_user, over, field, fragment) -> None:
    r = api_as(admin_user).post(URL, body(**over))
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    assert field in errors, errors
    assert fragment in errors[field]
    assert not Accident.objects.exists() and not Event.objects.filter(subject_type="accident").exists()


def test_future_times_are_refused(api_as, officer) -> None:
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    r = api_as(officer).post(URL, body(occurred_at=future, reported_at=None))
    assert r.status_code == 422
    assert "不能晚于当前时间" in r.json()["errors"]["occurred_at"]
    r = api_as(officer).post(URL, body(reported_at=future))
    assert "不能晚于当前时间" in r.json()["errors"]["reported_at"]


def test_a_report_before_the_accident_is_refused(api_as, officer) -> None:
    occurred = ago(hours=3)
    r = api_as(officer).post(
        URL, body(occurred_at=occurred.isoformat(), reported_at=(occurred - datetime.timedelta(minutes=1)).isoformat())
    )
    assert r.status_code == 422
    assert "早于发生时间" in r.json()["errors"]["reported_at"]


def test_nan_and_unparsable_bodies_answer_422_or_400_not_500(api_as, admin_user) -> None:
    client = api_as(admin_user)
    raw = json.dumps(body()).replace('"350000.00"', "NaN")
    r = client.post(URL, raw=raw)
    assert r.status_code == 422 and "direct_loss" in r.json()["errors"]
    assert client.post(URL, raw="{").status_code in (400, 422)
    assert client.post(URL, raw="[]").status_code == 422


# ----------------------------------------------------------------------------------------- list
def test_the_list_filters_by_region_grade_and_year(api_as, officer, township) -> None:
    make(officer, deaths=3)
    make(officer, region=township)
    make(officer, occurred_at="2024-06-01T10:00:00+08:00", reported_at="2024-06-01T10:20:00+08:00", deaths=10)
    client = api_as(officer)
    assert client.get(URL).json()["count"] == 3
    assert client.get(URL, {"region": township}).json()["count"] == 1
    assert client.get(URL, {"region": "500241100000"}).json()["count"] == 1
    assert [a["grade"] for a in client.get(URL, {"grade": "major"}).json()["items"]] == ["major"]
    assert client.get(URL, {"year": 2024}).json()["count"] == 1
    assert client.get(URL, {"year": timezone.localdate().year}).json()["count"] == 2
    assert client.get(URL, {"grade": "huge"}).status_code == 422
    assert "region" in client.get(URL, {"region": "x1"}).json()["errors"]
    assert "year" in client.get(URL, {"year": "1066"}).json()["errors"]


def test_the_year_is_the_beijing_year(api_as, officer) -> None:
    # 00:30 on 1 January 2025 in Beijing is still 2024 in UTC
    make(officer, occurred_at="2025-01-01T00:30:00+08:00", reported_at="2025-01-01T01:00:00+08:00")
    assert api_as(officer).get(URL, {"year": 2025}).json()["count"] == 1
    assert api_as(officer).get(URL, {"year": 2024}).json()["count"] == 0


def test_the_list_takes_a_constant_number_of_queries(api_as, officer, firm) -> None:
    client = api_as(officer)
    make(officer, enterprise=firm.credit_code)
    client.get(URL)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for _ in range(8):
        make(officer, enterprise=firm.credit_code)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).json()["count"] == 9
    assert len(many) == len(few)


# ----------------------------------------------------------------------------------------- supplements
def test_a_supplement_on_day_30_counts_and_on_day_31_is_a_later_fact(api_as, officer) -> None:
    """条例 第十三条: within 30 days of the accident the figures count; after, they are recorded only."""
    accident = make(officer, occurred_at=beijing_day_ago(40).isoformat(), reported_at=None)
    client = api_as(officer)
    day = beijing_day_ago(40).date()
    r = client.post(
        f"{URL}/{accident.pk}/supplements", supplement_body(deaths=2, reported_on=str(day + datetime.timedelta(30)))
    )
    assert r.status_code == 201, r.content
    assert r.json()["counted"] is True and r.json()["deaths"] == 2 and len(r.json()["supplements"]) == 1
    r = client.post(
        f"{URL}/{accident.pk}/supplements", supplement_body(deaths=5, reported_on=str(day + datetime.timedelta(31)))
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["counted"] is False and data["deaths"] == 2 and data["grade"] == "general"
    assert [s["counted"] for s in data["supplements"]] == [True, False] and data["supplements"][1]["deaths"] == 5


def test_the_7_day_window_follows_the_type_not_the_sector(api_as, officer) -> None:
    """条例 第十三条: a fire at a chemical plant gets 7 days; a non-traffic accident of a transport firm 30."""
    occurred = beijing_day_ago(20, hour=23)
    day = occurred.date()
    client = api_as(officer)
    fire = make(officer, sector="hazardous_chemicals", type="fire", occurred_at=occurred.isoformat(), reported_at=None)
    assert client.get(f"{URL}/{fire.pk}").json()["supplement_days"] == 7
    late = supplement_body(deaths=2, reported_on=str(day + datetime.timedelta(8)))
    assert client.post(f"{URL}/{fire.pk}/supplements", late).json()["counted"] is False
    on_time = supplement_body(deaths=3, reported_on=str(day + datetime.timedelta(8)))
    fire2 = make(officer, sector="hazardous_chemicals", type="fire", occurred_at=occurred.isoformat(), reported_at=None)
    on_time = supplement_body(deaths=3, reported_on=str(day + datetime.timedelta(7)))
    r = client.post(f"{URL}/{fire2.pk}/supplements", on_time)
    assert r.json()["counted"] is True and r.json()["deaths"] == 3
    truck = make(officer, sector="road_transport", type="lifting", occurred_at=occurred.isoformat(), reported_at=None)
    r = client.post(f"{URL}/{truck.pk}/supplements", late)
    assert r.status_code == 201 and r.json()["counted"] is True and r.json()["supplement_days"] == 30


def test_a_supplement_without_a_date_is_dated_today(api_as, officer) -> None:
    accident = make(officer)
    r = api_as(officer).post(f"{URL}/{accident.pk}/supplements", supplement_body(deaths=2))
    assert r.status_code == 201
    assert r.json()["supplements"][0]["reported_on"] == str(timezone.localdate())
    old = make(officer, occurred_at=beijing_day_ago(45).isoformat(), reported_at=None)
    r = api_as(officer).post(f"{URL}/{old.pk}/supplements", supplement_body(deaths=2))
    assert r.status_code == 201 and r.json()["counted"] is False and r.json()["deaths"] == 1


def test_a_supplement_raises_the_grade_and_logs_before_and_after(api_as, officer) -> None:
    accident = make(officer, deaths=2, serious_injuries=5)
    assert accident.grade == "general"
    r = api_as(officer).post(
        f"{URL}/{accident.pk}/supplements", supplement_body(deaths=4, serious_injuries=3, reason="伤情好转")
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["grade"] == "relatively_major" and (data["deaths"], data["serious_injuries"]) == (4, 3)
    s = data["supplements"][0]
    assert (s["grade_before"], s["grade_after"], s["grade_raised"]) == ("general", "relatively_major", True)
    event = Event.objects.filter(subject_type="accident", subject_id=str(accident.pk)).last()
    assert event is not None and event.kind == "supplemented"
    assert event.payload["before"]["deaths"] == 2 and event.payload["after"]["deaths"] == 4
    assert event.payload["before"]["grade"] == "general" and event.payload["after"]["grade"] == "relatively_major"
    assert event.payload["grade_raised"] is True and event.payload["supplement"] == s["id"]
    assert [e["kind"] for e in data["events"]] == ["created", "supplemented"]


def test_inside_the_window_a_lower_figure_needs_a_reason_and_the_grade_falls(api_as, officer) -> None:
    """条例 第十三条 with FACTS §4: the grade follows the verified figures and may fall, with a reason."""
    accident = make(officer, deaths=0, serious_injuries=12)
    assert accident.grade == "relatively_major"
    url = f"{URL}/{accident.pk}/supplements"
    r = api_as(officer).post(url, supplement_body(deaths=1, serious_injuries=8, note=""))
    assert r.status_code == 422 and "reason" in r.json()["errors"] and "重伤人数" in r.json()["errors"]["reason"]
    assert not AccidentSupplement.objects.exists()
    r = api_as(officer).post(url, supplement_body(deaths=1, serious_injuries=8, reason="4人经复核为轻伤"))
    assert r.status_code == 201
    data = r.json()
    assert data["grade"] == "general" and data["serious_injuries"] == 8 and data["counted"] is True
    assert data["supplements"][0]["grade_lowered"] is True and data["supplements"][0]["reason"] == "4人经复核为轻伤"
    event = Event.objects.filter(subject_type="accident", kind="supplemented").get()
    assert event.payload["grade_lowered"] is True and event.payload["reason"] == "4人经复核为轻伤"


def test_after_the_window_a_lower_figure_needs_no_reason_and_changes_nothing(api_as, officer) -> None:
    accident = make(
        officer, deaths=0, serious_injuries=12, occurred_at=beijing_day_ago(40).isoformat(), reported_at=None
    )
    r = api_as(officer).post(f"{URL}/{accident.pk}/supplements", supplement_body(deaths=0, serious_injuries=2))
    assert r.status_code == 201 and r.json()["counted"] is False
    assert (r.json()["grade"], r.json()["serious_injuries"]) == ("relatively_major", 12)


def test_a_supplement_changing_nothing_answers_409(api_as, officer) -> None:
    accident = make(officer)
    r = api_as(officer).post(f"{URL}/{accident.pk}/supplements", supplement_body())
    assert r.status_code == 409
    assert not AccidentSupplement.objects.exists()


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"deaths": -1}, "deaths"),
        ({"direct_loss": "-5"}, "direct_loss"),
        ({"serious_injuries": 100_001}, "serious_injuries"),
        ({"reported_on": "2999-01-01"}, "reported_on"),
        ({"reported_on": "2000-01-01"}, "reported_on"),
        ({"reported_on": "nope"}, "reported_on"),
        ({"note": "x" * 1001}, "note"),
    ],
)
def test_bad_supplements_are_refused_naming_the_field(api_as, officer, over, field) -> None:
    accident = make(officer)
    r = api_as(officer).post(f"{URL}/{accident.pk}/supplements", supplement_body(**{"deaths": 5, **over}))
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    accident.refresh_from_db()
    assert accident.deaths == 1 and not AccidentSupplement.objects.exists()


def test_supplements_are_dated_in_order(api_as, officer) -> None:
    accident = make(officer, occurred_at=beijing_day_ago(10).isoformat(), reported_at=None)
    day = beijing_day_ago(10).date()
    client = api_as(officer)
    url = f"{URL}/{accident.pk}/supplements"
    assert client.post(url, supplement_body(deaths=2, reported_on=str(day + datetime.timedelta(5)))).status_code == 201
    r = client.post(url, supplement_body(deaths=3, reported_on=str(day + datetime.timedelta(4))))
    assert r.status_code == 422 and "上一次补报" in r.json()["errors"]["reported_on"]


# ----------------------------------------------------------------------------------------- scope
def test_outsiders_neither_see_nor_create_in_the_county(api_as, officer, outsider) -> None:
    accident = make(officer)
    client = api_as(outsider)
    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}/{accident.pk}").status_code == 404
    assert client.get(f"{URL}/{accident.pk + 1000}").status_code == 404
    r = client.post(f"{URL}/{accident.pk}/supplements", supplement_body(deaths=-1))
    assert r.status_code == 404  # scope before input: the bad figure tells nothing
    r = client.post(URL, body())
    assert r.status_code == 422 and "管辖范围" in r.json()["errors"]["region"]
    assert Accident.objects.count() == 1


def test_an_officer_cannot_use_an_enterprise_outside_the_scope(api_as, officer, other_firm) -> None:
    r = api_as(officer).post(URL, body(enterprise=other_firm.credit_code))
    assert r.status_code == 422 and "enterprise" in r.json()["errors"]


def test_a_sector_limited_officer_sees_and_reports_only_their_sectors(api_as, admin_user, chem_officer) -> None:
    chem = make(admin_user, sector="hazardous_chemicals")
    machinery = make(admin_user, sector="machinery")
    client = api_as(chem_officer)
    assert [a["id"] for a in client.get(URL).json()["items"]] == [chem.pk]
    assert client.get(f"{URL}/{machinery.pk}").status_code == 404
    r = client.post(URL, body(sector="machinery"))
    assert r.status_code == 422 and "监管范围" in r.json()["errors"]["sector"]
    assert client.post(URL, body(sector="hazardous_chemicals")).status_code == 201


def test_a_township_officer_sees_only_the_township(api_as, officer, township) -> None:
    town = factories.user("town1", role="officer", region=township)
    here = make(officer, region=township)
    county = make(officer)
    client = api_as(town)
    assert [a["id"] for a in client.get(URL).json()["items"]] == [here.pk]
    assert client.get(f"{URL}/{county.pk}").status_code == 404
    assert "region" in client.post(URL, body()).json()["errors"]


def test_an_enterprise_user_reports_and_sees_only_its_own_accidents(api_as, officer, firm, firm_user, other_firm):
    theirs = make(officer, enterprise=firm.credit_code)
    not_theirs = make(officer)  # no enterprise: not the firm's
    client = api_as(firm_user)
    r = client.post(URL, body(region=None, sector=None))
    assert r.status_code == 201, r.content
    own = r.json()
    assert own["enterprise"] == firm.credit_code and own["region"] == firm.region_id
    ids = {a["id"] for a in client.get(URL).json()["items"]}
    assert ids == {theirs.pk, own["id"]}
    assert client.get(f"{URL}/{not_theirs.pk}").status_code == 404
    assert client.post(f"{URL}/{not_theirs.pk}/supplements", supplement_body(deaths=2)).status_code == 404
    assert client.post(f"{URL}/{theirs.pk}/supplements", supplement_body(deaths=2)).status_code == 201
    r = client.post(URL, body(enterprise=other_firm.credit_code))
    assert r.status_code == 422 and "本企业" in r.json()["errors"]["enterprise"]
    # the place of the accident may differ from the registration (a truck on the road)
    r = client.post(URL, body(region="110105", sector="road_transport"))
    assert r.status_code == 201 and r.json()["enterprise"] == firm.credit_code
    assert r.json()["id"] in {a["id"] for a in client.get(URL).json()["items"]}


def test_an_enterprise_account_without_an_enterprise_is_refused(api_as) -> None:
    lost = factories.user("lost1", role="enterprise")
    assert api_as(lost).post(URL, body()).status_code == 403
    assert api_as(lost).get(URL).json()["count"] == 0


def test_anonymous_callers_get_401(api_as) -> None:
    assert api_as(None).get(URL).status_code == 401
    assert api_as(None).post(URL, body()).status_code == 401
