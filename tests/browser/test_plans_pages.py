"""The plan pages (/plans/) on a phone: the list, a plan, the board (挂图作战) by action and by unit, a task and the
import preview of the Chongqing plan must scroll inside their tables' boxes, not the page; the lead unit reports
progress from the phone and the committee office accepts the done task (对账销号)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from zhiben.plans.models import Plan

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHONGQING = Path(__file__).resolve().parents[2] / "zhiben" / "demo" / "data" / "chongqing-plan-2024-2026.txt"


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_the_plan_pages_fit_a_phone(live_server, phone: tuple[Page, PageProblems]) -> None:
    seed()
    page, problems = phone
    county, city = Plan.objects.get(region_id="500241"), Plan.objects.get(region_id="50")
    log_in(page, live_server.url, "county")
    for url, heading in (
        ("/plans/", "方案与重点任务"),
        (f"/plans/{county.pk}/", county.title),
        (f"/plans/board/?plan={county.pk}", "挂图作战"),
        (f"/plans/board/?plan={county.pk}&by=unit", "挂图作战"),
        (f"/plans/board/?plan={city.pk}", "挂图作战"),
        (f"/plans/{city.pk}/", city.title[:10]),
    ):
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("h1")).to_contain_text(heading)
        fits(page)
    page.goto(f"{live_server.url}/plans/import/")
    page.set_input_files("input[name=file]", str(CHONGQING))
    page.fill("input[name=region]", "500241")
    page.locator("button", has_text="解析预览").click()
    expect(page.locator("button", has_text="确认保存")).to_be_visible()
    fits(page)
    assert problems.errors == []


def test_the_lead_reports_and_the_office_accepts_on_a_phone(live_server, phone: tuple[Page, PageProblems]) -> None:
    seed()
    page, problems = phone
    task = Plan.objects.get(region_id="500241").tasks.get(number="1")
    log_in(page, live_server.url, "county")
    page.goto(f"{live_server.url}/plans/tasks/{task.pk}/")
    fits(page)
    page.fill("textarea[name=text]", "本月完成复查 15 项")
    page.fill("input[name=percent]", "80")
    page.locator("button", has_text="报送").click()
    expect(page.locator("table")).to_contain_text("本月完成复查 15 项")
    page.locator("button", has_text="标记完成").click()
    expect(page.locator("h1")).to_contain_text("已完成待验收")
    page.context.clear_cookies()
    log_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/plans/tasks/{task.pk}/")
    page.locator("button", has_text="验收销号").click()
    expect(page.locator("h1")).to_contain_text("已销号")
    fits(page)
    assert problems.errors == []
