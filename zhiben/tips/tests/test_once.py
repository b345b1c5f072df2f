"""A tip is sent once: a double tap or a retry of the same form gives one tip and the same receipt, the
receipt page is a GET that a reload repeats harmlessly, and only the sender's browser sees it again."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from zhiben.common.models import Submission
from zhiben.tips.models import Tip, TipAttachment, TipMessage
from zhiben.tips.receipts import digest

pytestmark = pytest.mark.django_db

TOKEN = "double-tap-token-0123456789"
BODY = {
    "place": "秀山县清溪场镇",
    "category": "major_hazard",
    "description": "烟花爆竹仓库超量储存，就在居民楼下",
    "phone": "13912345678",
}


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any, township: Any) -> None:
    # the township named in BODY's place exists (an unknown township is refused, not taken as its county)
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}


def _receipt(response: Any) -> str:
    found = re.search(r'id="receipt">([A-Z0-9-]+)<', response.content.decode())
    assert found is not None, response.content.decode()[:500]
    return found.group(1)


def test_the_form_carries_a_fresh_token_each_time() -> None:
    pages = [Client().get("/tips/report/").content.decode() for _ in range(2)]
    tokens = [re.search(r'name="form_token" value="([^"]+)"', p) for p in pages]
    assert all(tokens) and tokens[0].group(1) != tokens[1].group(1)  # type: ignore[union-attr]


def test_a_double_tap_makes_one_tip_and_shows_the_first_receipt_again() -> None:
    phone = Client()
    first = phone.post("/tips/report/", {**BODY, "form_token": TOKEN})
    assert first.status_code == 303 and first["Location"] == "/tips/report/receipt/"
    receipt = _receipt(phone.get(first["Location"]))
    second = phone.post("/tips/report/", {**BODY, "form_token": TOKEN}, follow=True)
    assert _receipt(second) == receipt
    assert Tip.objects.count() == 1 and Tip.objects.get().receipt_digest == digest(receipt)
    # a reload of the receipt page is a GET: the same receipt, still one tip
    assert _receipt(phone.get("/tips/report/receipt/")) == receipt
    assert Tip.objects.count() == 1
    # the token is not kept, nor the receipt in clear
    row = Submission.objects.get()
    assert TOKEN not in row.key and receipt.encode() not in bytes(row.result or b"")


def test_the_same_token_from_another_browser_gets_the_receipt_only_with_the_token() -> None:
    Client().post("/tips/report/", {**BODY, "form_token": TOKEN})
    stranger = Client()
    page = stranger.get("/tips/report/receipt/", follow=True)
    assert 'id="receipt"' not in page.content.decode() and "回执页面已过期" in page.content.decode()
    assert Tip.objects.count() == 1


def test_a_retry_after_a_lost_answer_is_answered_without_a_second_tip_even_from_a_new_session() -> None:
    Client().post("/tips/report/", {**BODY, "form_token": TOKEN})
    retry = Client().post("/tips/report/", {**BODY, "form_token": TOKEN}, follow=True)
    assert 'id="receipt"' in retry.content.decode()
    assert Tip.objects.count() == 1


def test_a_refused_form_keeps_its_token_usable_for_the_corrected_one() -> None:
    client = Client()
    refused = client.post("/tips/report/", {**BODY, "description": "短", "form_token": TOKEN})
    assert refused.status_code == 422 and 'name="form_token"' in refused.content.decode()
    assert Submission.objects.count() == 0
    sent = client.post("/tips/report/", {**BODY, "form_token": TOKEN}, follow=True)
    assert 'id="receipt"' in sent.content.decode() and Tip.objects.count() == 1


def test_two_forms_make_two_tips() -> None:
    client = Client()
    a = _receipt(client.post("/tips/report/", {**BODY, "form_token": TOKEN}, follow=True))
    b = _receipt(client.post("/tips/report/", {**BODY, "form_token": TOKEN + "-2"}, follow=True))
    assert a != b and Tip.objects.count() == 2


def test_a_form_without_a_token_still_works() -> None:
    page = Client().post("/tips/report/", BODY, follow=True)
    assert 'id="receipt"' in page.content.decode() and Tip.objects.count() == 1


def test_an_expired_submission_is_forgotten(settings: Any) -> None:
    client = Client()
    client.post("/tips/report/", {**BODY, "form_token": TOKEN})
    Submission.objects.update(created_at="2000-01-01T00:00:00Z")
    assert "回执页面已过期" in client.get("/tips/report/receipt/", follow=True).content.decode()


def test_an_addition_sent_twice_is_added_once() -> None:
    client = Client()
    receipt = _receipt(client.post("/tips/report/", {**BODY, "form_token": TOKEN}, follow=True))
    photo = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    for _ in range(2):
        r = client.post(
            "/tips/check/",
            {
                "receipt": receipt,
                "action": "add",
                "body": "今天又进了一车货",
                "form_token": "addition-token-0123456789",
                "files": SimpleUploadedFile("a.pdf", photo, content_type="application/pdf"),
            },
        )
        assert r.status_code == 200 and "已收到您的补充" in r.content.decode()
    assert TipMessage.objects.filter(from_reporter=True).count() == 1
    assert TipAttachment.objects.count() <= 1


@pytest.mark.django_db(transaction=True)
def test_two_copies_at_once_make_one_tip() -> None:
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    answers: list[str] = []

    def send() -> None:
        try:
            answers.append(_receipt(Client().post("/tips/report/", {**BODY, "form_token": TOKEN}, follow=True)))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Tip.objects.count() == 1 and len(set(answers)) == 1
