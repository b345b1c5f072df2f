"""履职清单 and 督促问责 on a phone (390 px): the county's committee office opens the lists, records a ledger
entry from the phone form, and opens a pressure with its document link and follow-up form; no page scrolls
sideways, only the tables inside their box."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhiben.duties.models import DutyEntry

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_duty_lists_and_pressures_fit_a_phone(live_server, phone: tuple[Page, PageProblems]) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/duty-lists/?year=")
    expect(page.locator("h1")).to_contain_text("履职清单")
    fits(page)
    page.locator("table a", has_text="县长张三").first.click()
    expect(page.locator("h1")).to_contain_text("县长张三")
    fits(page)
    before = DutyEntry.objects.count()
    page.fill("textarea[name=text]", "主持召开县政府常务会议，研究第四季度安全生产工作")
    page.click("form[enctype] button[type=submit]")
    expect(page.locator("body")).to_contain_text("已记录事项")
    assert DutyEntry.objects.count() == before + 1
    fits(page)
    page.goto(f"{live_server.url}/pressures/")
    expect(page.locator("h1")).to_contain_text("督促问责")
    fits(page)
    page.locator("table a", has_text="督促函").first.click()
    expect(page.locator("a.button", has_text="督促函")).to_be_visible()
    fits(page)
    assert problems.errors == []
