"""The public tip pages (no account) and the handlers' pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from zhiben.audit.models import Event
from zhiben.tips.models import Tip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}


def report(client: Client, **fields: str) -> Any:
    body = {
        "place": "秀山县清溪场镇",
        "category": "major_hazard",
        "description": "烟花爆竹仓库超量储存，就在居民楼下",
        **fields,
    }
    return client.post("/tips/report/", body, follow=True)


def test_anyone_reports_on_the_page_and_follows_up_with_the_receipt(township) -> None:
    client = Client()
    assert client.get("/tips/report/").status_code == 200
    r = report(client, name="李四", phone="13912345678")
    assert r.status_code == 200
    found = re.search(r'id="receipt">([A-Z0-9-]+)<', r.content.decode())
    assert found is not None
    receipt = found.group(1)
    tip = Tip.objects.get()
    assert tip.region_code == township and tip.real_name is True  # a name and a way to reach them
    status = client.post("/tips/check/", {"receipt": receipt}).content.decode()
    assert "已受理，核查中" in status and "烟花爆竹仓库" in status
    added = client.post("/tips/check/", {"receipt": receipt, "action": "add", "body": "今天又进了一车货"})
    assert "今天又进了一车货" in added.content.decode()
    assert receipt not in "".join(str(e.payload) for e in Event.objects.all())


def test_the_public_page_names_bad_fields_in_chinese() -> None:
    r = report(Client(), place="朝阳区", description="短")
    text = r.content.decode()
    assert r.status_code == 422 and "北京市 朝阳区" in text and "至少10个字" in text
    assert Tip.objects.count() == 0


def test_a_wrong_receipt_on_the_page_says_only_that() -> None:
    r = Client().post("/tips/check/", {"receipt": "ABCD-EFGH-JKMN-PQRS-TVWX"})
    assert r.status_code == 404 and "回执码不正确" in r.content.decode()


def test_handlers_verify_and_reply_on_the_page(tip_handler, officer, firm_user, township) -> None:
    report(Client())
    tip = Tip.objects.get()
    client = Client()
    client.force_login(tip_handler)
    assert f"#{tip.pk}" in client.get("/tips/").content.decode()
    page = client.get(f"/tips/{tip.pk}/").content.decode()
    assert "查看举报人信息" in page
    r = client.post(f"/tips/{tip.pk}/verify/", {"outcome": "unfounded"})
    assert r.status_code == 302
    client.post(f"/tips/{tip.pk}/reply/", {"facts": "该仓库已于上月关停", "handling": "不予立案"})
    tip.refresh_from_db()
    assert tip.status == "replied" and tip.outcome == "unfounded"
    shown = client.post(f"/tips/{tip.pk}/reporter/").content.decode()
    assert "匿名举报" in shown
    officer_client = Client()
    officer_client.force_login(officer)
    assert "查看举报人信息" not in officer_client.get(f"/tips/{tip.pk}/").content.decode()
    assert officer_client.post(f"/tips/{tip.pk}/reporter/").status_code == 404
    firm_client = Client()
    firm_client.force_login(firm_user)
    assert firm_client.get("/tips/").status_code == 404 and firm_client.get(f"/tips/{tip.pk}/").status_code == 404


def test_a_handling_step_sent_twice_from_its_form_is_taken_once(tip_handler, township) -> None:
    """A double tap or a retry after a lost answer: the reply form's token makes it one reply."""
    report(Client())
    tip = Tip.objects.get()
    client = Client()
    client.force_login(tip_handler)
    assert client.post(f"/tips/{tip.pk}/verify/", {"outcome": "unfounded"}).status_code == 302
    page = client.get(f"/tips/{tip.pk}/").content.decode()
    form = page[page.index(f'action="/tips/{tip.pk}/reply/"') :]
    token = re.search(r'name="form_token" value="([^"]+)"', form)
    assert token is not None, "the reply form carries a form token"
    body = {"facts": "该仓库已于上月关停", "handling": "不予立案", "form_token": token.group(1)}
    before = Event.objects.filter(subject_type="tip").count()
    first = client.post(f"/tips/{tip.pk}/reply/", body)
    again = client.post(f"/tips/{tip.pk}/reply/", body)
    assert {first.status_code, again.status_code} <= {302, 303} and again["Location"] == first["Location"]
    assert Event.objects.filter(subject_type="tip").count() == before + 1
