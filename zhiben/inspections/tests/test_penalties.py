"""The penalties register (行政处罚): recorded from an inspection (two certified officers, 行政处罚法 第四十二条) or on
its own, every rule of its input refused naming the field, the enforcement tallies and the event in the same
transaction, payment and enforcement, scope (the unit's own, the enterprise's own), and a tip's fine and reward
following the penalties linked to it (举报奖励: 15% of the fine within [3,000, 300,000] yuan)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhiben.audit.models import Event
from zhiben.common import dates
from zhiben.inspections.models import EnforcementTally, Penalty
from zhiben.inspections.tests import factories_pen as f
from zhiben.tests_support import factories
from zhiben.tips.inputs import TipReport
from zhiben.tips.models import Tip
from zhiben.tips.services import tip_submit

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
def visit(firm: Any, bureau_officer: Any, emergency: Any) -> Any:
    return f.inspection(firm, bureau_officer, department=emergency, on="2026-03-02")


def fine(**extra: Any) -> dict[str, Any]:
    return {"amount": "30000", "basis": "安全生产法 第一百零二条", "decided_on": "2026-03-10", **extra}


# --- from an inspection -------------------------------------------------------------------------------------


def test_a_penalty_from_an_inspection_is_recorded_with_its_tally_and_event(visit, bureau_officer, firm) -> None:
    r = post(client_for(bureau_officer), f"/api/v1/inspections/{visit.pk}/penalties", fine(facts="未消除隐患"))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["enterprise"] == firm.credit_code and body["inspection"] == visit.pk
    assert body["department"] == visit.department_id and body["kind"] == "fine"
    assert Decimal(body["amount"]) == Decimal("30000.00") and body["payment"] == "unpaid"
    assert [e["kind"] for e in body["events"]] == ["recorded"]
    assert body["events"][0]["label"] == "登记行政处罚"
    tally = EnforcementTally.objects.get(region_code=firm.region_id, department_id=visit.department_id, month="2026-03")
    assert (tally.penalties, tally.penalty_amount) == (1, Decimal("30000.00"))


def test_a_team_without_two_certified_officers_cannot_penalise(firm, bureau_officer, emergency) -> None:
    """行政处罚法 第四十二条: an expert and an officer without a certificate do not count."""
    visit = f.inspection(
        firm, bureau_officer, department=emergency, team=(("张三", "渝应急执500401"), ("李四", "")), experts=("王专家",)
    )
    r = post(client_for(bureau_officer), f"/api/v1/inspections/{visit.pk}/penalties", fine())
    assert r.status_code == 409
    assert "持证执法人员不足2人（现有1人）" in r.json()["detail"]
    assert not Penalty.objects.exists() and not EnforcementTally.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"amount": "-1"}, "amount", "0"),
        ({"amount": "100.555"}, "amount", "两位小数"),
        ({"amount": "0"}, "amount", "应大于0"),
        ({"amount": "abc"}, "amount", "应为数字"),
        ({"basis": "  "}, "basis", "请填写处罚依据"),
        ({"basis": None}, "basis", "请填写处罚依据"),
        ({"decided_on": None}, "decided_on", "请填写处罚决定日期"),
        ({"decided_on": "2026-02-28"}, "decided_on", "不能早于检查日期"),
        ({"decided_on": "2999-01-01"}, "decided_on", "不能晚于今天"),
        ({"kind": "jail"}, "kind", "处罚种类取值不正确"),
        ({"person_amount": "5000"}, "person", "请填写被处罚人"),
        ({"daily": True}, "daily_from", "请填写按日连续处罚起始日"),
        ({"daily": True, "daily_from": "2026-03-03"}, "daily_amount", "请填写按日罚款"),
        ({"daily": True, "daily_from": "2026-03-02", "daily_amount": "1000"}, "daily_from", "应晚于检查日期"),
        ({"daily": True, "daily_from": "2026-03-11", "daily_amount": "1000"}, "daily_from", "不能晚于决定日期"),
        ({"daily_amount": "1000"}, "daily_amount", "未选择按日连续处罚时不填"),
        ({"hazard": 999999}, "hazard", "须为该检查发现的隐患"),
        ({"tip": 999999}, "tip", "举报不存在"),
        ({"enterprise": "91110108551385082Q"}, "enterprise", "与检查的被检查单位不一致"),
        ({"colour": "red"}, "colour", "不支持的字段"),
    ],
)
def test_bad_input_is_refused_naming_the_field(visit, bureau_officer, change, field, words) -> None:
    r = post(client_for(bureau_officer), f"/api/v1/inspections/{visit.pk}/penalties", fine(**change))
    assert r.status_code == 422, r.content
    assert words in r.json()["errors"][field], r.json()
    assert not Penalty.objects.exists() and not Event.objects.filter(subject_type="penalty").exists()


def test_a_penalty_for_a_major_finding_is_a_major_hazard_penalty(visit, bureau_officer, firm) -> None:
    hazard = factories.hazard(bureau_officer, firm, discovered_on="2026-03-02", level="major", title="液位报警失效")
    f.finding(visit, hazard)
    r = post(client_for(bureau_officer), f"/api/v1/inspections/{visit.pk}/penalties", fine(hazard=hazard.pk))
    assert r.status_code == 201, r.content
    assert r.json()["major_hazard"] is True and r.json()["hazard"] == hazard.pk


def test_a_fine_on_the_principal_alone_is_a_fine(visit, bureau_officer) -> None:
    """第一百一十条 fines the principal (a share of last year's income), not the unit."""
    body = fine(
        amount="0", basis="安全生产法 第一百一十条", person="陈某", person_post="总经理", person_amount="120000"
    )
    r = post(client_for(bureau_officer), f"/api/v1/inspections/{visit.pk}/penalties", body)
    assert r.status_code == 201, r.content
    assert Decimal(r.json()["person_amount"]) == 120000


def test_a_daily_penalty_counts_its_days(visit, bureau_officer) -> None:
    """第一百一十二条: from the day after the order to correct, at the original amount a day."""
    body = fine(amount="50000", daily=True, daily_from="2026-03-03", daily_amount="50000", decided_on="2026-03-12")
    r = post(client_for(bureau_officer), f"/api/v1/inspections/{visit.pk}/penalties", body)
    assert r.status_code == 201, r.content
    assert r.json()["daily"] is True and r.json()["daily_days"] == 10


def test_the_inspection_of_another_county_answers_404(visit, outsider) -> None:
    r = post(client_for(outsider), f"/api/v1/inspections/{visit.pk}/penalties", fine())
    assert r.status_code == 404
    assert not Penalty.objects.exists()


def test_an_officer_of_another_unit_may_not_penalise_for_this_one(visit, firm) -> None:
    """A housing bureau officer does not see the emergency bureau's inspection of a chemicals firm: 404."""
    housing = f.member("housing1", f.unit("housing", "秀山县住房和城乡建设局"))
    r = post(client_for(housing), f"/api/v1/inspections/{visit.pk}/penalties", fine())
    assert r.status_code == 404


def test_the_enterprise_may_see_its_inspection_but_not_penalise(visit, firm_user) -> None:
    r = post(client_for(firm_user), f"/api/v1/inspections/{visit.pk}/penalties", fine())
    assert r.status_code == 403


# --- on its own -------------------------------------------------------------------------------------------------


def test_a_penalty_without_an_inspection_names_its_enterprise(bureau_officer, firm, emergency) -> None:
    c = client_for(bureau_officer)
    r = post(c, "/api/v1/penalties", fine())
    assert r.status_code == 422 and "请填写被处罚单位" in r.json()["errors"]["enterprise"]
    r = post(c, "/api/v1/penalties", fine(enterprise=firm.credit_code, external_ref="秀应急罚〔2026〕1号"))
    assert r.status_code == 201, r.content
    assert r.json()["department"] == emergency.pk and r.json()["inspection"] is None
    again = post(c, "/api/v1/penalties", fine(enterprise=firm.credit_code, external_ref="秀应急罚〔2026〕1号"))
    assert again.status_code == 409
    assert "秀应急罚〔2026〕1号" in again.json()["errors"]["external_ref"]


def test_an_enterprise_out_of_scope_is_refused(bureau_officer, other_firm) -> None:
    r = post(client_for(bureau_officer), "/api/v1/penalties", fine(enterprise=other_firm.credit_code))
    assert r.status_code == 422 and "管辖范围" in r.json()["errors"]["enterprise"]


def test_an_enterprise_user_cannot_record_penalties(firm_user, firm) -> None:
    r = post(client_for(firm_user), "/api/v1/penalties", fine(enterprise=firm.credit_code))
    assert r.status_code == 403


def test_the_enterprise_user_sees_its_own_penalties_only(
    bureau_officer, firm, other_firm, firm_user, admin_user
) -> None:
    c = client_for(bureau_officer)
    assert post(c, "/api/v1/penalties", fine(enterprise=firm.credit_code)).status_code == 201
    other = post(client_for(admin_user), "/api/v1/penalties", fine(enterprise=other_firm.credit_code))
    assert other.status_code == 201, other.content
    mine = client_for(firm_user).get("/api/v1/penalties").json()
    assert mine["count"] == 1 and mine["items"][0]["enterprise"] == firm.credit_code
    assert client_for(firm_user).get(f"/api/v1/penalties/{other.json()['id']}").status_code == 404


def test_the_list_filters_by_period_and_payment(bureau_officer, firm) -> None:
    c = client_for(bureau_officer)
    for day in ("2026-01-05", "2026-02-05", "2026-03-05"):
        assert post(c, "/api/v1/penalties", fine(enterprise=firm.credit_code, decided_on=day)).status_code == 201
    r = c.get("/api/v1/penalties", {"from": "2026-02-01", "to": "2026-03-01"})
    assert r.status_code == 200 and r.json()["count"] == 1
    assert c.get("/api/v1/penalties", {"payment": "paid"}).json()["count"] == 0
    assert c.get("/api/v1/penalties", {"payment": "未缴纳"}).json()["count"] == 3
    for params, field in (
        ({"from": "x"}, "from"),
        ({"payment": "maybe"}, "payment"),
        ({"department": "a"}, "department"),
    ):
        bad = c.get("/api/v1/penalties", params)
        assert bad.status_code == 422 and field in bad.json()["errors"], (params, bad.content)
    assert c.get("/api/v1/penalties", {"from": "2026-03-01", "to": "2026-02-01"}).status_code == 422


def test_the_bases_offered_are_the_common_articles(officer) -> None:
    r = client_for(officer).get("/api/v1/penalties/bases")
    assert [b["article"] for b in r.json()] == [
        "第九十七条",
        "第九十九条",
        "第一百零一条",
        "第一百零二条",
        "第一百一十条",
        "第一百一十二条",
        "第一百一十三条",
    ]
    assert "按日连续处罚" in r.json()[5]["gist"]


def test_the_list_takes_a_fixed_number_of_queries(bureau_officer, firm) -> None:
    c = client_for(bureau_officer)
    assert post(c, "/api/v1/penalties", fine(enterprise=firm.credit_code)).status_code == 201
    c.get("/api/v1/penalties")
    with CaptureQueriesContext(connection) as one:
        c.get("/api/v1/penalties")
    for n in range(10):
        assert post(c, "/api/v1/penalties", fine(enterprise=firm.credit_code, facts=str(n))).status_code == 201
    with CaptureQueriesContext(connection) as eleven:
        assert c.get("/api/v1/penalties").json()["count"] == 11
    assert len(eleven) == len(one)


# --- payment ----------------------------------------------------------------------------------------------------


@pytest.fixture
def decided(bureau_officer, firm) -> int:
    r = post(client_for(bureau_officer), "/api/v1/penalties", fine(enterprise=firm.credit_code))
    assert r.status_code == 201
    return int(r.json()["id"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"paid_amount": "40000", "paid_on": "2026-03-20"}, "paid_amount"),
        ({"paid_amount": "1000"}, "paid_on"),
        ({"paid_amount": "1000", "paid_on": "2026-03-01"}, "paid_on"),
        ({"payment": "paid", "paid_amount": "1000", "paid_on": "2026-03-20"}, "paid_amount"),
        ({"payment": "exempt"}, "payment"),
        ({"payment": "enforced"}, "enforcement_note"),
        ({"payment": "unpaid", "paid_amount": "10", "paid_on": "2026-03-20"}, "payment"),
        ({"paid_on": "2999-01-01"}, "paid_on"),
    ],
)
def test_payment_rules(decided, bureau_officer, body, field) -> None:
    r = post(client_for(bureau_officer), f"/api/v1/penalties/{decided}/payment", body)
    assert r.status_code == 422 and field in r.json()["errors"], r.content


def test_payment_is_recorded_and_its_state_follows_the_amount(decided, bureau_officer, firm_user) -> None:
    c = client_for(bureau_officer)
    r = post(c, f"/api/v1/penalties/{decided}/payment", {"paid_amount": "10000", "paid_on": "2026-03-20"})
    assert r.status_code == 200, r.content
    assert r.json()["payment"] == "partly" and r.json()["payment_label"] == "部分缴纳"
    r = post(c, f"/api/v1/penalties/{decided}/payment", {"payment": "paid", "paid_on": "2026-03-25"})
    assert r.json()["payment"] == "paid" and Decimal(r.json()["paid_amount"]) == 30000
    assert [e["kind"] for e in r.json()["events"]] == ["recorded", "payment_recorded", "payment_recorded"]
    # the enterprise sees its penalty, and may not record its payment
    assert client_for(firm_user).get(f"/api/v1/penalties/{decided}").status_code == 200
    assert post(client_for(firm_user), f"/api/v1/penalties/{decided}/payment", {"payment": "paid"}).status_code == 403
    # the tallies count the amount decided, not paid
    assert EnforcementTally.objects.get().penalty_amount == Decimal("30000.00")


# --- a tip's fine and reward ------------------------------------------------------------------------------------


def new_tip(category: str = "violation") -> Tip:
    tip, _ = tip_submit(
        report=TipReport.model_validate(
            {
                "region": COUNTY,
                "category": category,
                "description": "夜间违规装卸危险化学品",
                "reporter": {"name": "赵六", "phone": "13900139000"},
            }
        )
    )
    return tip


def verify(user: Any, tip: Tip, **body: Any) -> Any:
    return post(client_for(user), f"/api/v1/tips/{tip.pk}/verify", {"outcome": "confirmed", **body})


@pytest.mark.parametrize(
    ("amounts", "reward"),
    [
        (["10000"], "3000.00"),  # 15% is 1,500: at least 3,000
        (["30000", "50000"], "12000.00"),  # 15% of the sum
        (["1500000", "1000000"], "300000.00"),  # at most 300,000
    ],
)
def test_the_reward_reads_the_fine_from_the_penalties(bureau_officer, firm, tip_handler, amounts, reward) -> None:
    tip = new_tip()
    c = client_for(bureau_officer)
    for n, amount in enumerate(amounts):
        body = fine(enterprise=firm.credit_code, amount=amount, tip=tip.pk, facts=f"第{n + 1}项")
        assert post(c, "/api/v1/penalties", body).status_code == 201
    tip.refresh_from_db()
    assert tip.fine == sum(Decimal(a) for a in amounts)
    r = verify(tip_handler, tip, enterprise=firm.credit_code)  # no fine given: the penalties' sum is read
    assert r.status_code == 200, r.content
    assert r.json()["fine"] == str(tip.fine) and r.json()["reward"]["amount"] == reward


def test_a_penalty_after_the_verification_decides_the_reward_again(bureau_officer, firm, tip_handler) -> None:
    tip = new_tip()
    assert verify(tip_handler, tip, enterprise=firm.credit_code, fine="20000").json()["reward"]["amount"] == "3000.00"
    c = client_for(bureau_officer)
    assert (
        post(c, "/api/v1/penalties", fine(enterprise=firm.credit_code, amount="40000", tip=tip.pk)).status_code == 201
    )
    tip.refresh_from_db()
    assert tip.fine == Decimal("40000.00") and tip.reward.amount == Decimal("6000.00")
    assert (
        post(c, "/api/v1/penalties", fine(enterprise=firm.credit_code, amount="60000", tip=tip.pk)).status_code == 201
    )
    tip.refresh_from_db()
    assert tip.fine == Decimal("100000.00") and tip.reward.amount == Decimal("15000.00")
    kinds = list(Event.objects.filter(subject_type="tip", subject_id=str(tip.pk)).values_list("kind", flat=True))
    assert kinds.count("fine_set") == 2
    page = client_for(tip_handler).get(f"/api/v1/tips/{tip.pk}").json()
    assert page["fine"] == "100000.00"


def test_a_paid_reward_is_not_changed_by_a_later_penalty(bureau_officer, firm, tip_handler) -> None:
    tip = new_tip()
    verify(tip_handler, tip, enterprise=firm.credit_code, fine="20000")
    c = client_for(tip_handler)
    assert post(c, f"/api/v1/tips/{tip.pk}/reward/notice", {}).status_code == 200
    paid = {"paid_on": dates.today().isoformat(), "amount": "3000"}
    assert post(c, f"/api/v1/tips/{tip.pk}/reward/payment", paid).status_code == 200, "paid"
    body = fine(enterprise=firm.credit_code, amount="90000", tip=tip.pk, decided_on=dates.today().isoformat())
    assert post(client_for(bureau_officer), "/api/v1/penalties", body).status_code == 201
    tip.refresh_from_db()
    assert tip.fine == Decimal("90000.00") and tip.reward.amount == Decimal("3000.00")
    event = Event.objects.filter(subject_type="tip", kind="fine_set").get()
    assert event.payload["reward_paid"] is True


def test_a_tip_found_unfounded_or_of_another_enterprise_cannot_be_linked(bureau_officer, firm, tip_handler) -> None:
    unfounded = new_tip()
    assert (
        post(client_for(tip_handler), f"/api/v1/tips/{unfounded.pk}/verify", {"outcome": "unfounded"}).status_code
        == 200
    )
    r = post(client_for(bureau_officer), "/api/v1/penalties", fine(enterprise=firm.credit_code, tip=unfounded.pk))
    assert r.status_code == 422 and "不属实" in r.json()["errors"]["tip"]
    elsewhere = new_tip()
    other = factories.enterprise(region=COUNTY, sector="hazardous_chemicals")
    verify(tip_handler, elsewhere, enterprise=other.credit_code, fine="1000")
    r = post(client_for(bureau_officer), "/api/v1/penalties", fine(enterprise=firm.credit_code, tip=elsewhere.pk))
    assert r.status_code == 422 and "被举报单位" in r.json()["errors"]["tip"]


def test_the_decision_day_is_a_beijing_day(bureau_officer, firm) -> None:
    """An instant with an offset is its Beijing day (2026-03-09T20:00Z is the 10th in Beijing)."""
    body = fine(enterprise=firm.credit_code, decided_on="2026-03-09T20:00:00Z")
    r = post(client_for(bureau_officer), "/api/v1/penalties", body)
    assert r.status_code == 201 and r.json()["decided_on"] == datetime.date(2026, 3, 10).isoformat()
