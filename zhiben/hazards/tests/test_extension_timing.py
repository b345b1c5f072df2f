"""Extension timing (FACTS §1, escalation practice): an extension is asked at least 20 working days before
the deadline and decided within 10 working days, working days by the official calendar (holidays and the
调休 weekends worked in their place)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from zhiben.audit.models import Event
from zhiben.common import dates
from zhiben.hazards import register, rules
from zhiben.hazards.models import ExtensionStatus, Hazard
from zhiben.notifications.todo import todo_for
from zhiben.tests_support import factories

from .conftest import new_hazard

pytestmark = pytest.mark.django_db
D = datetime.date
SERIAL = itertools.count()


def on_day(monkeypatch, day: datetime.date) -> None:
    """Fix the Beijing day the rules and services read."""
    monkeypatch.setattr(rules, "today", lambda: day)


# ----------------------------------------------------------------------------------------- the calendar
def test_working_days_follow_the_official_calendar() -> None:
    assert not dates.is_working_day(D(2026, 10, 1)) and not dates.is_working_day(D(2026, 10, 7))  # 国庆
    assert dates.is_working_day(D(2026, 10, 10))  # a Saturday worked in exchange (调休)
    assert dates.is_working_day(D(2026, 9, 20))  # a Sunday worked in exchange
    assert not dates.is_working_day(D(2026, 9, 25))  # 中秋
    assert dates.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert dates.add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert dates.add_working_days(D(2026, 10, 9), 0) == D(2026, 10, 9)


def test_a_year_the_calendar_has_no_data_for_counts_monday_to_friday() -> None:
    assert dates.is_working_day(D(2099, 1, 1))  # a Thursday: no holiday notice that far ahead
    assert not dates.is_working_day(D(2099, 1, 3))  # a Saturday
    assert dates.add_working_days(D(2099, 1, 2), 1) == D(2099, 1, 5)


@given(
    start=st.dates(D(2025, 1, 1), D(2027, 12, 31)),
    span=st.integers(0, 120),
    n=st.integers(0, 30),
)
@hsettings(max_examples=300, deadline=None)
def test_the_last_day_to_ask_and_the_first_day_not_late_agree_with_counting(start, span, n) -> None:
    """``last_day_before`` is exactly the latest day from which ``n`` working days still fit before the
    deadline; ``first_day_not_past`` exactly the earliest start whose ``n``-th working day is not past."""
    other = start + datetime.timedelta(days=span)
    fits = dates.add_working_days(start, n) <= other
    assert fits == (start <= dates.last_day_before(other, n))
    late = dates.add_working_days(start, n) < other
    assert late == (start < dates.first_day_not_past(other, n))
    # the count itself: n working days strictly after start, up to and including the result
    end = dates.add_working_days(start, n)
    counted = sum(dates.is_working_day(start + datetime.timedelta(days=i)) for i in range(1, (end - start).days + 1))
    assert counted == n and (n == 0 or dates.is_working_day(end))


# ----------------------------------------------------------------------------------------- asking
# From 2026-09-18 (a Friday) the 20th working day is 2026-10-22: 中秋 (09-25..27) and 国庆 (10-01..07) are
# off, Sunday 09-20 and Saturday 10-10 are worked (调休). Counting Monday to Friday would say 10-16.
ASKED = D(2026, 9, 18)
ASK = {"deadline": "2026-11-30", "reason": "设备到货延迟"}


def test_a_regulator_ordered_deadline_20_working_days_ahead_may_be_extended(
    api_as, officer, firm, firm_user, monkeypatch
) -> None:
    h = new_hazard(officer, firm, source="inspection", discovered_on="2026-09-01", deadline="2026-10-22")
    on_day(monkeypatch, ASKED)
    r = api_as(firm_user).post(f"/api/v1/hazards/{h.pk}/extension", ASK)
    assert r.status_code == 200, r.content
    assert r.json()["extension"]["late"] is False


def test_a_regulator_ordered_deadline_19_working_days_ahead_is_refused_naming_the_last_day(
    api_as, officer, firm, firm_user, monkeypatch
) -> None:
    h = new_hazard(officer, firm, source="inspection", discovered_on="2026-09-01", deadline="2026-10-21")
    on_day(monkeypatch, ASKED)
    r = api_as(firm_user).post(f"/api/v1/hazards/{h.pk}/extension", ASK)
    assert r.status_code == 409, r.content
    message = r.json()["errors"]["deadline"]
    # the 20th working day back from 10-21 is 09-18 itself: the last day to ask was the day before
    assert "20 个工作日" in message and "2026-09-17" in message, message
    assert Hazard.objects.get(pk=h.pk).extension_status == ""
    assert not Event.objects.filter(subject_id=str(h.pk), kind="extension_requested").exists()
    # nor does the page offer it
    c = Client()
    c.force_login(firm_user)
    assert 'id="form-extend"' not in c.get(f"/hazards/{h.pk}/").content.decode()


def test_a_late_request_for_the_enterprises_own_deadline_is_taken_and_flagged(
    api_as, firm_user, officer, monkeypatch
) -> None:
    h = new_hazard(firm_user, firm_user.enterprise, discovered_on="2026-09-01", deadline="2026-10-21")
    on_day(monkeypatch, ASKED)
    r = api_as(firm_user).post(f"/api/v1/hazards/{h.pk}/extension", ASK)
    assert r.status_code == 200, r.content
    ext = r.json()["extension"]
    assert ext["late"] is True and ext["requested_on"] == "2026-09-18"
    asked = next(e for e in r.json()["events"] if e["kind"] == "extension_requested")
    assert asked["payload"]["late"] is True and asked["payload"]["ask_by"] == "2026-09-17"
    # the decider sees that it came late, in the to-do list and on the page
    item = next(i for i in todo_for(officer, today=ASKED).items if i["kind"] == "hazard_extension")
    assert "不足 20 个工作日" in item["title"]
    c = Client()
    c.force_login(officer)
    assert "申请较晚" in c.get(f"/hazards/{h.pk}/").content.decode()


def test_the_notice_follows_its_setting(api_as, officer, firm, firm_user, monkeypatch, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "EXTENSION_NOTICE_WORKING_DAYS": 19}
    h = new_hazard(officer, firm, source="inspection", discovered_on="2026-09-01", deadline="2026-10-21")
    on_day(monkeypatch, ASKED)
    r = api_as(firm_user).post(f"/api/v1/hazards/{h.pk}/extension", ASK)
    assert r.status_code == 200, r.content


# ----------------------------------------------------------------------------------------- deciding
# Asked on 2026-09-28: the 10th working day after it is 2026-10-16 (国庆 off, Saturday 10-10 worked).
ASKED_BEFORE_HOLIDAY = D(2026, 9, 28)
DECIDE_BY = D(2026, 10, 16)


def pending(actor, firm, monkeypatch, *, asked: datetime.date = ASKED_BEFORE_HOLIDAY) -> Hazard:
    from zhiben.common.inputs import parse
    from zhiben.hazards.inputs import HazardExtension
    from zhiben.hazards.services import hazard_extension_request

    h = new_hazard(actor, firm, discovered_on="2026-09-01", deadline="2026-12-31", title=f"延期{next(SERIAL)}")
    on_day(monkeypatch, asked)
    ask = parse(HazardExtension, {"deadline": "2027-03-31", "reason": "冬季停工"})
    return hazard_extension_request(hazard_id=h.pk, actor=actor, extension=ask)


def test_the_decision_is_due_10_working_days_after_the_request(firm_user, officer, monkeypatch) -> None:
    h = pending(firm_user, firm_user.enterprise, monkeypatch)
    assert rules.extension_decide_by(h) == DECIDE_BY
    item = next(i for i in todo_for(officer, today=ASKED_BEFORE_HOLIDAY).items if i["kind"] == "hazard_extension")
    assert item["due"] == DECIDE_BY and "不足" not in item["title"]
    assert not rules.extension_overdue(h, on=DECIDE_BY)
    assert rules.extension_overdue(h, on=DECIDE_BY + datetime.timedelta(days=1))


def test_an_undecided_extension_past_its_day_is_listed_and_counted(api_as, firm_user, officer, monkeypatch) -> None:
    late = pending(firm_user, firm_user.enterprise, monkeypatch)
    recent = pending(firm_user, firm_user.enterprise, monkeypatch, asked=D(2026, 9, 29))  # due 2026-10-19
    api = api_as(officer)
    on_day(monkeypatch, DECIDE_BY)
    assert api.get("/api/v1/hazards", {"extension_overdue": "true"}).json()["count"] == 0
    assert register.home_figures(officer)["extension_overdue"] == 0
    on_day(monkeypatch, DECIDE_BY + datetime.timedelta(days=1))
    listed = api.get("/api/v1/hazards", {"extension_overdue": "true"}).json()
    assert [x["id"] for x in listed["items"]] == [late.pk]
    assert register.home_figures(officer)["extension_overdue"] == 1
    detail = api.get(f"/api/v1/hazards/{late.pk}").json()
    assert detail["extension"]["overdue"] is True and detail["extension"]["decide_by"] == "2026-10-16"
    assert api.get(f"/api/v1/hazards/{recent.pk}").json()["extension"]["overdue"] is False
    # decided, it is off the list
    r = api.post(f"/api/v1/hazards/{late.pk}/extension/decision", {"decision": "approve", "comment": "同意"})
    assert r.status_code == 200, r.content
    assert r.json()["extension"]["overdue"] is False and r.json()["extension"]["decide_by"] is None
    assert api.get("/api/v1/hazards", {"extension_overdue": "true"}).json()["count"] == 0


@given(asked=st.dates(D(2026, 9, 1), D(2026, 12, 31)), looked=st.integers(0, 40))
@hsettings(max_examples=20, deadline=None)
def test_the_overdue_filter_agrees_with_the_rule(asked, looked) -> None:
    """The set-based filter (``q_extension_overdue``) and the rule for one hazard say the same."""
    firm = factories.enterprise(region="500241", sector="hazardous_chemicals")
    h = Hazard.objects.create(
        enterprise=firm,
        region_id="500241",
        sector_id="hazardous_chemicals",
        level="general",
        source="self_check",
        title="过滤",
        discovered_on=D(2026, 8, 1),
        deadline=D(2027, 6, 30),
        extension_status=ExtensionStatus.PENDING,
        extension_deadline=D(2027, 9, 30),
        extension_requested_on=asked,
    )
    on = asked + datetime.timedelta(days=looked)
    found = Hazard.objects.filter(pk=h.pk).filter(rules.q_extension_overdue(on=on)).exists()
    assert found == rules.extension_overdue(h, on=on)
