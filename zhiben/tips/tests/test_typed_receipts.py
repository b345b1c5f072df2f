"""Receipts and other codes as the public types or pastes them (field case 6 and its kind): full-width letters,
a zero-width space, any dash, spaces, lower case — the tip is found, and no strike is counted for it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from zhiben.tips.inputs import TipReport
from zhiben.tips.models import Tip
from zhiben.tips.services import tip_submit

pytestmark = pytest.mark.django_db

_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def variants(receipt: str) -> list[str]:
    groups = receipt.split("-")
    return [
        receipt.translate(_FULLWIDTH),  # ＷＢＤＦ-… from a Chinese IME
        receipt.lower(),
        "\u200b" + receipt + "\u200b",  # pasted with a zero-width space
        "–".join(groups),  # en dash
        "—".join(groups),  # em dash
        "―".join(groups[:2]) + "－" + "‐".join(groups[2:]),  # horizontal bar, full-width hyphen, hyphen
        " ".join(groups),
        "\u3000".join(groups) + "\u00a0",
        "".join(groups),
        " ".join(receipt.replace("-", "")),  # a space after every character
    ]


@pytest.fixture
def receipt(settings: Any) -> str:
    settings.ZHIBEN = {
        **settings.ZHIBEN,
        "TIP_RATE_LIMIT": "1000/h",
        "TIP_RECEIPT_RATE_LIMIT": "1000/h",
        "TIP_RECEIPT_FAILURES": "2/h",  # a single wrong look-up among these would lock the rest out
    }
    cache.clear()
    data = {"region": "500241", "category": "violation", "description": "清溪镇某化工厂夜间违规动火作业"}
    return tip_submit(report=TipReport.model_validate(data))[1]


def test_the_api_finds_the_tip_however_the_receipt_was_typed(receipt: str) -> None:
    client = Client()
    for typed in variants(receipt):
        r = client.get(f"/api/v1/tips/by-receipt/{typed}")
        assert r.status_code == 200, (typed, r.content)
    added = client.post(
        f"/api/v1/tips/by-receipt/{receipt.translate(_FULLWIDTH)}/messages",
        json.dumps({"body": "补充：今晚还在干"}),
        content_type="application/json",
    )
    assert added.status_code == 201


def test_the_page_finds_the_tip_however_the_receipt_was_typed(receipt: str) -> None:
    client = Client(enforce_csrf_checks=True)
    for typed in variants(receipt):
        page = client.get("/tips/check/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        assert token is not None
        r = client.post("/tips/check/", {"csrfmiddlewaretoken": token.group(1), "receipt": typed})
        assert r.status_code == 200 and "违规动火作业" in r.content.decode(), typed


def test_text_that_cannot_be_a_receipt_is_refused_without_a_strike(receipt: str) -> None:
    client = Client()
    for typed in ("", "1234", receipt + "-A", receipt[:-1], receipt[:-1] + "O", "回执码" + receipt[3:]):
        r = client.post("/tips/check/", {"receipt": typed})
        assert r.status_code == 422 and "20位" in r.content.decode(), typed
    # still not locked out: the right code opens the tip (the limit is two strikes)
    assert client.post("/tips/check/", {"receipt": receipt}).status_code == 200
    assert Tip.objects.count() == 1


def test_a_well_formed_unknown_receipt_still_counts(receipt: str) -> None:
    client = Client()
    for _ in range(3):
        assert client.post("/tips/check/", {"receipt": "ABCD-EFGH-JKMN-PQRS-TVWX"}).status_code == 404
    assert client.post("/tips/check/", {"receipt": receipt}).status_code == 429


CODE_FORMS = {
    "full width": lambda c: c.translate(_FULLWIDTH),
    "spaces": lambda c: f"{c[:8]} {c[8:]}",
    "ideographic space, NBSP, lower case": lambda c: f"{c[:4]}\u3000{c[4:8]}\u00a0{c[8:]}".lower(),
    "zero-width": lambda c: f"\u200b{c}\ufeff",
    "dash": lambda c: f"{c[:8]}–{c[8:]}",
}


@pytest.mark.parametrize("form", CODE_FORMS)
def test_a_credit_code_typed_on_the_tip_form_links_the_enterprise(settings, firm, form) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h"}
    cache.clear()
    typed = CODE_FORMS[form](firm.credit_code)
    body = {
        "place": "秀山县",
        "category": "violation",
        "description": "无证经营危险化学品，夜间装卸",
        "credit_code": typed,
    }
    r = Client().post("/tips/report/", body)
    # the report is answered by a redirect to its receipt (POST-redirect-GET)
    assert r.status_code == 303 and r["Location"] == "/tips/report/receipt/", r.content.decode()[:2000]
    assert Tip.objects.get().enterprise_id == firm.pk


@pytest.mark.parametrize("form", CODE_FORMS)
def test_credit_codes_typed_in_bodies_filters_and_paths_are_normalised(api_as, officer, firm, form) -> None:
    typed = CODE_FORMS[form](firm.credit_code)
    assert api_as(officer).get(f"/api/v1/enterprises/{typed}").status_code == 200
    body = {
        "enterprise": typed,
        "title": "消防通道堵塞",
        "level": "general",
        "source": "inspection",
        "discovered_on": "2024-05-01",
    }
    made = api_as(officer).post("/api/v1/hazards", body)
    assert made.status_code == 201, made.content
    listed = api_as(officer).get("/api/v1/hazards", {"enterprise": typed})
    assert listed.status_code == 200 and listed.json()["count"] == 1
