"""The closed loop taken seriously (issue 11 §2; DESIGN.md §3 and §6): who owns a deadline and how it is
extended, review as the regulator's time, listing authority and its end, two officers to cancel a major
hazard, business dates, and major hazards left without a plan."""

from __future__ import annotations

import datetime
import io
import itertools
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from zhiben.analytics.selectors import hazard_stats
from zhiben.analytics.tallies import rebuild_tallies, tally_drift
from zhiben.audit.models import Event
from zhiben.common import dates
from zhiben.common.inputs import parse
from zhiben.escalation.engine import sweep
from zhiben.hazards import rules
from zhiben.hazards.inputs import HazardPlan, HazardReviewDecision, HazardSubmission
from zhiben.hazards.models import Escalation, Hazard, PlanEscalation, Status
from zhiben.hazards.selectors import (
    cancellations_to_confirm,
    extensions_to_decide,
    hazards_without_plan,
    reviews_waiting,
    stock_remaining_at_deadline,
)
from zhiben.hazards.services import hazard_plan, hazard_review, hazard_submit
from zhiben.tests_support import factories

from .conftest import evidence, new_hazard

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _long_deadlines(settings) -> None:
    """These tests set deadlines years ahead, clear of the 20-working-day notice for extensions; the
    12-month cap on a rectification period (RECTIFICATION_MAX_MONTHS) has tests of its own."""
    settings.ZHIBEN = {**settings.ZHIBEN, "RECTIFICATION_MAX_MONTHS": 120}


TODAY = datetime.date(2025, 6, 1)
SERIAL = itertools.count()


@pytest.fixture
def today(monkeypatch) -> datetime.date:
    """A fixed Beijing day for the rules and the services (both read ``rules.today``)."""
    monkeypatch.setattr(rules, "today", lambda: TODAY)
    return TODAY


def plan_body(deadline: str) -> dict[str, Any]:
    return {
        "responsible_person": "陈建国",
        "measures": "更换报警器并联锁",
        "deadline": deadline,
        "interim_measures": "停用该区域，专人值守",
    }


def with_plan(actor, hazard: Hazard, deadline: str) -> Hazard:
    return hazard_plan(hazard_id=hazard.pk, actor=actor, plan=parse(HazardPlan, plan_body(deadline)))


def submitted(actor, hazard: Hazard) -> Hazard:
    aid = evidence(actor, hazard)
    return hazard_submit(
        hazard_id=hazard.pk,
        actor=actor,
        submission=parse(HazardSubmission, {"summary": "已整改", "attachments": [aid]}),
    )


# ----------------------------------------------------------------------------------------- deadlines
def test_plan_cannot_move_a_deadline_later(api_as, firm_user, officer) -> None:
    h = new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01")
    ent = api_as(firm_user)
    assert ent.post(f"/api/v1/hazards/{h.pk}/plan", plan_body("2025-06-30")).status_code == 200
    r = ent.post(f"/api/v1/hazards/{h.pk}/plan", plan_body("2025-07-01"))
    assert r.status_code == 422 and "deadline" in r.json()["errors"], r.content
    assert "申请延期" in r.json()["errors"]["deadline"]
    r = ent.post(f"/api/v1/hazards/{h.pk}/plan", plan_body("2025-06-15"))  # earlier is the enterprise's to set
    assert r.status_code == 200 and r.json()["deadline"] == "2025-06-15"
    r = ent.post(f"/api/v1/hazards/{h.pk}/plan", plan_body("2025-06-30"))  # and it does not move back later
    assert r.status_code == 422 and Hazard.objects.get(pk=h.pk).deadline == datetime.date(2025, 6, 15)


def test_a_deadline_set_at_creation_cannot_be_moved_later_by_a_plan(api_as, officer, firm) -> None:
    h = new_hazard(officer, firm, source="inspection", discovered_on="2025-03-01", deadline="2025-04-01")
    r = api_as(officer).post(f"/api/v1/hazards/{h.pk}/plan", plan_body("2025-04-02"))
    assert r.status_code == 422 and "deadline" in r.json()["errors"]


def test_who_owns_a_deadline(api_as, officer, firm, firm_user) -> None:
    own = new_hazard(firm_user, firm, deadline="2025-04-01")
    ordered = new_hazard(officer, firm, source="inspection", deadline="2025-04-01", title="责令整改")
    tipped = new_hazard(officer, firm, source="tip", deadline="2025-04-01", title="举报核查")
    none = new_hazard(officer, firm, title="无期限")
    api = api_as(officer)
    assert api.get(f"/api/v1/hazards/{own.pk}").json()["deadline_owner"] == "enterprise"
    assert api.get(f"/api/v1/hazards/{ordered.pk}").json()["deadline_owner"] == "regulator"
    assert api.get(f"/api/v1/hazards/{tipped.pk}").json()["deadline_owner"] == "regulator"
    assert api.get(f"/api/v1/hazards/{none.pk}").json()["deadline_owner"] is None


def test_an_extension_is_requested_then_decided_by_another_officer(api_as, firm_user, officer, tip_handler) -> None:
    h = with_plan(firm_user, new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01"), "2031-06-30")
    ent, off = api_as(firm_user), api_as(officer)
    url = f"/api/v1/hazards/{h.pk}/extension"
    # nothing to decide yet
    assert off.post(f"{url}/decision", {"decision": "approve"}).status_code == 409
    # not later than the present deadline
    r = ent.post(url, {"deadline": "2031-06-30", "reason": "设备到货延迟"})
    assert r.status_code == 422 and "deadline" in r.json()["errors"]
    r = ent.post(url, {"deadline": "2031-09-30"})
    assert r.status_code == 422 and "reason" in r.json()["errors"]
    r = ent.post(url, {"deadline": "2031-09-30", "reason": "设备到货延迟"})
    assert r.status_code == 200, r.content
    answer = r.json()
    assert answer["deadline"] == "2031-06-30"  # the old deadline stands until approved
    asked_on = rules.today()
    assert answer["extension"] == {
        "deadline": "2031-09-30",
        "reason": "设备到货延迟",
        "status": "pending",
        "requested_by": firm_user.pk,
        "comment": "",
        "requested_on": asked_on.isoformat(),
        "late": False,
        "decide_by": dates.add_working_days(asked_on, 10).isoformat(),
        "overdue": False,
    }
    assert ent.post(url, {"deadline": "2031-10-30", "reason": "再延"}).status_code == 409  # one at a time
    # the enterprise does not decide, nor does the requester
    assert ent.post(f"{url}/decision", {"decision": "approve"}).status_code == 403
    assert [x.pk for x in extensions_to_decide(officer)] == [h.pk]
    assert list(extensions_to_decide(firm_user)) == []
    r = off.post(f"{url}/decision", {"decision": "reject"})
    assert r.status_code == 422 and "comment" in r.json()["errors"]
    r = off.post(f"{url}/decision", {"decision": "approve", "comment": "同意延期"})
    assert r.status_code == 200, r.content
    assert r.json()["deadline"] == "2031-09-30" and r.json()["extension"]["status"] == "approved"
    kinds = [e["kind"] for e in r.json()["events"]]
    assert kinds[-2:] == ["extension_requested", "extension_approved"]
    assert list(extensions_to_decide(officer)) == []
    # an officer's own request is decided by another
    off.post(url, {"deadline": "2031-12-31", "reason": "冬季停工"})
    assert off.post(f"{url}/decision", {"decision": "approve"}).status_code == 403
    assert [x.pk for x in extensions_to_decide(tip_handler)] == [h.pk]
    r = api_as(tip_handler).post(f"{url}/decision", {"decision": "reject", "comment": "理由不充分"})
    assert r.status_code == 200 and r.json()["deadline"] == "2031-09-30"
    assert r.json()["extension"]["status"] == "rejected"


def test_outsiders_get_404_for_extensions(api_as, firm_user, outsider) -> None:
    h = with_plan(firm_user, new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01"), "2031-06-30")
    api = api_as(outsider)
    assert api.post(f"/api/v1/hazards/{h.pk}/extension", {"deadline": "x"}).status_code == 404
    assert api.post(f"/api/v1/hazards/{h.pk}/extension/decision", {}).status_code == 404


def test_a_regulator_ordered_deadline_cannot_be_extended_once_passed(api_as, officer, firm, firm_user, today) -> None:
    ordered = new_hazard(officer, firm, source="inspection", discovered_on="2025-03-01", deadline="2025-05-31")
    own = new_hazard(firm_user, firm, discovered_on="2025-03-01", deadline="2025-05-31", title="自查")
    ent = api_as(firm_user)
    body = {"deadline": "2025-07-31", "reason": "设备到货延迟"}
    r = ent.post(f"/api/v1/hazards/{ordered.pk}/extension", body)
    assert r.status_code == 409 and "deadline" in r.json()["errors"], r.content
    assert ent.post(f"/api/v1/hazards/{own.pk}/extension", body).status_code == 200  # its own: late, but allowed
    # asked 20 working days ahead (FACTS §1): 2025-06-03 (after 端午 05-31..06-02) to 2025-06-30 is 20
    on_time = new_hazard(officer, firm, source="inspection", discovered_on="2025-03-01", deadline="2025-06-30")
    assert ent.post(f"/api/v1/hazards/{on_time.pk}/extension", body).status_code == 200
    # no deadline yet: a plan sets one
    bare = new_hazard(officer, firm, source="inspection", discovered_on="2025-03-01", title="未定期限")
    r = ent.post(f"/api/v1/hazards/{bare.pk}/extension", body)
    assert r.status_code == 409 and "deadline" in r.json()["errors"]


@given(offset=st.integers(-40, 40), source=st.sampled_from(["self_check", "inspection", "tip", "other"]))
@hsettings(max_examples=25, deadline=None)
def test_the_passed_deadline_rule_at_its_boundary(offset, source) -> None:
    """Extendable unless a regulator ordered the deadline and today is after it, or less than 20 working
    days before it (FACTS §1); the enterprise's own deadline is extendable either way."""
    from zhiben.common.errors import Conflict
    from zhiben.hazards.inputs import HazardExtension
    from zhiben.hazards.services import hazard_extension_request

    region = "500241"
    firm = factories.enterprise(region=region, sector="hazardous_chemicals")
    actor = factories.user(f"boundary{next(SERIAL)}", role="officer", region=region)  # examples share the db
    today = rules.today()
    deadline = today + datetime.timedelta(days=offset)
    h = new_hazard(
        actor, firm, source=source, discovered_on=str(min(today, deadline)), deadline=str(deadline), title="边界"
    )
    ask = parse(HazardExtension, {"deadline": str(deadline + datetime.timedelta(days=30)), "reason": "理由"})
    refused = source in ("inspection", "tip") and today > dates.last_day_before(deadline, 20)
    if refused:
        with pytest.raises(Conflict) as err:
            hazard_extension_request(hazard_id=h.pk, actor=actor, extension=ask)
        assert err.value.field == "deadline"
    else:
        assert hazard_extension_request(hazard_id=h.pk, actor=actor, extension=ask).extension_status == "pending"


def test_until_approved_the_ladder_counts_from_the_old_deadline_and_the_record_stays(
    api_as, firm_user, officer, firm, settings
) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "PLAN_DAYS": 36500}
    h = new_hazard(firm_user, firm, discovered_on="2025-01-01", deadline="2025-05-01")
    ent, off = api_as(firm_user), api_as(officer)
    assert (
        ent.post(f"/api/v1/hazards/{h.pk}/extension", {"deadline": "2031-01-01", "reason": "停产"}).status_code == 200
    )
    sweep(today=datetime.date(2025, 5, 20))  # pending: the old deadline is 19 days past
    assert list(Escalation.objects.filter(hazard=h).values_list("step", "deadline")) == [
        ("letter", datetime.date(2025, 5, 1))
    ]
    r = off.post(f"/api/v1/hazards/{h.pk}/extension/decision", {"decision": "approve", "comment": "同意"})
    assert r.status_code == 200
    approved = next(e for e in r.json()["events"] if e["kind"] == "extension_approved")
    assert approved["payload"]["previous"] == "2025-05-01" and approved["payload"]["overdue_days"] > 0
    assert any(e["kind"] == "escalated" and e["payload"]["step"] == "letter" for e in r.json()["events"])
    sweep(today=datetime.date(2025, 5, 21))
    assert Escalation.objects.filter(hazard=h).count() == 1  # nothing new: the new deadline is far off
    assert r.json()["overdue"] is False


def test_the_page_offers_an_extension_and_its_decision(firm_user, officer) -> None:
    h = with_plan(firm_user, new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01"), "2031-06-30")
    ent, off = Client(), Client()
    ent.force_login(firm_user)
    off.force_login(officer)
    page = ent.get(f"/hazards/{h.pk}/").content.decode()
    assert "申请延期" in page and "审批延期申请" not in page
    r = ent.post(f"/hazards/{h.pk}/extend/", {"deadline": "2031-06-01", "reason": "x"})
    assert r.status_code == 422 and "晚于现有期限" in r.content.decode()
    r = ent.post(f"/hazards/{h.pk}/extend/", {"deadline": "2031-08-01", "reason": "设备到货延迟"})
    assert r.status_code == 302
    assert "审批延期申请" not in ent.get(f"/hazards/{h.pk}/").content.decode()  # not the requester's to decide
    page = off.get(f"/hazards/{h.pk}/").content.decode()
    assert "审批延期申请" in page and "延期待审批" in page
    assert off.post(f"/hazards/{h.pk}/decide_extension/", {"decision": "approve", "comment": ""}).status_code == 302
    assert Hazard.objects.get(pk=h.pk).deadline == datetime.date(2031, 8, 1)


# ----------------------------------------------------------------------------------------- review
def test_submitted_on_time_is_not_overdue_while_waiting_and_closes_on_time(
    api_as, firm_user, officer, monkeypatch
) -> None:
    day = {"v": datetime.date(2025, 5, 20)}
    monkeypatch.setattr(rules, "today", lambda: day["v"])
    firm = firm_user.enterprise
    h = with_plan(firm_user, new_hazard(firm_user, firm, discovered_on="2025-03-01"), "2025-05-31")
    submitted(firm_user, h)
    day["v"] = datetime.date(2025, 6, 30)  # a month past the deadline, still waiting for review
    api = api_as(officer)
    r = api.get(f"/api/v1/hazards/{h.pk}").json()
    assert r["submitted_on"] == "2025-05-20" and r["overdue"] is False
    assert r["review_due"] == "2025-05-30" and r["review_overdue"] is True
    assert api.get("/api/v1/hazards", {"overdue": "true"}).json()["count"] == 0
    assert [x["id"] for x in api.get("/api/v1/hazards", {"review_overdue": "true"}).json()["items"]] == [h.pk]
    assert hazard_stats(actor=officer)["totals"]["overdue"] == 0
    assert tally_drift() == []
    sweep(today=day["v"])
    assert not Escalation.objects.filter(hazard=h).exists()
    waiting = list(reviews_waiting(officer))
    assert [x.pk for x in waiting] == [h.pk] and waiting[0].review_due == datetime.date(2025, 5, 30)  # type: ignore[attr-defined]  # an annotation
    assert list(reviews_waiting(firm_user)) == []
    hazard_review(
        hazard_id=h.pk, actor=officer, review=parse(HazardReviewDecision, {"decision": "approve", "comment": "合格"})
    )
    closed = api.get(f"/api/v1/hazards/{h.pk}").json()
    assert closed["closed_on"] == "2025-06-30" and closed["closed_on_time"] is True
    assert closed["review_due"] is None and closed["review_overdue"] is False
    totals = hazard_stats(actor=officer)["totals"]
    assert totals["closed_on_time"] == 1 and totals["overdue"] == 0
    assert tally_drift() == []


def test_submitted_late_is_overdue_while_waiting_and_not_on_time(api_as, firm_user, officer, monkeypatch) -> None:
    day = {"v": datetime.date(2025, 6, 5)}
    monkeypatch.setattr(rules, "today", lambda: day["v"])
    h = with_plan(firm_user, new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01"), "2025-05-31")
    submitted(firm_user, h)
    api = api_as(officer)
    assert api.get(f"/api/v1/hazards/{h.pk}").json()["overdue"] is True
    assert hazard_stats(actor=officer)["totals"]["overdue"] == 1
    assert tally_drift() == []
    hazard_review(
        hazard_id=h.pk, actor=officer, review=parse(HazardReviewDecision, {"decision": "approve", "comment": "合格"})
    )
    assert api.get(f"/api/v1/hazards/{h.pk}").json()["closed_on_time"] is False
    assert hazard_stats(actor=officer)["totals"]["closed_on_time"] == 0


def test_a_rejected_submission_counts_from_the_deadline_again(api_as, firm_user, officer, monkeypatch) -> None:
    day = {"v": datetime.date(2025, 5, 30)}
    monkeypatch.setattr(rules, "today", lambda: day["v"])
    h = with_plan(firm_user, new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01"), "2025-05-31")
    submitted(firm_user, h)
    day["v"] = datetime.date(2025, 6, 3)
    hazard_review(
        hazard_id=h.pk, actor=officer, review=parse(HazardReviewDecision, {"decision": "reject", "comment": "不合格"})
    )
    answer = api_as(officer).get(f"/api/v1/hazards/{h.pk}").json()
    assert answer["status"] == "rectifying" and answer["overdue"] is True and answer["submitted_on"] is None
    assert tally_drift() == []


def test_the_review_clock_is_a_setting_and_ten_days_for_listed_hazards(api_as, firm_user, officer, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "REVIEW_DAYS": 20}
    h = with_plan(firm_user, new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01"), "2031-05-31")
    submitted(firm_user, h)
    api = api_as(officer)
    today = rules.today()
    assert api.get(f"/api/v1/hazards/{h.pk}").json()["review_due"] == str(today + datetime.timedelta(days=20))
    api.post(f"/api/v1/hazards/{h.pk}/supervise", {"level": "county"})
    assert api.get(f"/api/v1/hazards/{h.pk}").json()["review_due"] == str(today + datetime.timedelta(days=10))


def test_late_reviews_have_a_dashboard_figure_and_a_home_tile(api_as, firm_user, officer, monkeypatch) -> None:
    day = {"v": datetime.date(2025, 5, 1)}
    monkeypatch.setattr(rules, "today", lambda: day["v"])
    h = with_plan(firm_user, new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01"), "2025-05-31")
    submitted(firm_user, h)
    day["v"] = datetime.date(2025, 5, 12)  # ten days to review: due 2025-05-11
    headline = api_as(officer).get("/api/v1/stats/dashboard").json()["headline"]
    assert headline["review_overdue"] == 1
    c = Client()
    c.force_login(officer)
    assert "review_overdue=1" in c.get("/").content.decode()


# ----------------------------------------------------------------------------------------- listing
@pytest.mark.parametrize(
    ("region", "role", "allowed"),
    [
        ("500241", "officer", {"county"}),
        ("5002", "officer", {"county", "city"}),
        ("50", "officer", {"county", "city", "province"}),
        ("500241", "tip_handler", {"county"}),
        (None, "admin", {"county", "city", "province"}),
        ("500241100", "officer", set()),  # a township is below the lowest listing level
    ],
)
def test_listing_is_at_most_at_the_level_of_ones_own_region(api_as, firm, township, region, role, allowed) -> None:
    user = factories.user(f"lister-{role}-{region}", role=role, region=region)
    # a township officer's own enterprise (one registered above the township is not in their scope)
    where = factories.enterprise(region=township, sector="hazardous_chemicals") if region == township else firm
    for level in ("county", "city", "province"):
        h = new_hazard(user, where, title=level)
        r = api_as(user).post(f"/api/v1/hazards/{h.pk}/supervise", {"level": level, "notice_no": "督〔2025〕1号"})
        if level in allowed:
            assert r.status_code == 200, (level, r.content)
        else:
            assert r.status_code == 403, (level, r.status_code)
            assert not Hazard.objects.get(pk=h.pk).supervision_level


def test_a_township_officer_in_scope_sees_no_listing_form(firm, township) -> None:
    town_firm = factories.enterprise(region=township, sector="machinery")
    town = factories.user("town-lister", role="officer", region=township)
    h = new_hazard(town, town_firm, level="general", criterion="", title="乡镇隐患")
    c = Client()
    c.force_login(town)
    page = c.get(f"/hazards/{h.pk}/").content.decode()
    assert 'id="action-supervise"' not in page


def test_the_listing_form_has_no_default_and_only_allowed_levels(officer, firm) -> None:
    h = new_hazard(officer, firm)
    c = Client()
    c.force_login(officer)
    page = c.get(f"/hazards/{h.pk}/").content.decode()
    form = page[page.index('id="action-supervise"') :]
    form = form[: form.index("</form>")]
    assert 'value="county"' in form and 'value="province"' not in form and 'value="city"' not in form
    options = form.split('name="level"')[1].split("</select>")[0]
    assert not any(o.startswith('value="') and "selected" in o.split(">")[0] for o in options.split("<option")[1:])


def test_delisting_ends_a_listing_and_the_supervision_deadline_governs(api_as, officer, firm, today) -> None:
    h = new_hazard(officer, firm, source="inspection", discovered_on="2025-03-01", deadline="2025-08-31")
    api = api_as(officer)
    assert api.get(f"/api/v1/hazards/{h.pk}").json()["overdue"] is False
    r = api.post(
        f"/api/v1/hazards/{h.pk}/supervise", {"level": "county", "deadline": "2025-05-31", "listed_on": "2025-04-01"}
    )
    assert r.status_code == 200
    answer = r.json()
    assert answer["due"] == "2025-05-31" and answer["overdue"] is True  # the earlier of the two governs
    assert [x["id"] for x in api.get("/api/v1/hazards", {"overdue": "true"}).json()["items"]] == [h.pk]
    assert hazard_stats(actor=officer)["totals"]["overdue"] == 1 and tally_drift() == []
    r = api.post(f"/api/v1/hazards/{h.pk}/delist", {"on": "2025-03-31", "reason": "已整改"})
    assert r.status_code == 422 and "on" in r.json()["errors"]  # before the listing
    r = api.post(f"/api/v1/hazards/{h.pk}/delist", {"on": "2025-06-01"})
    assert r.status_code == 422 and "reason" in r.json()["errors"]
    r = api.post(f"/api/v1/hazards/{h.pk}/delist", {"on": "2025-06-01", "reason": "督办事项已办结"})
    assert r.status_code == 200, r.content
    assert r.json()["listed"] is False and r.json()["supervision"]["delisted_on"] == "2025-06-01"
    assert api.post(f"/api/v1/hazards/{h.pk}/delist", {"on": "2025-06-01", "reason": "x"}).status_code == 409
    assert hazard_stats(actor=officer)["totals"]["listed"] == 0 and tally_drift() == []
    assert api.get("/api/v1/hazards", {"listed": "true"}).json()["count"] == 0


def test_delisting_takes_authority_at_the_listings_level(api_as, officer, firm, firm_user) -> None:
    h = new_hazard(officer, firm)
    province = factories.user("prov", role="officer", region="50")
    api_as(province).post(f"/api/v1/hazards/{h.pk}/supervise", {"level": "province"})
    assert (
        api_as(officer).post(f"/api/v1/hazards/{h.pk}/delist", {"on": "2025-06-01", "reason": "x"}).status_code == 403
    )
    assert (
        api_as(firm_user).post(f"/api/v1/hazards/{h.pk}/delist", {"on": "2025-06-01", "reason": "x"}).status_code == 403
    )


def test_the_public_list_shows_current_listings_only(api_as, officer, firm, other_firm, admin_user) -> None:
    listed = new_hazard(officer, firm, title="储罐区静电接地失效", description="内部描述不公开", location="罐区")
    ended = new_hazard(officer, firm, title="已摘牌的隐患")
    api = api_as(officer)
    api.post(f"/api/v1/hazards/{listed.pk}/supervise", {"level": "county", "notice_no": "秀安委督〔2025〕3号"})
    api.post(f"/api/v1/hazards/{ended.pk}/supervise", {"level": "county"})
    api.post(f"/api/v1/hazards/{ended.pk}/delist", {"on": str(rules.today()), "reason": "已办结"})
    elsewhere = new_hazard(admin_user, other_firm, criterion="", level="general", title="北京的隐患")
    api_as(admin_user).post(f"/api/v1/hazards/{elsewhere.pk}/supervise", {"level": "city"})
    anonymous = Client()
    page = anonymous.get("/hazards/listings/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "储罐区静电接地失效" in text and firm.name in text and "秀安委督〔2025〕3号" in text
    assert "已摘牌的隐患" not in text and "北京的隐患" in text
    assert "内部描述不公开" not in text and firm.credit_code not in text
    text = anonymous.get("/hazards/listings/", {"region": "500241"}).content.decode()
    assert "储罐区静电接地失效" in text and "北京的隐患" not in text
    assert anonymous.get("/hazards/listings/", {"region": "50024"}).status_code in (200, 422)
    assert anonymous.get("/hazards/listings/", {"region": "abc"}).status_code == 422


# ----------------------------------------------------------------------------------------- cancel
def test_two_officers_cancel_a_major_hazard(api_as, officer, tip_handler, firm, admin_user) -> None:
    h = new_hazard(officer, firm)
    first = api_as(officer).post(f"/api/v1/hazards/{h.pk}/cancel", {"reason": "误报"})
    assert first.status_code == 202, first.content
    assert first.json()["status"] == "open" and first.json()["cancel_proposed_by"] == officer.pk
    assert Event.objects.filter(subject_id=str(h.pk), kind="cancel_proposed").count() == 1
    assert api_as(officer).post(f"/api/v1/hazards/{h.pk}/cancel", {"reason": "误报"}).status_code == 409
    assert list(cancellations_to_confirm(officer)) == []
    assert [x.pk for x in cancellations_to_confirm(tip_handler)] == [h.pk]
    assert hazard_stats(actor=officer)["totals"]["total"] == 1
    second = api_as(tip_handler).post(f"/api/v1/hazards/{h.pk}/cancel", {"reason": "核实不构成重大隐患"})
    assert second.status_code == 200 and second.json()["status"] == "cancelled"
    assert hazard_stats(actor=officer)["totals"]["total"] == 0 and tally_drift() == []
    general = new_hazard(officer, firm, level="general", criterion="", title="一般")
    r = api_as(admin_user).post(f"/api/v1/hazards/{general.pk}/cancel", {"reason": "误报"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


def test_the_page_proposes_and_another_officer_confirms(officer, tip_handler, firm) -> None:
    h = new_hazard(officer, firm)
    a, b = Client(), Client()
    a.force_login(officer)
    b.force_login(tip_handler)
    assert "提议撤销（须另一名监管人员确认）" in a.get(f"/hazards/{h.pk}/").content.decode()
    assert a.post(f"/hazards/{h.pk}/cancel/", {"reason": "误报"}).status_code == 302
    assert Hazard.objects.get(pk=h.pk).status == "open"
    assert 'id="action-cancel"' not in a.get(f"/hazards/{h.pk}/").content.decode()
    page = b.get(f"/hazards/{h.pk}/").content.decode()
    assert "确认撤销" in page and "撤销待确认" in page
    assert b.post(f"/hazards/{h.pk}/cancel/", {"reason": "同意撤销"}).status_code == 302
    assert Hazard.objects.get(pk=h.pk).status == "cancelled"


# ----------------------------------------------------------------------------------------- business dates
def _stock(actor, firm, title: str, **over) -> Hazard:
    return new_hazard(actor, firm, discovered_on="2023-05-01", title=title, **over)


def test_a_2023_hazard_typed_in_today_and_still_open_means_not_cleared(api_as, officer, firm, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "STOCK_DEADLINE": "2024-12-31"}
    api = api_as(officer)
    assert api.get("/api/v1/stats/zeroing").json()["stock"]["cleared_by_deadline"] is True  # nothing at all
    _stock(officer, firm, "2023 年的重大隐患，今天才录入")
    stock = api.get("/api/v1/stats/zeroing").json()["stock"]
    assert stock["cleared_by_deadline"] is False and stock["remaining_at_deadline"] == 1
    # what the system knew at the deadline is a separate question: it knew nothing then
    assert stock["recorded_open_at_deadline"] in (0, None)


def test_the_stock_is_cleared_only_by_close_outs_on_or_before_the_deadline(api_as, officer, firm, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "STOCK_DEADLINE": "2024-12-31"}
    early = _stock(officer, firm, "按期销号")
    late = _stock(officer, firm, "逾期销号")
    # closed as an old ledger's rows would be (their close-out days), then counted from the rows
    Hazard.objects.filter(pk=early.pk).update(status=Status.CLOSED, closed_on=datetime.date(2024, 12, 31))
    Hazard.objects.filter(pk=late.pk).update(status=Status.CLOSED, closed_on=datetime.date(2025, 1, 1))
    rebuild_tallies()
    api = api_as(officer)
    stock = api.get("/api/v1/stats/zeroing").json()["stock"]
    assert stock["cleared_by_deadline"] is False and stock["remaining_at_deadline"] == 1
    assert stock_remaining_at_deadline(actor=officer) == 1  # the rows say the same
    Hazard.objects.filter(pk=late.pk).update(closed_on=datetime.date(2024, 12, 30))
    rebuild_tallies()
    assert api.get("/api/v1/stats/zeroing").json()["stock"]["cleared_by_deadline"] is True
    assert stock_remaining_at_deadline(actor=officer) == 0
    headline = api.get("/api/v1/stats/dashboard").json()["headline"]
    assert headline["stock_cleared_by_deadline"] is True


def test_before_the_stock_deadline_nothing_is_judged(api_as, officer, firm, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "STOCK_DEADLINE": str(rules.today())}
    _stock(officer, firm, "未销号")
    assert api_as(officer).get("/api/v1/stats/zeroing").json()["stock"]["cleared_by_deadline"] is None


def _ledger(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(api, data: bytes) -> dict[str, Any]:
    r = api.client.post("/api/v1/imports/hazards", {"file": SimpleUploadedFile("台账.xlsx", data)}, headers=api.headers)
    assert r.status_code == 202, r.content
    job = r.json()
    if job["status"] == "validated":
        job = api.post(f"/api/v1/imports/{job['id']}/confirm").json()
    return job


HEADER = [
    "统一社会信用代码",
    "隐患名称",
    "隐患级别",
    "隐患来源",
    "发现日期",
    "整改期限",
    "判定依据",
    "整改状态",
    "整改完成时间",
]


def test_an_old_ledger_imports_closed_items_as_closed_and_historical(api_as, officer, firm, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "STOCK_DEADLINE": "2024-12-31"}
    rows = [
        HEADER,
        [
            firm.credit_code,
            "储罐区静电接地失效",
            "重大",
            "检查",
            "2023-03-01",
            "2023-06-30",
            "SAWS121C-1",
            "已整改",
            "2023-06-20",
        ],
        [firm.credit_code, "消防通道堵塞", "一般", "自查", "2023-04-01", "2023-04-10", "", "已销号", "2023/4/15"],
        [firm.credit_code, "配电箱无门", "一般", "自查", "2024-03-01", "2024-04-01", "", "未整改", ""],
    ]
    api = api_as(officer)
    job = _import(api, _ledger(rows))
    assert job["status"] == "done", job["report"]
    by_title = {h.title: h for h in Hazard.objects.all()}
    major = by_title["储罐区静电接地失效"]
    assert major.status == "closed" and major.closed_on == datetime.date(2023, 6, 20) and major.historical
    answer = api.get(f"/api/v1/hazards/{major.pk}").json()
    assert answer["historical"] is True and answer["overdue"] is False and answer["closed_on_time"] is True
    late = by_title["消防通道堵塞"]
    assert late.status == "closed" and late.closed_on == datetime.date(2023, 4, 15)
    assert api.get(f"/api/v1/hazards/{late.pk}").json()["closed_on_time"] is False
    still = by_title["配电箱无门"]
    assert still.status == "open" and not still.historical
    assert tally_drift() == []
    assert api.get("/api/v1/stats/zeroing").json()["stock"]["cleared_by_deadline"] is True
    created = Event.objects.get(subject_id=str(major.pk), kind="created")
    assert created.payload["historical"] is True and created.payload["closed_on"] == "2023-06-20"


# the columns of HEADER, by letter: H 整改状态, I 整改完成时间 (the close-out date)
@pytest.mark.parametrize(
    ("status", "closed_on", "column"),
    [
        ("已整改", "", "I"),  # closed without its close-out date: refused naming the column
        ("未整改", "2023-06-20", "I"),
        ("不知道", "", "H"),
        ("已销号", "2023-02-01", "I"),  # before the discovery
        ("已完成", "2099-01-01", "I"),  # in the future
    ],
)
def test_a_closed_row_needs_a_sound_close_out_date(api_as, officer, firm, status, closed_on, column) -> None:
    rows = [HEADER, [firm.credit_code, "隐患", "一般", "自查", "2023-03-01", "", "", status, closed_on]]
    job = _import(api_as(officer), _ledger(rows))
    assert job["status"] != "done"
    errors = [(e["column"], e["message"]) for e in job["report"]["errors"]]
    assert errors and errors[0][0] == column, errors
    assert not Hazard.objects.exists()


# ----------------------------------------------------------------------------------------- without a plan
def test_a_major_hazard_without_a_plan_is_flagged_and_escalates(api_as, officer, firm, firm_user, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "PLAN_DAYS": 7}
    day = datetime.date(2025, 6, 1)
    late = new_hazard(officer, firm, discovered_on="2025-05-20", title="无方案")  # plan due 2025-05-27
    fresh = new_hazard(officer, firm, discovered_on="2025-05-27", title="新发现")  # due 2025-06-03: reminded
    general = new_hazard(officer, firm, discovered_on="2025-05-01", level="general", criterion="", title="一般")
    planned = with_plan(officer, new_hazard(officer, firm, discovered_on="2025-05-01", title="有方案"), "2025-09-30")
    result = sweep(today=day)
    assert result.counts("hazard_plan") == {"due_soon": 1, "reminder": 1, "letter": 0, "circular": 0, "interview": 0}
    assert list(PlanEscalation.objects.values_list("hazard_id", "step", "deadline")) in (
        [(late.pk, "reminder", datetime.date(2025, 5, 27)), (fresh.pk, "due_soon", datetime.date(2025, 6, 3))],
        [(fresh.pk, "due_soon", datetime.date(2025, 6, 3)), (late.pk, "reminder", datetime.date(2025, 5, 27))],
    )
    assert sum(sweep(today=day).counts("hazard_plan").values()) == 0  # idempotent
    assert not PlanEscalation.objects.filter(hazard__in=[general, planned]).exists()
    flagged = {h.pk for h in Hazard.objects.filter(rules.q_without_plan(on=day))}
    assert flagged == {late.pk}
    api = api_as(officer)
    events = api.get(f"/api/v1/hazards/{late.pk}").json()["events"]
    assert any(e["kind"] == "escalated" and e["payload"].get("source") == "plan" for e in events)
    # a plan filed takes it off the ladder
    with_plan(officer, Hazard.objects.get(pk=late.pk), "2025-09-30")
    sweep(today=day + datetime.timedelta(days=20))
    assert PlanEscalation.objects.filter(hazard=late).count() == 1
    firm_notes = firm_user.notifications.filter(title__contains="未制定整改方案")
    assert firm_notes.exists()


def test_the_without_plan_filter_and_selector(api_as, officer, firm, monkeypatch) -> None:
    monkeypatch.setattr(rules, "today", lambda: datetime.date(2025, 6, 1))
    late = new_hazard(officer, firm, discovered_on="2025-05-20", title="无方案")
    new_hazard(officer, firm, discovered_on="2025-05-30", title="新发现")
    api = api_as(officer)
    items = api.get("/api/v1/hazards", {"without_plan": "true"}).json()["items"]
    assert [x["id"] for x in items] == [late.pk] and items[0]["without_plan"] is True
    rows = list(hazards_without_plan(officer))
    assert [x.pk for x in rows] == [late.pk] and rows[0].plan_due == datetime.date(2025, 5, 27)  # type: ignore[attr-defined]  # an annotation
    c = Client()
    c.force_login(officer)
    assert c.get("/hazards/", {"without_plan": "1"}).status_code == 200


# ----------------------------------------------------------------------------------------- the rules, in SQL too
statuses = st.sampled_from(["open", "rectifying", "pending_review", "closed"])
days = st.integers(-60, 60)
maybe = st.one_of(st.none(), days)


@given(status=statuses, deadline=maybe, listing=maybe, submitted=maybe, closed=maybe, listed=st.booleans())
@hsettings(max_examples=60, deadline=None)
def test_the_sql_rules_agree_with_the_python_rules(status, deadline, listing, submitted, closed, listed) -> None:
    """overdue, closed on time, review overdue and without a plan: the filters (SQL) and the answers
    (Python) never disagree, whatever the dates around the deadline and the listing."""
    base = datetime.date(2025, 6, 1)
    at = lambda d: None if d is None else base + datetime.timedelta(days=d)  # noqa: E731
    firm = factories.enterprise(sector="hazardous_chemicals")
    h = Hazard.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        level="major",
        source="inspection",
        criterion_id="SAWS121C-1",
        title="t",
        status=status,
        discovered_on=base - datetime.timedelta(days=61),
        deadline=at(deadline),
        supervision_level="county" if listed else "",
        supervision_deadline=at(listing) if listed else None,
        submitted_on=at(submitted) if status in ("pending_review", "closed") else None,
        closed_on=at(closed) if status == "closed" else None,
    )
    for on in (base, base + datetime.timedelta(days=15)):
        one = Hazard.objects.filter(pk=h.pk)
        assert one.filter(rules.q_overdue(on=on)).exists() is rules.is_overdue(h, on=on)
        assert one.filter(rules.q_review_overdue(on=on)).exists() is rules.review_overdue(h, on=on)
        assert one.filter(rules.q_without_plan(on=on)).exists() is rules.without_plan(h, on=on)
    assert Hazard.objects.filter(rules.q_closed_on_time(), pk=h.pk).exists() is rules.closed_on_time(h)
    due = Hazard.objects.annotate(d=rules.due_expression()).values_list("d", flat=True).get(pk=h.pk)
    assert due == rules.due(h)
    h.delete()
    firm.delete()


@given(offset=st.integers(0, 3650))
@hsettings(max_examples=20, deadline=None)
def test_adding_days_in_sql_is_a_date(offset) -> None:
    firm = factories.enterprise()
    h = Hazard.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        level="general",
        source="inspection",
        title="t",
        discovered_on=datetime.date(2024, 2, 28),
    )
    got = Hazard.objects.annotate(d=rules.AddDays("discovered_on", offset)).values_list("d", flat=True).get(pk=h.pk)
    assert got == datetime.date(2024, 2, 28) + datetime.timedelta(days=offset)
    h.delete()
    firm.delete()


def test_error_messages_speak_chinese_terms(api_as, firm_user, other_firm) -> None:
    """Program words (``source=self_check``) never reach a user."""
    body = {
        "enterprise": firm_user.enterprise.credit_code,
        "title": "t",
        "level": "general",
        "source": "inspection",
        "discovered_on": "2025-01-01",
    }
    r = api_as(firm_user).post("/api/v1/hazards", body)
    assert r.status_code == 422
    text = str(r.json())
    assert "企业自查" in text and "self_check" not in text and "source=" not in text


def test_a_listing_deadline_bounds_extensions(api_as, firm_user, officer, today) -> None:
    """The 督办期限 is the listing authority's order: an extension may not pass it, and once it has passed
    none is taken (the hazard's own deadline being the enterprise's changes nothing)."""
    h = with_plan(firm_user, new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01"), "2031-06-30")
    listed_until = today + datetime.timedelta(days=30)
    r = api_as(officer).post(
        f"/api/v1/hazards/{h.pk}/supervise", {"level": "county", "deadline": listed_until.isoformat()}
    )
    assert r.status_code == 200, r.content
    url = f"/api/v1/hazards/{h.pk}/extension"
    ent = api_as(firm_user)
    r = ent.post(url, {"deadline": "2031-09-30", "reason": "设备到货延迟"})
    assert r.status_code == 422 and "督办期限" in r.json()["errors"]["deadline"], r.content
    Hazard.objects.filter(pk=h.pk).update(supervision_deadline=today - datetime.timedelta(days=1))
    r = ent.post(url, {"deadline": "2031-09-30", "reason": "设备到货延迟"})
    assert r.status_code == 409 and "deadline" in r.json()["errors"], r.content
    assert Hazard.objects.get(pk=h.pk).extension_status == ""
