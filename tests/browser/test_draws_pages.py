"""双随机 draws on a phone (390 px): the public announcement page (no login) with the demo's published and
discarded draws, its verify button answering in place; the county officer draws, opens the picks and publishes
from the phone. No page scrolls sideways; no script error."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from zhiben.inspections.models import Draw

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_public_page_fits_a_phone_and_verifies_in_place(
    live_server, phone: tuple[Page, PageProblems], artifacts: Path
) -> None:
    seed()
    page, problems = phone
    page.goto(f"{live_server.url}/inspections/draws/public/")
    expect(page.locator("h1")).to_contain_text("双随机抽查公告")
    expect(page.locator("article.draw-card.discarded")).to_contain_text("已作废")
    fits(page)
    published = page.locator("article.draw-card.published").first
    published.locator("[data-verify-draw]").click()
    expect(published.locator(".verify-out")).to_contain_text("核验一致")
    fits(page)
    page.screenshot(path=str(artifacts / "draws-public-phone.png"), full_page=True)
    page.click("summary:has-text('算法说明')")
    fits(page)
    assert problems.errors == []


def test_the_county_officer_draws_and_publishes_from_a_phone(
    live_server, phone: tuple[Page, PageProblems], artifacts: Path
) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "county")
    page.goto(f"{live_server.url}/inspections/draws/")
    expect(page.locator("h1")).to_contain_text("双随机抽查")
    fits(page)
    page.click("summary:has-text('新的抽取')")
    page.fill("input[name=title]", "手机端抽查测试")
    page.fill("input[name=enterprises]", "2")
    page.click("button:has-text('抽取')")
    expect(page.locator("h1")).to_contain_text("手机端抽查测试")
    expect(page.locator("a:has-text('开始检查')")).to_have_count(2)
    fits(page)
    page.screenshot(path=str(artifacts / "draws-detail-phone.png"), full_page=True)
    page.click("button:has-text('公告')")
    expect(page.locator(".draw-state")).to_contain_text("已公告")
    assert Draw.objects.get(title="手机端抽查测试").status == "published"
    fits(page)
    assert problems.errors == []
