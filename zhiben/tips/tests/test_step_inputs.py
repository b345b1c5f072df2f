"""The tip steps' typed inputs (inputs.py: TipExtension, TipReply, TipRewardPayment, TipAddition): a bad value
is refused in Chinese naming its field, through the API (422) and on the pages, and nothing is saved."""

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

from zhiben.audit.models import Event
from zhiben.common.dates import today
from zhiben.common.errors import FieldErrors
from zhiben.common.inputs import openapi_body, parse
from zhiben.tips.inputs import TipAddition, TipExtension, TipObjection, TipReply, TipReview, TipRewardPayment
from zhiben.tips.models import Tip, TipMessage, TipReward

pytestmark = pytest.mark.django_db

FUTURE = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def new_tip(category: str = "violation") -> tuple[Tip, str]:
    body = {
        "region": "500241",
        "category": category,
        "description": "无证经营危险化学品，夜间在居民区装卸",
        "reporter": {"name": "李四", "phone": "13800138000"},  # a real-name reporter: rewards go to them only
    }
    r = post(Client(), "/api/v1/tips", body)
    assert r.status_code == 201, r.content
    return Tip.objects.get(), r.json()["receipt"]


def rewarded(handler) -> Tip:
    """A confirmed violation with a fine: an eligible reward (7,500 yuan), notified, waiting to be paid."""
    tip, _ = new_tip()
    r = post(signed_in(handler), f"/api/v1/tips/{tip.pk}/verify", {"outcome": "confirmed", "fine": "50000"})
    assert r.status_code == 200, r.content
    assert post(signed_in(handler), f"/api/v1/tips/{tip.pk}/reward/notice", {}).status_code == 200
    return tip


def unchanged(tip: Tip) -> tuple[Any, ...]:
    rewards = list(TipReward.objects.filter(tip=tip).values())
    return Tip.objects.filter(pk=tip.pk).values().get(), rewards, TipMessage.objects.count(), Event.objects.count()


@pytest.mark.parametrize(
    ("step", "body", "field", "message"),
    [
        ("extend", {"reason": "", "approved_by": "县应急局"}, "reason", "请填写延期理由"),
        ("extend", {"reason": "需" * 401, "approved_by": "县应急局"}, "reason", "延期理由不能超过400个字符"),
        ("extend", {"reason": "需会同住建部门核查"}, "approved_by", "请填写批准延期的上一级部门"),
        ("extend", {"reason": "需会同住建部门核查", "approved_by": "县应急局", "days": 30}, "days", "不支持的字段"),
        ("messages", {}, "body", "请填写答复内容"),
        ("messages", {"body": ["经核查"]}, "body", "答复内容应为文本"),
        ("reward/payment", {"paid_on": FUTURE, "amount": "100"}, "paid_on", "发放日期应在领奖通知之后、不晚于今天"),
        ("reward/payment", {"paid_on": "昨天", "amount": "100"}, "paid_on", "发放日期应为日期"),
        ("reward/payment", {"paid_on": "2025-01-01", "amount": "-5"}, "amount", "发放金额应在0至300,000之间"),
        ("reward/payment", {"paid_on": "2025-01-01", "amount": "七千"}, "amount", "发放金额应为数字"),
        ("reward/payment", {"paid_on": "2025-01-01"}, "amount", "请填写发放金额"),
    ],
)
def test_the_api_refuses_a_bad_step_naming_the_field(tip_handler, step, body, field, message) -> None:
    tip = rewarded(tip_handler) if step == "reward/payment" else new_tip()[0]
    before = unchanged(tip)
    r = post(signed_in(tip_handler), f"/api/v1/tips/{tip.pk}/{step}", body)
    assert r.status_code == 422, r.content
    assert message in r.json()["errors"][field], r.json()
    assert unchanged(tip) == before


def test_a_payment_is_checked_against_the_decision(tip_handler) -> None:
    tip = rewarded(tip_handler)
    before = unchanged(tip)
    day = TipReward.objects.get(tip=tip).notified_on
    assert day is not None
    r = post(
        signed_in(tip_handler),
        f"/api/v1/tips/{tip.pk}/reward/payment",
        {"paid_on": (day - datetime.timedelta(days=1)).isoformat(), "amount": "7500.01"},
    )
    assert r.status_code == 422
    assert r.json()["errors"] == {
        "paid_on": "发放日期应在领奖通知之后、不晚于今天",
        "amount": "发放金额应在0至7,500之间",
    }
    assert unchanged(tip) == before


def test_outsiders_get_404_whatever_the_body(tip_handler, outsider) -> None:
    tip = rewarded(tip_handler)
    for step in ("verify", "extend", "messages", "review", "reward/notice", "reward/payment"):
        assert post(signed_in(outsider), f"/api/v1/tips/{tip.pk}/{step}", {"bogus": 1}).status_code == 404, step


def test_the_tipster_is_refused_naming_the_field_after_the_receipt() -> None:
    tip, receipt = new_tip()
    before = unchanged(tip)
    r = post(Client(), f"/api/v1/tips/by-receipt/{receipt}/messages", {"body": "补" * 4001})
    assert r.status_code == 422 and "补充内容不能超过4000个字符" in r.json()["errors"]["body"]
    r = post(Client(), f"/api/v1/tips/by-receipt/{receipt}/messages", {})
    assert r.status_code == 422 and r.json()["errors"] == {"body": "请填写补充内容"}
    assert unchanged(tip) == before
    # a wrong receipt is 404 whatever the body (the body is read after the receipt)
    assert post(Client(), "/api/v1/tips/by-receipt/ABCD-EFGH-JKMN-PQRS-TVWX/messages", [1]).status_code == 404


def test_each_step_documents_its_body_in_openapi(api_as, officer) -> None:
    paths = api_as(officer).get("/api/v1/openapi.json").json()["paths"]
    for path, model in (
        ("/api/v1/tips/{tip_id}/extend", TipExtension),
        ("/api/v1/tips/{tip_id}/messages", TipReply),
        ("/api/v1/tips/{tip_id}/reward/payment", TipRewardPayment),
        ("/api/v1/tips/{tip_id}/review", TipReview),
        ("/api/v1/tips/by-receipt/{receipt}/messages", TipAddition),
        ("/api/v1/tips/by-receipt/{receipt}/objection", TipObjection),
    ):
        assert paths[path]["post"]["requestBody"] == openapi_body(model)["requestBody"], path
        schema = openapi_body(model)["requestBody"]["content"]["application/json"]["schema"]
        # the reply's fields are required by what the message is (the reply: facts and handling)
        assert model is TipReply or schema["required"], path
        assert schema["additionalProperties"] is False, path


@pytest.mark.parametrize(
    ("step", "data", "field", "message"),
    [
        ("extend", {"reason": " "}, "reason", "请填写延期理由"),
        ("reply", {"body": ""}, "body", "请填写答复内容"),
        ("paid", {"paid_on": FUTURE, "amount": "100"}, "paid_on", "发放日期应在领奖通知之后、不晚于今天"),
        ("paid", {"paid_on": "2025-01-01", "amount": "-1"}, "amount", "发放金额应在0至300,000之间"),
    ],
)
def test_the_page_shows_a_bad_step_beside_its_field_and_saves_nothing(tip_handler, step, data, field, message) -> None:
    tip = rewarded(tip_handler) if step == "paid" else new_tip()[0]
    before = unchanged(tip)
    r = signed_in(tip_handler).post(f"/tips/{tip.pk}/{step}/", data)
    assert r.status_code == 422
    assert message in r.context["errors"][field]
    assert f'<span class="field-error">{r.context["errors"][field]}</span>' in r.content.decode() or (
        f'<p class="field-error">{r.context["errors"][field]}</p>' in r.content.decode()
    )
    assert unchanged(tip) == before


def test_the_tipsters_page_names_a_missing_addition() -> None:
    tip, receipt = new_tip()
    before = unchanged(tip)
    r = Client().post("/tips/check/", {"receipt": receipt, "action": "add", "body": "  "})
    assert r.status_code == 422 and "请填写补充内容" in r.content.decode()
    assert unchanged(tip) == before


# ----------------------------------------------------------------------------------------- the rules
@hsettings(max_examples=200, deadline=None)
@given(
    amount=st.decimals(min_value=-1000, max_value=400_000, places=2, allow_nan=False, allow_infinity=False),
    offset=st.integers(-400, 400),
)
def test_a_payment_is_a_day_that_has_come_and_an_amount_within_the_cap(amount: Decimal, offset: int) -> None:
    day = today() + datetime.timedelta(days=offset)
    data = {"paid_on": day.isoformat(), "amount": str(amount)}
    expected = {}
    if offset > 0:
        expected["paid_on"] = "发放日期应在领奖通知之后、不晚于今天"
    if not Decimal(0) <= amount <= Decimal(300_000):
        expected["amount"] = "发放金额应在0至300,000之间"
    if expected:
        with pytest.raises(FieldErrors) as caught:
            parse(TipRewardPayment, data)
        assert caught.value.errors == expected
    else:
        payment = parse(TipRewardPayment, data)
        assert (payment.paid_on, payment.amount) == (day, amount)
