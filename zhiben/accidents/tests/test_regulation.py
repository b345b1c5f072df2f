"""《生产安全事故报告和调查处理条例》 (国务院令第493号) as zhiben applies it: each test names the article it
checks, at and around each threshold and time (FACTS §4)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiben.accidents import rules
from zhiben.accidents.inputs import clean_extension_days
from zhiben.accidents.models import Accident, AccidentType, Grade, InvestigationEscalation, ReplyEscalation
from zhiben.accidents.selectors import accident_list, accident_summary
from zhiben.audit.models import Event
from zhiben.escalation.engine import sweep

from .support import BEIJING, ago, beijing_day_ago, body, make

URL = "/api/v1/accidents"
ZERO = Decimal(0)
T0 = datetime.datetime(2025, 3, 1, 8, 0, tzinfo=BEIJING)


# ------------------------------------------------------------------------ 第三条, 第十二条(四): missing persons
@pytest.mark.parametrize(
    ("deaths", "missing", "grade"),
    [
        (2, 0, Grade.GENERAL),
        (1, 1, Grade.GENERAL),
        (2, 1, Grade.RELATIVELY_MAJOR),
        (0, 3, Grade.RELATIVELY_MAJOR),
        (8, 1, Grade.RELATIVELY_MAJOR),
        (9, 1, Grade.MAJOR),
        (28, 1, Grade.MAJOR),
        (29, 1, Grade.ESPECIALLY_MAJOR),
        (0, 30, Grade.ESPECIALLY_MAJOR),
    ],
)
def test_article_3_and_12_the_missing_count_with_the_deaths(deaths, missing, grade) -> None:
    assert rules.grade_of(deaths=deaths, missing=missing, serious_injuries=0, direct_loss=ZERO) == grade


@given(st.integers(0, 200), st.integers(0, 200))
def test_article_3_the_grade_reads_deaths_plus_missing(deaths, missing) -> None:
    together = rules.grade_of(deaths=deaths + missing, serious_injuries=0, direct_loss=ZERO)
    assert rules.grade_of(deaths=deaths, missing=missing, serious_injuries=0, direct_loss=ZERO) == together


@pytest.mark.django_db
def test_article_12_missing_persons_are_taken_and_graded(api_as, officer) -> None:
    r = api_as(officer).post(URL, body(deaths=2, missing=1))
    assert r.status_code == 201, r.content
    assert (r.json()["missing"], r.json()["grade"]) == (1, "relatively_major")
    for bad in (-1, "x", 100_001):
        r = api_as(officer).post(URL, body(missing=bad))
        assert r.status_code == 422 and list(r.json()["errors"]) == ["missing"]


# ------------------------------------------------------------------------ 第九条: the 1-hour clock
@pytest.mark.django_db
@pytest.mark.parametrize(("minutes", "late"), [(59, False), (60, False), (61, True)])
def test_article_9_the_hour_runs_from_when_the_head_was_told(api_as, officer, minutes, late) -> None:
    occurred = ago(hours=6)
    head = occurred + datetime.timedelta(hours=3)  # 3 hours after the accident: only the head's hour counts
    reported = head + datetime.timedelta(minutes=minutes)
    data = body(occurred_at=occurred.isoformat(), head_notified_at=head.isoformat(), reported_at=reported.isoformat())
    r = api_as(officer).post(URL, data)
    assert r.status_code == 201, r.content
    assert r.json()["late_report"] is late
    assert r.json()["report_due"].startswith(
        (head + datetime.timedelta(hours=1)).astimezone(datetime.UTC).isoformat()[:16]
    )


@pytest.mark.django_db
def test_article_9_the_head_defaults_to_the_accident_time(api_as, officer) -> None:
    occurred = ago(hours=3)
    r = api_as(officer).post(
        URL, body(occurred_at=occurred.isoformat(), reported_at=(occurred + datetime.timedelta(minutes=61)).isoformat())
    )
    assert r.status_code == 201
    assert Accident.objects.get().head_notified_at == occurred.replace(microsecond=occurred.microsecond)
    assert r.json()["late_report"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("head", "reported", "field"),
    [
        (-1, 30, "head_notified_at"),  # before the accident
        (60 * 24 * 400, None, "head_notified_at"),  # in the future
        (30, 20, "reported_at"),  # the first report before the head was told
    ],
)
def test_article_9_a_bad_head_time_is_refused_naming_the_field(api_as, officer, head, reported, field) -> None:
    occurred = ago(hours=2)
    data = body(
        occurred_at=occurred.isoformat(),
        head_notified_at=(occurred + datetime.timedelta(minutes=head)).isoformat(),
        reported_at=(occurred + datetime.timedelta(minutes=reported)).isoformat() if reported is not None else None,
    )
    r = api_as(officer).post(URL, data)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert not Accident.objects.exists()


# ------------------------------------------------------------------------ 第十三条: the window by type
@given(
    st.datetimes(datetime.datetime(2001, 1, 1), datetime.datetime(2030, 12, 31), timezones=st.just(BEIJING)),
    st.sampled_from(AccidentType.values),
)
def test_article_13_the_window_is_7_days_for_road_traffic_and_fire_else_30(moment, accident_type) -> None:
    days = 7 if accident_type in ("road_traffic", "fire") else 30
    assert rules.supplement_deadline(
        occurred_at=moment, accident_type=accident_type
    ) == moment.date() + datetime.timedelta(days)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accident_type", "day", "counted"),
    [
        ("fire", 7, True),
        ("fire", 8, False),
        ("road_traffic", 8, False),
        ("vehicle", 8, True),
        ("other", 30, True),
        ("other", 31, False),
    ],
)
def test_article_13_a_supplement_counts_only_inside_its_window(api_as, officer, accident_type, day, counted) -> None:
    occurred = beijing_day_ago(40)
    accident = make(officer, type=accident_type, occurred_at=occurred.isoformat(), reported_at=None)
    on = occurred.date() + datetime.timedelta(days=day)
    r = api_as(officer).post(
        f"{URL}/{accident.pk}/supplements",
        {"reported_on": str(on), "deaths": 3, "missing": 1, "serious_injuries": 2, "direct_loss": "350000"},
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["counted"] is counted
    assert (data["deaths"], data["missing"], data["grade"]) == (
        (3, 1, "relatively_major") if counted else (1, 0, "general")
    )


@pytest.mark.django_db
def test_article_13_a_lower_missing_count_needs_a_reason(api_as, officer) -> None:
    accident = make(officer, deaths=1, missing=2)
    assert accident.grade == "relatively_major"
    url = f"{URL}/{accident.pk}/supplements"
    figures = {"deaths": 1, "serious_injuries": 2, "direct_loss": "350000.00"}
    r = api_as(officer).post(url, {**figures, "missing": 0})
    assert r.status_code == 422 and "下落不明人数" in r.json()["errors"]["reason"]
    r = api_as(officer).post(url, {**figures, "missing": 0, "reason": "2人已找到，未受伤"})
    assert r.status_code == 201 and r.json()["grade"] == "general"


@pytest.mark.django_db
def test_article_13_an_unknown_type_is_refused_naming_it(api_as, officer) -> None:
    r = api_as(officer).post(URL, body(type="explosion"))
    assert r.status_code == 422 and list(r.json()["errors"]) == ["type"]
    r = api_as(officer).post(URL, body(type=""))  # blank: not classified
    assert r.status_code == 201 and r.json()["type"] == "other"
    r = api_as(officer).post(URL, body(type="火灾（火灾事故）"))  # the Chinese label is read too
    assert r.status_code == 201 and r.json()["type"] == "fire" and r.json()["supplement_days"] == 7


# ------------------------------------------------------------------------ 第十条, 第十一条: relays
@pytest.mark.parametrize(
    ("grade", "chain"),
    [
        (Grade.GENERAL, ("city",)),
        (Grade.RELATIVELY_MAJOR, ("city", "province")),
        (Grade.MAJOR, ("city", "province", "national")),
        (Grade.ESPECIALLY_MAJOR, ("city", "province", "national")),
    ],
)
def test_article_10_the_destination_follows_the_grade(grade, chain) -> None:
    assert rules.relay_chain(grade) == chain


def test_article_11_each_level_has_two_hours_from_the_level_below() -> None:
    steps = rules.relay_steps(
        grade=Grade.MAJOR,
        county_at=T0,
        relayed={"city": T0 + datetime.timedelta(hours=1), "province": T0 + datetime.timedelta(hours=3, minutes=1)},
    )
    assert [s["level"] for s in steps] == ["city", "province", "national"]
    assert steps[0]["due"] == T0 + datetime.timedelta(hours=2) and steps[0]["late"] is False
    # the province is due 2 hours after the city got it (1 h), not after the city's due moment
    assert steps[1]["due"] == T0 + datetime.timedelta(hours=3) and steps[1]["late"] is True
    assert steps[2]["due"] == T0 + datetime.timedelta(hours=5, minutes=1) and steps[2]["reported_at"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(("minutes", "late"), [(119, False), (120, False), (121, True)])
def test_article_11_a_relay_over_two_hours_is_late(api_as, officer, minutes, late) -> None:
    accident = make(officer, deaths=3)
    at = accident.reported_at + datetime.timedelta(minutes=minutes)
    if at > ago(minutes=0):
        accident.reported_at = accident.occurred_at  # keep the relay in the past
        accident.head_notified_at = accident.occurred_at
        accident.save()
        at = accident.reported_at + datetime.timedelta(minutes=minutes)
    r = api_as(officer).post(f"{URL}/{accident.pk}/relays", {"level": "city", "reported_at": at.isoformat()})
    assert r.status_code == 201, r.content
    relays = r.json()["relays"]
    assert [x["level"] for x in relays] == ["city", "province"]  # 较大: up to the province
    assert relays[0]["late"] is late and relays[0]["reported_at"] is not None
    assert relays[1]["reported_at"] is None and relays[1]["expected"] is True
    event = Event.objects.filter(subject_type="accident", kind="relayed").get()
    assert event.payload["late"] is late


@pytest.mark.django_db
def test_article_10_relays_are_checked(api_as, officer, firm_user, firm) -> None:
    accident = make(officer, enterprise=firm.credit_code, region=None, sector=None)
    url = f"{URL}/{accident.pk}/relays"
    client = api_as(officer)
    assert client.post(url, {"level": "county", "reported_at": ago(minutes=5).isoformat()}).json()["errors"].keys() == {
        "level"
    }
    assert "reported_at" in client.post(url, {"level": "city"}).json()["errors"]
    early = accident.reported_at - datetime.timedelta(minutes=1)
    r = client.post(url, {"level": "city", "reported_at": early.isoformat()})
    assert r.status_code == 422 and "reported_at" in r.json()["errors"]
    ok = {"level": "city", "reported_at": ago(minutes=1).isoformat()}
    assert api_as(firm_user).post(url, ok).status_code == 403  # the unit does not record the government's relays
    assert client.post(url, ok).status_code == 201
    assert client.post(url, ok).status_code == 409
    assert accident.relays.count() == 1


# ------------------------------------------------------------------------ 第二十九条: the investigation
def test_article_29_the_report_is_due_60_days_after_the_accident() -> None:
    assert rules.investigation_due(occurred_at=T0) == datetime.date(2025, 4, 30)
    assert rules.investigation_due(occurred_at=T0, extension_days=60) == datetime.date(2025, 6, 29)


@given(
    st.datetimes(datetime.datetime(2001, 1, 1), datetime.datetime(2030, 12, 31), timezones=st.just(BEIJING)),
    st.integers(0, 60),
)
def test_article_29_the_due_day_is_60_days_plus_the_extension(moment, extension) -> None:
    due = rules.investigation_due(occurred_at=moment, extension_days=extension)
    assert (due - moment.date()).days == 60 + extension


@pytest.mark.django_db
@pytest.mark.parametrize(("days_ago", "overdue"), [(59, False), (60, False), (61, True)])
def test_article_29_the_investigation_is_overdue_after_day_60(api_as, officer, days_ago, overdue) -> None:
    accident = make(officer, occurred_at=beijing_day_ago(days_ago).isoformat(), reported_at=None)
    client = api_as(officer)
    assert client.get(f"{URL}/{accident.pk}").json()["investigation_overdue"] is overdue
    ids = {a["id"] for a in client.get(URL, {"investigation_overdue": "true"}).json()["items"]}
    assert (accident.pk in ids) is overdue


@pytest.mark.django_db
def test_article_29_the_extension_is_once_by_at_most_60_days_with_a_reason(api_as, officer, firm_user, firm) -> None:
    accident = make(
        officer,
        enterprise=firm.credit_code,
        region=None,
        sector=None,
        occurred_at=beijing_day_ago(61).isoformat(),
        reported_at=None,
    )
    url = f"{URL}/{accident.pk}/investigation/extension"
    client = api_as(officer)
    assert client.get(f"{URL}/{accident.pk}").json()["investigation_overdue"] is True
    assert list(client.post(url, {"days": 61, "reason": "技术鉴定"}).json()["errors"]) == ["days"]
    assert list(client.post(url, {"days": 0, "reason": "技术鉴定"}).json()["errors"]) == ["days"]
    assert list(client.post(url, {"days": 30}).json()["errors"]) == ["reason"]
    assert api_as(firm_user).post(url, {"days": 60, "reason": "技术鉴定"}).status_code == 403
    r = client.post(url, {"days": 60, "reason": "技术鉴定"})
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["investigation_overdue"] is False and data["investigation_extension_days"] == 60
    assert data["investigation_due"] == str(beijing_day_ago(61).date() + datetime.timedelta(120))
    assert client.post(url, {"days": 1, "reason": "再延"}).status_code == 409


@pytest.mark.django_db
def test_article_29_the_report_carries_the_verified_grade_which_statistics_count(api_as, officer) -> None:
    accident = make(officer, deaths=2, occurred_at=beijing_day_ago(20).isoformat(), reported_at=None)
    url = f"{URL}/{accident.pk}/investigation"
    client = api_as(officer)
    assert set(client.post(url, {}).json()["errors"]) == {"submitted_on", "verified_grade"}
    too_early = str(beijing_day_ago(21).date())
    assert list(client.post(url, {"submitted_on": too_early, "verified_grade": "general"}).json()["errors"]) == [
        "submitted_on"
    ]
    future = str(beijing_day_ago(-1).date())
    assert list(client.post(url, {"submitted_on": future, "verified_grade": "general"}).json()["errors"]) == [
        "submitted_on"
    ]
    r = client.post(url, {"submitted_on": str(beijing_day_ago(5).date()), "verified_grade": "huge"})
    assert list(r.json()["errors"]) == ["verified_grade"]
    r = client.post(url, {"submitted_on": str(beijing_day_ago(5).date()), "verified_grade": "relatively_major"})
    assert r.status_code == 200, r.content
    data = r.json()
    assert (data["grade"], data["verified_grade"], data["statistical_grade"]) == (
        "general",
        "relatively_major",
        "relatively_major",
    )
    assert data["reply_due"] == str(beijing_day_ago(5).date() + datetime.timedelta(15))
    assert (
        client.post(url, {"submitted_on": str(beijing_day_ago(5).date()), "verified_grade": "general"}).status_code
        == 409
    )
    summary = accident_summary(accident_list(actor=officer))
    by_grade = {g["key"]: g["count"] for g in summary["grades"]}
    assert by_grade["relatively_major"] == 1 and by_grade["general"] == 0
    assert {a["id"] for a in client.get(URL, {"grade": "relatively_major"}).json()["items"]} == {accident.pk}
    assert client.get(URL, {"grade": "general"}).json()["count"] == 0


# ------------------------------------------------------------------------ 第三十二条: the 批复
@pytest.mark.parametrize(
    ("grade", "days"),
    [(Grade.GENERAL, 15), (Grade.RELATIVELY_MAJOR, 15), (Grade.MAJOR, 15), (Grade.ESPECIALLY_MAJOR, 30)],
)
def test_article_32_the_reply_is_due_15_days_or_30_for_especially_major(grade, days) -> None:
    day = datetime.date(2025, 5, 1)
    assert rules.reply_due(received_on=day, grade=grade) == day + datetime.timedelta(days)
    assert rules.reply_extendable(grade) is (grade == Grade.ESPECIALLY_MAJOR)


def _investigated(api_as, officer, *, verified: str, submitted_days_ago: int) -> Accident:
    accident = make(officer, occurred_at=beijing_day_ago(80).isoformat(), reported_at=None)
    r = api_as(officer).post(
        f"{URL}/{accident.pk}/investigation",
        {"submitted_on": str(beijing_day_ago(submitted_days_ago).date()), "verified_grade": verified},
    )
    assert r.status_code == 200, r.content
    return accident


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("verified", "days_ago", "overdue"),
    [
        ("general", 15, False),
        ("general", 16, True),
        ("major", 15, False),
        ("major", 16, True),
        ("especially_major", 30, False),
        ("especially_major", 31, True),
    ],
)
def test_article_32_the_reply_is_overdue_after_its_days(api_as, officer, verified, days_ago, overdue) -> None:
    accident = _investigated(api_as, officer, verified=verified, submitted_days_ago=days_ago)
    client = api_as(officer)
    assert client.get(f"{URL}/{accident.pk}").json()["reply_overdue"] is overdue
    ids = {a["id"] for a in client.get(URL, {"reply_overdue": "true"}).json()["items"]}
    assert (accident.pk in ids) is overdue


@pytest.mark.django_db
def test_article_32_only_an_especially_major_reply_is_extended_by_at_most_30(api_as, officer) -> None:
    client = api_as(officer)
    general = _investigated(api_as, officer, verified="major", submitted_days_ago=16)
    r = client.post(f"{URL}/{general.pk}/reply/extension", {"days": 10, "reason": "特殊情况"})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["days"]
    big = _investigated(api_as, officer, verified="especially_major", submitted_days_ago=31)
    url = f"{URL}/{big.pk}/reply/extension"
    assert list(client.post(url, {"days": 31, "reason": "特殊情况"}).json()["errors"]) == ["days"]
    r = client.post(url, {"days": 30, "reason": "特殊情况"})
    assert r.status_code == 200 and r.json()["reply_overdue"] is False and r.json()["reply_extension_days"] == 30
    assert client.post(url, {"days": 1, "reason": "再延"}).status_code == 409


@pytest.mark.django_db
def test_article_32_the_reply_is_recorded_once_after_the_report(api_as, officer, firm_user, firm) -> None:
    client = api_as(officer)
    fresh = make(officer)
    assert client.post(f"{URL}/{fresh.pk}/reply", {"replied_on": str(beijing_day_ago(0).date())}).status_code == 409
    accident = _investigated(api_as, officer, verified="general", submitted_days_ago=10)
    url = f"{URL}/{accident.pk}/reply"
    r = client.post(url, {"replied_on": str(beijing_day_ago(11).date())})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["replied_on"]
    assert list(client.post(url, {}).json()["errors"]) == ["replied_on"]
    r = client.post(url, {"replied_on": str(beijing_day_ago(0).date())})
    assert r.status_code == 200 and r.json()["replied_on"] == str(beijing_day_ago(0).date())
    assert r.json()["reply_overdue"] is False
    assert client.post(url, {"replied_on": str(beijing_day_ago(0).date())}).status_code == 409


# ------------------------------------------------------------------------ the sweep and the to-do list
@pytest.mark.django_db
def test_articles_29_and_32_late_steps_climb_the_escalation_ladder(api_as, officer) -> None:
    late_report = make(officer, occurred_at=beijing_day_ago(70).isoformat(), reported_at=None)
    late_reply = _investigated(api_as, officer, verified="general", submitted_days_ago=20)
    on_time = make(officer)
    sweep()
    assert set(InvestigationEscalation.objects.values_list("accident_id", flat=True)) == {late_report.pk}
    assert set(ReplyEscalation.objects.values_list("accident_id", flat=True)) == {late_reply.pk}
    assert on_time.pk not in set(InvestigationEscalation.objects.values_list("accident_id", flat=True))
    before = InvestigationEscalation.objects.count() + ReplyEscalation.objects.count()
    sweep()
    assert InvestigationEscalation.objects.count() + ReplyEscalation.objects.count() == before  # idempotent


@pytest.mark.django_db
def test_articles_29_and_32_the_officer_sees_the_waiting_steps(api_as, officer, firm_user, firm) -> None:
    waiting = make(officer, enterprise=firm.credit_code, region=None, sector=None)
    answered = _investigated(api_as, officer, verified="general", submitted_days_ago=3)
    items = api_as(officer).get("/api/v1/todo").json()["items"]
    kinds = {(i["kind"], i["id"]) for i in items}
    assert ("accident_investigation", waiting.pk) in kinds and ("accident_reply", answered.pk) in kinds
    assert ("accident_investigation", answered.pk) not in kinds
    firm_kinds = {i["kind"] for i in api_as(firm_user).get("/api/v1/todo").json()["items"]}
    assert not firm_kinds & {"accident_investigation", "accident_reply"}


@pytest.mark.parametrize(("raw", "message"), [(10**20, "延长天数不能超过100000天，请核实"), ("", "请填写延长天数")])
def test_an_extension_is_counted_in_days_not_people(raw, message) -> None:
    """第二十九条、第三十二条: an extension's length is days; the message must not speak of people (人)."""
    with pytest.raises(ValueError, match=f"^{message}$"):
        clean_extension_days(raw)
