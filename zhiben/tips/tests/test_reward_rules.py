"""The tip rules as the texts give them (FACTS §3): 《安全生产领域举报奖励办法》 (安监总财〔2018〕19号) for who is
rewarded and how much; the 2012 办法 (安监总财〔2012〕63号) 第十条（三） as kept by the provincial rules for the
feedback within 10 days and the one extension of 30 days; 应急〔2023〕106号 (text not read, per FACTS.md) for the
reply's facts and handling, the 10-day objection and the 30-day re-review; the 60-day claim window."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from zhiben.accidents.inputs import AccidentReport
from zhiben.accidents.services import accident_create
from zhiben.audit.models import Event
from zhiben.common.dates import today
from zhiben.common.inputs import parse
from zhiben.escalation.engine import sweep
from zhiben.tests_support import factories
from zhiben.tips import rules
from zhiben.tips.models import Tip, TipEscalation, TipMessage, TipReward

pytestmark = pytest.mark.django_db

NAME, PHONE = "赵六", "13900139000"
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def new_tip(category: str = "violation", *, real_name: bool = True, **extra: Any) -> tuple[Tip, str]:
    body: dict[str, Any] = {
        "region": "500241",
        "category": category,
        "description": "无证经营危险化学品，夜间在居民区装卸",
        **extra,
    }
    if real_name:
        body["reporter"] = {"name": NAME, "phone": PHONE}
    r = post(Client(), "/api/v1/tips", body)
    assert r.status_code == 201, r.content
    return Tip.objects.order_by("-pk").first(), r.json()["receipt"]  # type: ignore[return-value]


def verify(handler: Any, tip: Tip, **body: Any) -> Any:
    return post(signed_in(handler), f"/api/v1/tips/{tip.pk}/verify", {"outcome": "confirmed", **body})


def accident(officer: Any, firm: Any, deaths: int) -> Any:
    report = parse(
        AccidentReport,
        {
            "enterprise": firm.credit_code,
            "occurred_at": (datetime.datetime.now() - datetime.timedelta(hours=2)).isoformat(timespec="seconds"),
            "deaths": deaths,
            "serious_injuries": 0,
            "direct_loss": 100000,
            "description": "储罐区爆炸，企业未如实上报",
        },
    )
    return accident_create(actor=officer, report=report)


# --- who is rewarded (安监总财〔2018〕19号) ----------------------------------------------------------------


def test_an_anonymous_tip_earns_no_reward_by_the_national_rule(tip_handler) -> None:
    """办法: only a real-name reporter (实名举报人) with merit is rewarded; reward null with the reason."""
    tip, receipt = new_tip(real_name=False)
    body = verify(tip_handler, tip, fine="50000").json()
    assert body["reward"] is None
    assert body["reward_reason_code"] == "anonymous" and "匿名" in body["reward_reason"]
    assert not TipReward.objects.exists()
    public = Client().get(f"/api/v1/tips/by-receipt/{receipt}").json()
    assert public["reward"] is None and public["reward_reason_code"] == "anonymous"


def test_a_local_rule_may_reward_anonymous_reporters(tip_handler, settings) -> None:
    """TIP_REWARD_REAL_NAME_ONLY = False for a province whose rules reward anonymous tips too."""
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_REWARD_REAL_NAME_ONLY": False}
    tip, _ = new_tip(real_name=False)
    body = verify(tip_handler, tip, fine="50000").json()
    assert body["reward"]["amount"] == "7500.00" and body["reward_reason"] is None


@pytest.mark.parametrize(
    ("ground", "words"),
    [("staff", "监督管理职责"), ("relative", "近亲属"), ("instigated", "授意"), ("监管工作人员的近亲属", "近亲属")],
)
def test_supervision_staff_their_relatives_and_people_they_instigated_are_not_rewarded(
    tip_handler, ground, words
) -> None:
    """办法: staff with supervision duties, their close relatives and people they instigated are excluded;
    the ground is recorded (not in the event log: it says something about the reporter)."""
    tip, _ = new_tip()
    body = verify(tip_handler, tip, fine="50000", reporter_excluded=ground).json()
    assert body["reward"] is None and body["reward_reason_code"] == "excluded"
    assert words in body["reward_reason"] and body["reporter_excluded"] in ("staff", "relative", "instigated")
    event = Event.objects.get(subject_type="tip", subject_id=str(tip.pk), kind="verified")
    assert "reporter_excluded" not in event.payload and event.payload["reward_reason"] == "excluded"


@pytest.mark.parametrize("value", [True, "boss", 3, ["staff"]])
def test_an_exclusion_must_name_its_ground(tip_handler, value) -> None:
    tip, _ = new_tip()
    r = verify(tip_handler, tip, fine="50000", reporter_excluded=value)
    assert r.status_code == 422 and "reporter_excluded" in r.json()["errors"], r.content
    assert Tip.objects.get(pk=tip.pk).status == "accepted"


def test_a_matter_already_found_and_being_dealt_with_earns_nothing(tip_handler) -> None:
    """办法: rewarded only where the unit or the department had not found it, or had not dealt with it."""
    tip, _ = new_tip()
    body = verify(tip_handler, tip, fine="50000", already_known=True).json()
    assert body["reward"] is None and body["reward_reason_code"] == "already_known"


def test_a_general_hazard_earns_no_national_reward(tip_handler, officer, firm) -> None:
    """办法 covers major hazards: a tip that turns out to be a general hazard earns nothing nationally."""
    general = factories.hazard(officer, firm, discovered_on=today(), level="general", source="tip")
    tip, _ = new_tip("major_hazard", credit_code=firm.credit_code)
    body = verify(tip_handler, tip, hazard=general.pk).json()
    assert body["reward"] is None and body["reward_reason_code"] == "general_hazard"


@pytest.mark.parametrize(
    ("outcome", "category", "code"),
    [("unfounded", "violation", "not_verified"), ("confirmed", "other", "not_in_scope")],
)
def test_an_unfounded_or_other_tip_says_why_there_is_no_reward(tip_handler, outcome, category, code) -> None:
    tip, _ = new_tip(category)
    body = post(signed_in(tip_handler), f"/api/v1/tips/{tip.pk}/verify", {"outcome": outcome}).json()
    assert body["reward"] is None and body["reward_reason_code"] == code and body["reward_reason"]


def test_a_joint_report_is_paid_to_its_first_signatory(tip_handler) -> None:
    """办法: a joint report (联名举报) is paid to the first signatory — the identity kept is theirs."""
    tip, _ = new_tip(joint=True)
    assert tip.joint is True
    body = verify(tip_handler, tip, fine="50000").json()
    assert body["joint"] is True and "第一署名人" in body["reward"]["basis"]


def test_the_same_matter_is_rewarded_once_to_the_first_accepted_report(tip_handler, firm) -> None:
    """办法: the same matter reported by several people: only the first accepted report is rewarded."""
    first, _ = new_tip(credit_code=firm.credit_code)
    second, _ = new_tip(credit_code=firm.credit_code)
    other, _ = new_tip()  # another matter (no unit named) is rewarded on its own
    assert verify(tip_handler, first, fine="50000").json()["reward"]["amount"] == "7500.00"
    body = verify(tip_handler, second, fine="50000").json()
    assert body["reward"] is None and body["reward_reason_code"] == "not_first"
    assert verify(tip_handler, other, fine="50000").json()["reward"]["amount"] == "7500.00"


# --- how much (安监总财〔2018〕19号: 15% of the fine, 3,000 to 300,000 yuan) -----------------------------------


@pytest.mark.parametrize(
    ("fine", "amount"),
    [
        ("0", "3000.00"),
        ("19999.99", "3000.00"),
        ("20000", "3000.00"),  # 15% is exactly the floor
        ("20000.01", "3000.00"),  # 3000.0015 rounds to the fen
        ("20006.67", "3001.00"),
        ("1999999.99", "300000.00"),
        ("2000000", "300000.00"),  # 15% is exactly the cap
        ("2000000.01", "300000.00"),
        ("10000000", "300000.00"),
    ],
)
def test_the_violation_reward_at_its_bounds(tip_handler, fine, amount) -> None:
    tip, _ = new_tip()
    assert verify(tip_handler, tip, fine=fine).json()["reward"]["amount"] == amount


@hsettings(max_examples=150, deadline=None)
@given(
    fine=st.one_of(
        st.decimals(min_value=19_900, max_value=20_100, places=2),
        st.decimals(min_value=1_999_900, max_value=2_000_100, places=2),
    )
)
def test_the_violation_reward_around_its_bounds(fine: Decimal) -> None:
    amount = rules.violation_reward(fine)
    if fine <= 20_000:
        assert amount == Decimal(3000)
    if fine >= 2_000_000:
        assert amount == Decimal(300_000)
    if 20_000 < fine < 2_000_000:
        assert Decimal(3000) <= amount <= Decimal(300_000)
        assert abs(amount - fine * Decimal("0.15")) <= Decimal("0.005")


# --- concealed accidents: per verified concealed death, never more than the accident's deaths -------------


@pytest.mark.parametrize(
    ("concealed", "status", "amount"), [(0, 200, None), (1, 200, "30000.00"), (2, 200, "60000.00"), (3, 422, None)]
)
def test_concealed_deaths_are_capped_by_the_accidents_deaths_and_zero_is_no_reward(
    tip_handler, officer, firm, concealed, status, amount
) -> None:
    """办法: per concealed death by grade (general 30,000); the concealed deaths rewarded are among the
    accident's verified deaths (2 here: more → 422 naming concealed_deaths, nothing saved); 0 is no reward."""
    found = accident(officer, firm, deaths=2)
    tip, _ = new_tip("concealed_accident")
    r = verify(tip_handler, tip, accident=found.pk, concealed_deaths=concealed)
    assert r.status_code == status, r.content
    if status == 422:
        assert "concealed_deaths" in r.json()["errors"] and "2" in r.json()["errors"]["concealed_deaths"]
        assert Tip.objects.get(pk=tip.pk).status == "accepted" and not TipReward.objects.exists()
        return
    body = r.json()
    if amount is None:
        assert body["reward"] is None and body["reward_reason_code"] == "no_concealed_deaths"
    else:
        assert body["reward"]["amount"] == amount and body["reward_reason"] is None


def test_the_concealed_death_reward_follows_the_investigations_verified_grade(tip_handler, officer, firm) -> None:
    """办法: per concealed death by the accident's final grade - the 核定 grade once the investigation sets it
    (条例 第三十二条): 2 deaths reported (一般, 30,000 each) but 核定 较大 → 40,000 each."""
    found = accident(officer, firm, deaths=2)
    found.verified_grade = "relatively_major"
    found.save(update_fields=["verified_grade"])
    tip, _ = new_tip("concealed_accident")
    r = verify(tip_handler, tip, accident=found.pk, concealed_deaths=2)
    assert r.status_code == 200, r.content
    assert r.json()["reward"]["amount"] == "80000.00"


# --- the extension: once, by 30 days, before the deadline, with the upper department's approval ------------


def test_the_extension_needs_the_approval_and_shows_its_reason_to_the_reporter(tip_handler) -> None:
    tip, receipt = new_tip()
    client = signed_in(tip_handler)
    r = post(client, f"/api/v1/tips/{tip.pk}/extend", {"reason": "需会同住建部门核查"})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["approved_by"]
    r = post(client, f"/api/v1/tips/{tip.pk}/extend", {"reason": "需会同住建部门核查", "approved_by": "市应急管理局"})
    assert r.status_code == 200 and r.json()["extension_approved_by"] == "市应急管理局"
    assert r.json()["extended_on"] == today().isoformat()
    public = Client().get(f"/api/v1/tips/by-receipt/{receipt}").json()
    assert public["extended"] is True and public["extension_reason"] == "需会同住建部门核查"
    assert "市应急管理局" not in json.dumps(public, ensure_ascii=False)
    page = Client().post("/tips/check/", {"receipt": receipt}).content.decode()
    assert "延期理由：需会同住建部门核查" in page
    assert post(client, f"/api/v1/tips/{tip.pk}/extend", {"reason": "再延", "approved_by": "市局"}).status_code == 409


@pytest.mark.parametrize(("days_left", "status"), [(0, 200), (-1, 409)])
def test_the_extension_is_decided_before_the_60_days_run_out(tip_handler, days_left, status) -> None:
    """On the due day itself it may still be extended; the day after, 409 and nothing changes."""
    tip, _ = new_tip()
    Tip.objects.filter(pk=tip.pk).update(verification_due=today() + datetime.timedelta(days=days_left))
    r = post(signed_in(tip_handler), f"/api/v1/tips/{tip.pk}/extend", {"reason": "复杂", "approved_by": "市局"})
    assert r.status_code == status, r.content
    assert Tip.objects.get(pk=tip.pk).extended is (status == 200)


def test_the_handler_extends_on_the_page(tip_handler) -> None:
    tip, _ = new_tip()
    client = signed_in(tip_handler)
    r = client.post(f"/tips/{tip.pk}/extend/", {"reason": "需会同住建部门核查", "approved_by": ""})
    assert r.status_code == 422 and "请填写批准延期的上一级部门" in r.content.decode()
    r = client.post(f"/tips/{tip.pk}/extend/", {"reason": "需会同住建部门核查", "approved_by": "市应急管理局"})
    assert r.status_code == 302 and Tip.objects.get(pk=tip.pk).extension_approved_by == "市应急管理局"
    assert "市应急管理局 批准" in client.get(f"/tips/{tip.pk}/").content.decode()


# --- the reply, the objection and the re-review (应急〔2023〕106号, per FACTS.md) -------------------------------


def replied(handler: Any) -> tuple[Tip, str]:
    tip, receipt = new_tip()
    assert verify(handler, tip, fine="50000").status_code == 200
    r = post(signed_in(handler), f"/api/v1/tips/{tip.pk}/messages", {"facts": "无证经营属实", "handling": "罚款5万元"})
    assert r.status_code == 200 and r.json()["status"] == "replied", r.content
    return Tip.objects.get(pk=tip.pk), receipt


def test_the_reply_states_the_facts_found_and_the_handling(tip_handler) -> None:
    tip, receipt = new_tip()
    verify(tip_handler, tip, fine="50000")
    client = signed_in(tip_handler)
    r = post(client, f"/api/v1/tips/{tip.pk}/messages", {"body": "已处理"})
    assert r.status_code == 422 and set(r.json()["errors"]) == {"facts", "handling"}
    assert Tip.objects.get(pk=tip.pk).status == "verified" and not TipMessage.objects.filter(tip=tip).exists()
    r = post(client, f"/api/v1/tips/{tip.pk}/messages", {"facts": "无证经营属实", "handling": "罚款5万元"})
    assert r.json()["objection_due"] == (today() + 10 * DAY).isoformat()
    message = Client().get(f"/api/v1/tips/by-receipt/{receipt}").json()["messages"][-1]
    assert message["kind"] == "reply" and "核查认定的事实：无证经营属实" in message["body"]
    assert "处理情况：罚款5万元" in message["body"]


def test_the_reporter_objects_within_10_days_and_the_review_is_due_in_30(tip_handler) -> None:
    tip, receipt = replied(tip_handler)
    path = f"/api/v1/tips/by-receipt/{receipt}/objection"
    assert post(Client(), path, {"reason": " "}).json()["errors"] == {"reason": "请填写异议理由"}
    r = post(Client(), path, {"reason": "罚款过轻，隐患仍在"})
    assert r.status_code == 201 and r.json()["status"] == "objected"
    assert r.json()["review_due"] == (today() + 30 * DAY).isoformat()
    assert post(Client(), path, {"reason": "再次异议"}).status_code == 409  # once
    event = Event.objects.get(subject_type="tip", subject_id=str(tip.pk), kind="objected")
    assert event.actor_id is None and "罚款过轻" not in json.dumps(event.payload, ensure_ascii=False)
    client = signed_in(tip_handler)
    r = post(client, f"/api/v1/tips/{tip.pk}/review", {"facts": "复核属实"})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["handling"]
    r = post(client, f"/api/v1/tips/{tip.pk}/review", {"facts": "复核属实", "handling": "维持处罚并督促整改"})
    assert r.status_code == 200 and r.json()["status"] == "reviewed"
    assert post(client, f"/api/v1/tips/{tip.pk}/review", {"facts": "x", "handling": "y"}).status_code == 409
    public = Client().get(f"/api/v1/tips/by-receipt/{receipt}").json()
    assert public["reviewed_on"] == today().isoformat() and public["messages"][-1]["kind"] == "review"


@pytest.mark.parametrize(("days_ago", "status"), [(10, 201), (11, 409)])
def test_an_objection_after_the_10_days_is_refused(tip_handler, days_ago, status) -> None:
    tip, receipt = replied(tip_handler)
    Tip.objects.filter(pk=tip.pk).update(objection_due=rules.objection_due(today() - days_ago * DAY))
    r = post(Client(), f"/api/v1/tips/by-receipt/{receipt}/objection", {"reason": "不服"})
    assert r.status_code == status, r.content


def test_an_objection_before_the_reply_is_refused(tip_handler) -> None:
    _, receipt = new_tip()
    assert post(Client(), f"/api/v1/tips/by-receipt/{receipt}/objection", {"reason": "不服"}).status_code == 409


def test_the_objection_is_rate_limited_like_additions(tip_handler, settings) -> None:
    _, receipt = replied(tip_handler)
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1/h"}
    cache.clear()
    assert post(Client(), f"/api/v1/tips/by-receipt/{receipt}/messages", {"body": "补充一句"}).status_code == 201
    r = post(Client(), f"/api/v1/tips/by-receipt/{receipt}/objection", {"reason": "不服"})
    assert r.status_code == 429 and Tip.objects.get().status == "replied"


def test_the_reporter_objects_on_the_receipt_page(tip_handler) -> None:
    _, receipt = replied(tip_handler)
    client = Client()
    page = client.post("/tips/check/", {"receipt": receipt}).content.decode()
    assert "对答复有异议" in page and NAME not in page and PHONE not in page
    r = client.post("/tips/check/", {"receipt": receipt, "action": "object", "reason": ""})
    assert r.status_code == 422 and "请填写异议理由" in r.content.decode()
    r = client.post("/tips/check/", {"receipt": receipt, "action": "object", "reason": "罚款过轻"})
    assert r.status_code == 200 and "已收到您的异议" in r.content.decode()
    assert Tip.objects.get().status == "objected"


# --- the reward notice and the 60-day claim window ----------------------------------------------------------


def test_the_notice_opens_a_60_day_claim_window_shown_on_the_receipt_page(tip_handler) -> None:
    tip, receipt = new_tip()
    verify(tip_handler, tip, fine="50000")
    client = signed_in(tip_handler)
    paid = {"paid_on": today().isoformat(), "amount": "7500"}
    assert post(client, f"/api/v1/tips/{tip.pk}/reward/payment", paid).status_code == 409  # no notice yet
    r = post(client, f"/api/v1/tips/{tip.pk}/reward/notice", {})
    assert r.json()["reward"]["claim_due"] == (today() + 60 * DAY).isoformat()
    assert post(client, f"/api/v1/tips/{tip.pk}/reward/notice", {}).status_code == 409
    page = Client().post("/tips/check/", {"receipt": receipt}).content.decode()
    assert f"请在领取期限 <b>{today() + 60 * DAY:%Y-%m-%d}</b> 前领取" in page


@pytest.mark.parametrize(
    ("late_by", "reason", "status"), [(0, "", 200), (1, "", 422), (1, "住院治疗，无法按期领取", 200)]
)
def test_a_claim_after_the_window_is_forfeited_unless_a_reason_is_recorded(
    tip_handler, late_by, reason, status
) -> None:
    """逾期未领取奖金者，视为放弃领奖权利；能够说明理由的，可以适当延长领取时间 (FACTS §3): a payment after the
    window is refused naming late_reason unless the reporter's reason is recorded; it is then flagged late."""
    tip, _ = new_tip()
    verify(tip_handler, tip, fine="50000")
    client = signed_in(tip_handler)
    post(client, f"/api/v1/tips/{tip.pk}/reward/notice", {})
    notified = today() - (60 + late_by) * DAY
    TipReward.objects.filter(tip=tip).update(notified_on=notified)
    Tip.objects.filter(pk=tip.pk).update(claim_due=rules.claim_due(notified))
    body = {"paid_on": today().isoformat(), "amount": "7500", "late_reason": reason}
    r = post(client, f"/api/v1/tips/{tip.pk}/reward/payment", body)
    assert r.status_code == status, r.content
    if status == 422:
        assert list(r.json()["errors"]) == ["late_reason"] and "视为放弃" in r.json()["errors"]["late_reason"]
        assert TipReward.objects.get(tip=tip).paid_on is None
    else:
        event = Event.objects.get(subject_type="tip", subject_id=str(tip.pk), kind="reward_paid")
        assert event.payload["late"] is bool(late_by) and r.json()["late_reason"] == (reason if late_by else "")


# --- the deadlines on the ladder and the to-do list ------------------------------------------------------------


def test_the_review_and_the_claim_are_on_the_ladder_and_the_to_do_list(tip_handler) -> None:
    objected, receipt = replied(tip_handler)
    post(Client(), f"/api/v1/tips/by-receipt/{receipt}/objection", {"reason": "不服"})
    unpaid, _ = new_tip()
    verify(tip_handler, unpaid, fine="50000")
    todo = signed_in(tip_handler).get("/api/v1/todo").json()["items"]
    assert {("tip_review", objected.pk), ("tip_reward_notice", unpaid.pk)} <= {(i["kind"], i["id"]) for i in todo}
    post(signed_in(tip_handler), f"/api/v1/tips/{unpaid.pk}/reward/notice", {})
    todo = signed_in(tip_handler).get("/api/v1/todo").json()["items"]
    claim = next(i for i in todo if i["kind"] == "tip_claim")
    assert claim["id"] == unpaid.pk and claim["due"] == (today() + 60 * DAY).isoformat()
    Tip.objects.filter(pk=objected.pk).update(review_due=today() - 2 * DAY)
    Tip.objects.filter(pk=unpaid.pk).update(claim_due=today() - 2 * DAY)
    sweep(today=today())
    steps = set(TipEscalation.objects.values_list("tip_id", "step"))
    assert (objected.pk, "reminder") in steps and (unpaid.pk, "reminder") in steps
    ids = {t["id"] for t in signed_in(tip_handler).get("/api/v1/tips", {"overdue": "1"}).json()["items"]}
    assert objected.pk in ids
    ids = {t["id"] for t in signed_in(tip_handler).get("/api/v1/tips", {"claim_expired": "1"}).json()["items"]}
    assert ids == {unpaid.pk}


# --- scope and bad input on the new steps -------------------------------------------------------------------------


def test_out_of_scope_users_get_404_on_every_new_step(tip_handler, outsider, firm_user) -> None:
    tip, _ = replied(tip_handler)
    for user in (outsider, firm_user):
        client = signed_in(user)
        for step, body in (("review", {"facts": "a", "handling": "b"}), ("reward/notice", {}), ("extend", {})):
            assert post(client, f"/api/v1/tips/{tip.pk}/{step}", body).status_code == 404, (user, step)
        for step in ("review", "notice"):
            assert client.post(f"/tips/{tip.pk}/{step}/", {"facts": "a", "handling": "b"}).status_code == 404
    assert TipReward.objects.get(tip=tip).notified_on is None


@pytest.mark.parametrize(
    ("step", "body", "field"),
    [
        ("review", [1], "body"),
        ("review", {"facts": ["x"], "handling": "y"}, "facts"),
        ("review", {"facts": "x" * 4001, "handling": "y"}, "facts"),
        ("messages", {"facts": 5, "handling": "y"}, "facts"),
        ("reward/payment", {"paid_on": "2025-01-01", "amount": "1", "late_reason": "x" * 401}, "late_reason"),
    ],
)
def test_bad_input_on_the_new_steps_is_named_never_a_500(tip_handler, step, body, field) -> None:
    tip, _ = replied(tip_handler)
    Tip.objects.filter(pk=tip.pk).update(status="objected", review_due=today() + 30 * DAY)
    r = post(signed_in(tip_handler), f"/api/v1/tips/{tip.pk}/{step}", body)
    assert r.status_code in (400, 422), r.content
    assert field in json.dumps(r.json()), r.content


def test_the_reporter_is_never_shown_on_the_public_side(tip_handler) -> None:
    tip, receipt = replied(tip_handler)
    post(Client(), f"/api/v1/tips/by-receipt/{receipt}/objection", {"reason": "不服"})
    shown = json.dumps(Client().get(f"/api/v1/tips/by-receipt/{receipt}").json(), ensure_ascii=False)
    assert NAME not in shown and PHONE not in shown
    # reading the identity is still recorded
    assert signed_in(tip_handler).get(f"/api/v1/tips/{tip.pk}/reporter").json()["name"] == NAME
    assert Event.objects.filter(subject_type="tip", subject_id=str(tip.pk), kind="reporter_read").count() == 1
