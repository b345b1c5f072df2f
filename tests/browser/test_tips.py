"""A member of the public reports a danger from a phone without an account, keeps the receipt, and sees
the outcome after a tip handler verifies it; the handler's pages never show who reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, expect

from zhiben.tips.models import Tip

from .conftest import PHONE, _context
from .test_enterprise_register import seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tip_from_a_phone_and_its_receipt(live_server, browser: Browser, artifacts: Path, settings) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}
    seed()
    before = set(Tip.objects.values_list("pk", flat=True))  # the demo data has tips of its own
    contexts = _context(browser, **PHONE)
    handler_ctx = _context(browser, viewport={"width": 1280, "height": 900})
    try:
        _report_then_follow(live_server, artifacts, contexts, handler_ctx, before)
    finally:
        # closed here, in the test: a generator left to the garbage collector would close its context
        # from inside Playwright's event loop at exit, and hang the run
        contexts.close()
        handler_ctx.close()


def _report_then_follow(live_server, artifacts: Path, contexts, handler_ctx, before: set[int]) -> None:
    page, problems = next(contexts)
    page.goto(f"{live_server.url}/tips/report/")
    expect(page.locator("h1")).to_contain_text("举报")
    page.fill("#id_place", "秀山县清溪场镇")
    page.select_option("#id_category", "major_hazard")
    page.fill("#id_enterprise_name", "清溪烟花爆竹批发部")
    page.fill("#id_description", "烟花爆竹仓库超量储存，仓库就在居民楼一楼，晚上还有人在里面抽烟")
    page.fill("#id_phone", "13912345678")
    page.screenshot(path=str(artifacts / "tip-report-phone.png"), full_page=True)
    page.click("button[type=submit]")
    receipt = page.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){4}", receipt)
    page.screenshot(path=str(artifacts / "tip-receipt-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the receipt page scrolls sideways on a phone ({width}px)"

    # a tip handler verifies it (desktop), never seeing the phone number on the pages
    handler, handler_problems = next(handler_ctx)
    sign_in(handler, live_server.url, "tips")
    tip = Tip.objects.exclude(pk__in=before).get()
    handler.goto(f"{live_server.url}/tips/{tip.pk}/")
    expect(handler.locator("main h1")).to_contain_text(f"举报 #{tip.pk}")
    assert "13912345678" not in handler.content()
    handler.check("input[name=outcome][value=unfounded]")
    handler.click("text=提交核查结论")
    # not founded is final: the dialog names what happens, and 取消 changes nothing
    expect(handler.locator("dialog.confirm")).to_contain_text("不属实")
    handler.click("dialog.confirm >> text=取消")
    expect(handler.locator("dialog.confirm")).to_have_count(0)
    tip.refresh_from_db()
    assert tip.status == "accepted"
    handler.click("text=提交核查结论")
    handler.click("dialog.confirm button.primary")
    # 应急〔2023〕106号 (FACTS §3): the reply states the facts found and the handling
    handler.fill("textarea[name=body]", "经核查，该批发部已于上月取得许可并搬离居民楼。")
    handler.fill("#id_facts", "批发部已取得许可，仓库已搬离居民楼，现场未见超量储存。")
    handler.fill("#id_handling", "不予立案；已告知属地镇政府加强巡查。")
    handler.click("text=答复举报人")
    handler.click("dialog.confirm button.primary")
    expect(handler.locator(".badges .badge").first).to_contain_text("已答复")

    # back on the phone, the receipt alone shows the outcome and the reply
    page.goto(f"{live_server.url}/tips/check/")
    page.fill("#id_receipt", receipt.lower())
    page.click("button[type=submit]")
    expect(page.locator("#tip-status")).to_have_text("已答复")
    expect(page.locator("main")).to_contain_text("已于上月取得许可")
    page.screenshot(path=str(artifacts / "tip-status-phone.png"), full_page=True)
    assert problems.errors == [] and handler_problems.errors == []
