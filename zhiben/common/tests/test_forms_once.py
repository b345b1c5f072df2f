"""Forms on a weak connection, server side: Idempotency-Key on API creates, the Chinese page of a refused
CSRF token that links back to the form, the cookie that tells the browser which draft to forget, the
addresses that take only a form answering a GET with their page, and one rule for phone numbers."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from zhiben.common.middleware import DRAFT_COOKIE
from zhiben.common.models import Submission
from zhiben.common.validators import clean_phone
from zhiben.enterprises.models import Enterprise
from zhiben.tests_support import factories
from zhiben.tips.models import Tip

VALID = "91440300708461136T"
KEY = "a-client-generated-uuid-0001"


def _enterprise(**over: Any) -> dict[str, Any]:
    return {
        "credit_code": VALID,
        "name": "秀山县测试化工有限公司",
        "region": "500241",
        "sector": "hazardous_chemicals",
    } | over


# ---------------------------------------------------------------------------------- Idempotency-Key
@pytest.mark.django_db
def test_an_api_create_retried_with_its_key_answers_the_first_result(api_as, officer) -> None:
    client = api_as(officer)
    client.headers["Idempotency-Key"] = KEY
    first = client.post("/api/v1/enterprises", _enterprise())
    again = client.post("/api/v1/enterprises", _enterprise())
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Enterprise.objects.filter(credit_code=VALID).count() == 1


@pytest.mark.django_db
def test_without_a_key_a_retry_is_a_second_request(api_as, officer) -> None:
    client = api_as(officer)
    assert client.post("/api/v1/enterprises", _enterprise()).status_code == 201
    assert client.post("/api/v1/enterprises", _enterprise()).status_code == 409  # the register's own answer


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(api_as, officer) -> None:
    client = api_as(officer)
    client.headers["Idempotency-Key"] = KEY
    assert client.post("/api/v1/enterprises", _enterprise()).status_code == 201
    r = client.post("/api/v1/enterprises", _enterprise(name="另一家公司"))
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["errors"]


@pytest.mark.django_db
def test_a_refused_create_is_not_remembered(api_as, officer) -> None:
    client = api_as(officer)
    client.headers["Idempotency-Key"] = KEY
    assert client.post("/api/v1/enterprises", _enterprise(name="")).status_code == 422
    assert Submission.objects.count() == 0
    assert client.post("/api/v1/enterprises", _enterprise()).status_code == 201


@pytest.mark.django_db
def test_keys_are_per_caller(api_as, officer, admin_user) -> None:
    a, b = api_as(officer), api_as(admin_user)
    a.headers["Idempotency-Key"] = b.headers["Idempotency-Key"] = KEY
    assert a.post("/api/v1/enterprises", _enterprise()).status_code == 201
    # another caller with the same key is another request (here refused by the register: the code exists)
    r = b.post("/api/v1/enterprises", _enterprise())
    assert r.status_code == 409 and "Idempotent-Replayed" not in r


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["short", "x" * 201, "含中文的幂等键-0123456789"])
def test_a_malformed_key_is_named(api_as, officer, key: str) -> None:
    client = api_as(officer)
    client.headers["Idempotency-Key"] = key
    r = client.post("/api/v1/enterprises", _enterprise())
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["errors"]
    assert not Enterprise.objects.filter(credit_code=VALID).exists()


@pytest.mark.django_db
def test_a_public_tip_retried_with_its_key_keeps_one_receipt(settings: Any) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h"}
    body = json.dumps({"region": "500241", "category": "violation", "description": "无证经营危险化学品，夜间装卸"})
    answers = [
        Client().post("/api/v1/tips", body, content_type="application/json", headers={"Idempotency-Key": KEY})
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["receipt"] == answers[1].json()["receipt"] and Tip.objects.count() == 1
    # kept sealed: the receipt is not readable in the table
    assert answers[0].json()["receipt"].encode() not in bytes(Submission.objects.get().result or b"")


# ---------------------------------------------------------------------------------------- CSRF
@pytest.mark.django_db
def test_a_refused_csrf_token_gets_a_chinese_page_back_to_the_form() -> None:
    client = Client(enforce_csrf_checks=True)
    r = client.post(
        "/tips/report/",
        {"place": "秀山县", "description": "烟花爆竹仓库超量储存，就在居民楼下"},
        headers={"Referer": "http://testserver/tips/report/?from=phone"},
    )
    page = r.content.decode()
    assert r.status_code == 403 and "页面已过期" in page and "没有提交" in page
    assert re.search(r'id="csrf-back" href="/tips/report/\?from=phone"', page)
    assert Tip.objects.count() == 0  # nothing replayed
    # the page itself hands out a fresh token: the form opened again is accepted
    assert "csrftoken" in r.cookies


@pytest.mark.django_db
def test_the_way_back_never_leaves_the_site() -> None:
    r = Client(enforce_csrf_checks=True).post(
        "/tips/report/", {}, headers={"Referer": "https://evil.example/tips/report/"}
    )
    assert r.status_code == 403 and 'href="/tips/report/"' in r.content.decode()
    assert "evil.example" not in r.content.decode()


@pytest.mark.django_db
def test_the_api_answers_a_csrf_refusal_in_json(officer) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    r = client.post("/api/v1/enterprises", json.dumps(_enterprise()), content_type="application/json")
    assert r.status_code in (401, 403) and r["Content-Type"].startswith("application/json")


# ------------------------------------------------------------------------------- drafts and GETs
@pytest.mark.django_db
def test_a_form_answered_with_success_names_its_draft_to_forget(officer, firm) -> None:
    client = Client()
    client.force_login(officer)
    r = client.post("/notifications/read-all/", {"_draft": "/notifications/|/notifications/read-all/|"})
    assert r.status_code == 302 and DRAFT_COOKIE in r.cookies
    assert r.cookies[DRAFT_COOKIE].value == "%2Fnotifications%2F%7C%2Fnotifications%2Fread-all%2F%7C"


@pytest.mark.django_db
def test_a_refused_form_keeps_its_draft(officer) -> None:
    client = Client()
    client.force_login(officer)
    r = client.post("/hazards/new/", {"_draft": "/hazards/new/||hazard-form", "title": ""})
    assert r.status_code == 422 and DRAFT_COOKIE not in r.cookies


@pytest.mark.django_db
def test_a_lapsed_login_keeps_the_draft_and_comes_back_to_the_page(officer, firm) -> None:
    h = factories.hazard(officer, firm, discovered_on="2025-05-01")
    r = Client().post(f"/hazards/{h.pk}/plan/", {"_draft": "k", "measures": "更换"})
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/") and DRAFT_COOKIE not in r.cookies
    signed = Client()
    signed.force_login(officer)
    back = signed.get(f"/hazards/{h.pk}/plan/")  # where the login's next leads
    assert back.status_code == 302 and back["Location"] == f"/hazards/{h.pk}/"


# -------------------------------------------------------------------------------------- phones
MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
SEPARATOR = st.sampled_from(["", " ", "-", "－", "—", "\u200b", "\u3000"])


@given(MOBILE, SEPARATOR, st.sampled_from(["", "+86", "+86 ", "0086", "86"]), st.booleans())
@hsettings(max_examples=200, deadline=None)
def test_a_mobile_is_read_however_it_is_typed(number: str, sep: str, prefix: str, fullwidth: bool) -> None:
    typed = prefix + sep.join([number[:3], number[3:7], number[7:]])
    if fullwidth:
        typed = typed.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert clean_phone(typed) == number
    assert clean_phone(clean_phone(typed)) == number  # the kept form reads back as itself


# local numbers as the plan assigns them: not 0 or 1 first, and not 80… (Beijing's 010-800x is unassigned;
# phonenumbers refuses it)
@given(st.sampled_from(["010", "023", "0851", "0755", "0571"]), st.from_regex(r"[2-8][1-9][0-9]{6}", fullmatch=True))
@hsettings(max_examples=100, deadline=None)
def test_a_landline_keeps_its_area_code(area: str, local: str) -> None:
    local = local[:7] if area in ("0851",) else local
    kept = clean_phone(f"({area}){local}")
    assert kept == f"{area}-{local}" and clean_phone(kept) == kept
    assert clean_phone(f"{area}-{local}转8001") == f"{area}-{local}-8001"


@given(st.text(alphabet="0123456789", max_size=20))
@hsettings(max_examples=300, deadline=None)
def test_digits_that_are_neither_are_refused_with_the_label(digits: str) -> None:
    if digits and not re.fullmatch(r"1[3-9]\d{9}|0\d{9,11}", digits):
        with pytest.raises(ValueError, match="安全管理联系电话"):
            clean_phone(digits, label="安全管理联系电话")
        return
    try:
        kept = clean_phone(digits, label="安全管理联系电话")
    except ValueError as refused:  # a 0… number outside the numbering plan
        kept = str(refused)
    assert kept == "" or re.fullmatch(r"1[3-9]\d{9}|0\d{2,3}-\d{7,8}|安全管理联系电话.*", kept), kept


@pytest.mark.parametrize(
    "typed", ["12345", "6123456", "4008123123", "abc", "1391234567", "139123456789", "23456789012"]
)
def test_not_a_phone_number(typed: str) -> None:
    with pytest.raises(ValueError, match="电话"):
        clean_phone(typed)


@pytest.mark.django_db
def test_every_phone_field_uses_the_rule(api_as, officer, settings: Any) -> None:
    r = api_as(officer).post("/api/v1/enterprises", _enterprise(principal_phone="12345", safety_phone="6123456"))
    assert r.status_code == 422 and {"principal_phone", "safety_phone"} <= set(r.json()["errors"])
    r = api_as(officer).post("/api/v1/enterprises", _enterprise(principal_phone="023 6123 4567"))
    assert r.status_code == 201 and r.json()["principal_phone"] == "023-61234567"
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h"}
    page = Client().post(
        "/tips/report/", {"place": "秀山县", "description": "烟花爆竹仓库超量储存，就在居民楼下", "phone": "12345"}
    )
    assert page.status_code == 422 and "电话不正确" in page.content.decode()
