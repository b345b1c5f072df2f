"""Bad input of every kind is refused by the shared typed-input code (common/inputs.py, common/validators.py)
in Chinese naming the field, on every model and endpoint that uses it — never English, never coerced,
never rounded, never stored."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from zhiben.accidents.inputs import AccidentReport, SupplementReport
from zhiben.common.errors import FieldErrors
from zhiben.common.inputs import Input, parse
from zhiben.enterprises.inputs import EnterpriseChange
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.inputs import HazardCancellation, HazardPlan, HazardReport
from zhiben.hazards.models import Hazard
from zhiben.imports.tests.test_imports import run, workbook
from zhiben.tests_support import factories
from zhiben.tips.inputs import TipReply, TipReport, TipReview, TipRewardPayment, TipVerification
from zhiben.tips.models import Tip

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
PLAN = {"responsible_person": "陈建国", "measures": "更换报警器", "deadline": "2025-06-30", "interim_measures": "停用"}
TIP = {"region": "500241", "category": "violation", "description": "无证经营危险化学品，夜间在居民区装卸"}


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}


def refused(model: Any, data: dict[str, Any], field: str) -> str:
    with pytest.raises(FieldErrors) as caught:
        parse(model, data)
    return caught.value.errors[field]


def signed_in(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def send(client: Client, method: str, path: str, raw: str) -> Any:
    return getattr(client, method)(path, data=raw, content_type="application/json")


def chinese(errors: dict[str, str]) -> bool:
    return all(CJK.search(m) and "Input should" not in m for m in errors.values())


def new_tip(category: str = "violation") -> Tip:
    r = send(Client(), "post", "/api/v1/tips", json.dumps({**TIP, "category": category}))
    assert r.status_code == 201, r.content
    return Tip.objects.order_by("-pk")[0]


# ------------------------------------------------------------------------- 1. a body that is not an object
def _endpoints(officer: Any, firm: Any) -> list[tuple[Any, str, str]]:
    hazard = factories.hazard(officer, firm, discovered_on="2025-03-01")
    steps = ("plan", "submit", "review", "cancel", "supervise", "reports")
    return [
        (officer, "post", "/api/v1/hazards"),
        (officer, "post", "/api/v1/accidents"),
        (None, "post", "/api/v1/tips"),
        (officer, "patch", f"/api/v1/enterprises/{firm.credit_code}"),
        *((officer, "post", f"/api/v1/hazards/{hazard.pk}/{step}") for step in steps),
    ]


@pytest.mark.parametrize("raw", ["[]", "null", '"x"', "5", "[1, 2]", "true"])
def test_a_body_that_is_not_an_object_is_422_in_chinese_everywhere(officer, firm, raw) -> None:
    for user, method, path in _endpoints(officer, firm):
        r = send(signed_in(user), method, path, raw)
        assert r.status_code == 422, (path, r.content)
        assert r.json()["errors"] == {"body": "请求体应为 JSON 对象"}, (path, r.json())


@pytest.mark.parametrize("reporter", ["王", 5, ["王"], True])
def test_a_nested_object_given_as_something_else_names_its_field(reporter) -> None:
    r = send(Client(), "post", "/api/v1/tips", json.dumps({**TIP, "reporter": reporter}))
    assert r.status_code == 422 and r.json()["errors"] == {"reporter": "应为 JSON 对象"}, r.json()
    assert not Tip.objects.exists()
    assert refused(TipReport, {**TIP, "reporter": reporter}, "reporter") == "应为 JSON 对象"


# ------------------------------------------------------------------------------ 2. a lone surrogate
@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (HazardReport, {"title": "隐患\ud800"}, "title"),
        (HazardPlan, {**PLAN, "responsible_person": "\udfff陈"}, "responsible_person"),
        (AccidentReport, {"description": "\ud800"}, "description"),
        (TipReport, {**TIP, "enterprise_name": "\ud83d"}, "enterprise_name"),
        (TipVerification, {"outcome": "confirmed", "hazard_title": "\ud800"}, "hazard_title"),
        (EnterpriseChange, {"address": "\ud800"}, "address"),
    ],
)
def test_a_lone_surrogate_is_refused_in_chinese_naming_the_field(model, data, field) -> None:
    message = refused(model, data, field)
    assert "无法识别的字符" in message, message


def test_a_lone_surrogate_through_the_api(officer, firm) -> None:
    body = json.dumps({"enterprise": firm.credit_code, "title": "\ud800", "level": "general", "source": "inspection"})
    assert "\\ud800" in body
    r = send(signed_in(officer), "post", "/api/v1/hazards", body)
    assert r.status_code == 422 and r.json()["errors"]["title"] == "隐患名称含有无法识别的字符", r.json()
    r = send(Client(), "post", "/api/v1/tips", json.dumps({**TIP, "address": "\udc00"}))
    assert r.status_code == 422 and r.json()["errors"] == {"address": "地址含有无法识别的字符"}, r.json()


# ------------------------------------------------------------------------- 3. limits written plainly
@pytest.mark.parametrize(
    ("model", "data", "field", "message"),
    [
        (HazardPlan, {**PLAN, "funds": "-1"}, "funds", "整改资金应在0至100,000,000,000之间"),
        (HazardPlan, {**PLAN, "funds": "2e11"}, "funds", "整改资金应在0至100,000,000,000之间"),
        (TipVerification, {"outcome": "confirmed", "fine": "-1"}, "fine", "罚款金额应在0至10,000,000,000之间"),
        (TipRewardPayment, {"paid_on": "2025-01-01", "amount": "1e9"}, "amount", "发放金额应在0至"),
        (EnterpriseChange, {"longitude": "10"}, "longitude", "经度应在73至136之间"),
    ],
)
def test_range_messages_print_plain_numbers(model, data, field, message) -> None:
    said = refused(model, data, field)
    assert said.startswith(message) and "E+" not in said and "e+" not in said, said


# ---------------------------------------------------------------------------- 4. text is only text
@pytest.mark.parametrize(
    ("model", "data", "field", "message"),
    [
        (HazardReport, {"title": 123}, "title", "隐患名称应为文本"),
        (HazardReport, {"title": float("inf")}, "title", "隐患名称应为文本"),
        (HazardReport, {"location": 1.5}, "location", "隐患部位应为文本"),
        (HazardPlan, {**PLAN, "responsible_person": 5}, "responsible_person", "整改责任人应为文本"),
        (HazardCancellation, {"reason": Decimal(1)}, "reason", "撤销原因应为文本"),
        (AccidentReport, {"description": 12345678901}, "description", "事故简要经过应为文本"),
        (TipReport, {**TIP, "description": 12345678901}, "description", "举报内容应为文本"),
        (TipReply, {"body": 0}, "body", "答复内容应为文本"),
        (EnterpriseChange, {"principal": 7}, "principal", "主要负责人应为文本"),
    ],
)
def test_a_number_is_not_taken_as_text(model, data, field, message) -> None:
    assert refused(model, data, field) == message


def test_numbers_for_text_through_the_api_are_refused_not_stored(officer, firm) -> None:
    raw = f'{{"enterprise": "{firm.credit_code}", "title": 1e999, "level": "general", "source": "inspection"}}'
    r = send(signed_in(officer), "post", "/api/v1/hazards", raw)
    assert r.status_code == 422 and r.json()["errors"]["title"] == "隐患名称应为文本", r.json()
    hazard = factories.hazard(officer, firm, discovered_on="2025-03-01")
    r = send(signed_in(officer), "post", f"/api/v1/hazards/{hazard.pk}/plan", json.dumps({**PLAN, "measures": 5}))
    assert r.status_code == 422 and r.json()["errors"] == {"measures": "整改措施应为文本"}, r.json()
    assert not Hazard.objects.exclude(pk=hazard.pk).exists()


def test_a_ledger_cell_holding_a_number_is_still_a_title(api_as, officer, firm) -> None:
    rows = [
        ["企业名称", "隐患名称", "隐患级别", "隐患来源", "发现日期", "隐患部位"],
        [firm.name, 123, "一般", "检查", "2024-05-01", 4.0],
    ]
    job = run(api_as(officer), "hazards", workbook(rows))
    assert job["status"] == "done", job["report"]
    hazard = Hazard.objects.get()
    assert (hazard.title, hazard.location) == ("123", "4")


# ---------------------------------------------------------------------- 5. invisible text is blank
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad", "\u200e", "\u3000", "\t"]


@pytest.mark.parametrize(
    ("model", "data", "field", "message"),
    [
        (HazardReport, {}, "title", "请填写隐患名称"),
        (HazardPlan, PLAN, "measures", "请填写整改措施"),
        (HazardCancellation, {}, "reason", "请填写撤销原因"),
        (AccidentReport, {}, "description", "请填写事故简要经过"),
        (TipReview, {"handling": "维持"}, "facts", "请填写复核认定的事实"),
    ],
)
@pytest.mark.parametrize("blank", ["\u200b", "\ufeff", "\u200c\u200d", " \u200b\u3000\u2060 "])
def test_text_of_only_invisible_characters_is_blank(model, data, field, message, blank) -> None:
    assert refused(model, {**data, field: blank}, field) == message


@hsettings(max_examples=60, deadline=None)
@given(
    blank=st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=8).map("".join),
    inner=st.text(alphabet="隐患名称ab 1", min_size=1, max_size=10).map(str.strip).filter(bool),
)
def test_invisible_characters_are_trimmed_at_both_ends(blank, inner) -> None:
    assert refused(HazardReport, {"title": blank}, "title") == "请填写隐患名称"
    plan = parse(HazardPlan, {**PLAN, "responsible_person": blank + inner + blank})
    assert plan.responsible_person == inner


def test_an_invisible_character_inside_text_is_kept() -> None:
    assert parse(HazardPlan, {**PLAN, "measures": "a\u200db"}).measures == "a\u200db"


# -------------------------------------------------------------------- 6. no rounding of money away
@pytest.mark.parametrize(
    ("model", "data", "field", "message"),
    [
        (HazardPlan, {**PLAN, "funds": "1.235"}, "funds", "整改资金最多两位小数"),
        (HazardPlan, {**PLAN, "funds": 0.001}, "funds", "整改资金最多两位小数"),
        (TipVerification, {"outcome": "confirmed", "fine": "50000.005"}, "fine", "罚款金额最多两位小数"),
        (TipRewardPayment, {"paid_on": "2025-01-01", "amount": "100.101"}, "amount", "发放金额最多两位小数"),
        (AccidentReport, {"direct_loss": "1.005"}, "direct_loss", "直接经济损失最多两位小数"),
        (SupplementReport, {"direct_loss": 1.005}, "direct_loss", "直接经济损失最多两位小数"),
        (EnterpriseChange, {"longitude": "106.1234567"}, "longitude", "经度最多六位小数"),
    ],
)
def test_more_decimals_than_kept_are_refused_not_rounded(model, data, field, message) -> None:
    assert refused(model, data, field).startswith(message)


@pytest.mark.parametrize("value", ["1.23", "1.230", "1.2", 1.5, 7, "1,000.10"])
def test_decimals_within_the_fields_places_are_taken_exactly(value) -> None:
    expected = Decimal(str(value).replace(",", "")).quantize(Decimal("0.01"))
    assert parse(HazardPlan, {**PLAN, "funds": value}).funds == expected
    assert parse(TipVerification, {"outcome": "confirmed", "fine": value}).fine == expected


def test_a_third_decimal_through_the_api_is_refused(officer, firm) -> None:
    hazard = factories.hazard(officer, firm, discovered_on="2025-03-01")
    r = send(signed_in(officer), "post", f"/api/v1/hazards/{hazard.pk}/plan", json.dumps({**PLAN, "funds": "1.235"}))
    assert r.status_code == 422 and r.json()["errors"] == {"funds": "整改资金最多两位小数"}, r.json()


# ------------------------------------------------------------------------ 7. thousands separators
@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("50,000", "50000"),
        ("50，000", "50000"),
        ("５０，０００", "50000"),
        ("1,234,567.89", "1234567.89"),
        (" 1,000 ", "1000"),
        ("999", "999"),
    ],
)
def test_amounts_with_thousands_separators_are_read(value, amount) -> None:
    assert parse(TipVerification, {"outcome": "confirmed", "fine": value}).fine == Decimal(amount)
    assert parse(HazardPlan, {**PLAN, "funds": value}).funds == Decimal(amount)
    assert parse(AccidentReport, {"direct_loss": value} | _accident()).direct_loss == Decimal(amount)


@pytest.mark.parametrize("value", ["5,0000", "50,00", ",500", "1,,000", "1,000,", "1.000,5", "1,000.5,0"])
def test_malformed_groupings_are_refused(value) -> None:
    assert refused(TipVerification, {"outcome": "confirmed", "fine": value}, "fine") == "罚款金额应为数字"
    assert refused(HazardPlan, {**PLAN, "funds": value}, "funds") == "整改资金应为数字"
    assert refused(AccidentReport, {"direct_loss": value}, "direct_loss") == "直接经济损失应为数字（元）"


@hsettings(max_examples=80, deadline=None)
@given(st.decimals(min_value=0, max_value=10_000_000_000, places=2, allow_nan=False, allow_infinity=False))
def test_any_amount_written_with_separators_reads_back(amount) -> None:
    for written in (f"{amount:,.2f}", f"{amount:,.2f}".replace(",", "，")):
        assert parse(TipVerification, {"outcome": "confirmed", "fine": written}).fine == amount


def test_a_fine_with_separators_on_the_verification_page_and_api(tip_handler) -> None:
    tip = new_tip()
    client = signed_in(tip_handler)
    r = client.post(f"/tips/{tip.pk}/verify/", {"outcome": "confirmed", "fine": "50,000"})
    assert r.status_code == 302, r.content.decode()[:2000]
    tip.refresh_from_db()
    assert tip.fine == Decimal("50000.00")
    other = new_tip()
    r = send(client, "post", f"/api/v1/tips/{other.pk}/verify", json.dumps({"outcome": "confirmed", "fine": "5,0000"}))
    assert r.status_code == 422 and r.json()["errors"] == {"fine": "罚款金额应为数字"}, r.json()
    r = send(client, "post", f"/api/v1/tips/{other.pk}/verify", json.dumps({"outcome": "confirmed", "fine": "50,000"}))
    assert r.status_code == 200 and r.json()["fine"] in ("50000.00", 50000, "50000"), r.json()


def _accident() -> dict[str, Any]:
    return {
        "region": "500241",
        "occurred_at": "2025-03-01T08:30:00+08:00",
        "deaths": 0,
        "serious_injuries": 0,
        "description": "车间起重机吊物坠落。",
    }


# ---------------------------------------------------------- 8. a verification's fields for its case only
@pytest.mark.parametrize(
    ("category", "body", "field"),
    [
        ("major_hazard", {"outcome": "confirmed", "hazard_title": "动火", "concealed_deaths": 3}, "concealed_deaths"),
        ("major_hazard", {"outcome": "confirmed", "hazard_title": "违规动火", "accident": 1}, "accident"),
        ("violation", {"outcome": "confirmed", "fine": "100", "concealed_deaths": 0}, "concealed_deaths"),
        ("violation", {"outcome": "confirmed", "fine": "100", "hazard_title": "x"}, "hazard_title"),
        ("other", {"outcome": "confirmed", "fine": "100"}, "fine"),
        ("violation", {"outcome": "unfounded", "fine": "100"}, "fine"),
        ("concealed_accident", {"outcome": "confirmed", "accident": 1, "concealed_deaths": 1, "fine": "1"}, "fine"),
    ],
)
def test_a_field_the_verification_does_not_use_is_refused(tip_handler, firm, category, body, field) -> None:
    tip = new_tip(category)
    Tip.objects.filter(pk=tip.pk).update(enterprise=firm)
    r = send(signed_in(tip_handler), "post", f"/api/v1/tips/{tip.pk}/verify", json.dumps(body))
    assert r.status_code == 422 and list(r.json()["errors"]) == [field], r.json()
    assert "不填此项" in r.json()["errors"][field]
    tip.refresh_from_db()
    assert tip.outcome == "" or tip.outcome is None
    assert tip.concealed_deaths is None and tip.fine is None and tip.hazard_id is None


def test_every_message_above_is_chinese() -> None:
    bodies: list[tuple[type[Input], dict[str, Any]]] = [
        (HazardReport, {"title": 1, "level": [], "source": {}, "enterprise": 5, "discovered_on": True}),
        (TipReport, {**TIP, "reporter": "王", "address": "\ud800"}),
        (HazardPlan, {**PLAN, "funds": "1.235", "measures": "\u200b"}),
    ]
    for model, data in bodies:
        with pytest.raises(FieldErrors) as caught:
            parse(model, data)
        assert chinese(caught.value.errors), caught.value.errors


def test_the_enterprise_importer_hands_float_coordinates_on_to_the_fields_places(api_as, officer) -> None:
    code = factories.credit_code()
    rows: list[list[Any]] = [
        ["企业名称", "信用代码", "行业", "所在区划", "经度", "纬度"],
        ["秀山县某某建材厂", code, "建材", "500241", 108.98765432101, "28.4512345678"],
    ]
    job = run(api_as(officer), "enterprises", workbook(rows))
    assert job["status"] == "failed" or job["report"]["errors"], job["report"]
    assert [(e["column"], e["message"]) for e in job["report"]["errors"]] == [("F", "纬度最多六位小数")]
    rows[1][5] = 28.4512345678
    job = run(api_as(officer), "enterprises", workbook(rows))
    assert job["status"] == "done", job["report"]
    firm = Enterprise.objects.get(credit_code=code)
    assert (firm.longitude, firm.latitude) == (Decimal("108.987654"), Decimal("28.451235"))
