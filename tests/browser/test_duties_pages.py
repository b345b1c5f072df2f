"""履职清单 and 督促问责 on a phone (390 px): the county's committee office opens the lists, records a ledger
entry from the phone form, opens a pressure with its document link and follow-up form, and records a new
pressure against a township from the phone; no page scrolls sideways, only the tables inside their box."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from zhiben.common import dates
from zhiben.duties.models import DutyEntry, Pressure

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
    page.click("summary:has-text('履职清单')")  # the office's new-list form, open
    expect(page.locator("select[name=department]")).to_be_visible()
    fits(page)
    page.locator("table a", has_text="县长张三").first.click()
    expect(page.locator("h1")).to_contain_text("县长张三")
    fits(page)
    page.click("summary:has-text('添加清单事项')")
    page.click("summary:has-text('从 Excel 导入')")
    expect(page.locator("input[name=due_text]")).to_be_visible()
    fits(page)
    before = DutyEntry.objects.count()
    page.fill("#entry-form textarea[name=text]", "主持召开县政府常务会议，研究第四季度安全生产工作")
    page.click("#entry-form button[type=submit]")
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


def test_the_committee_office_records_a_pressure_from_a_phone(live_server, phone: tuple[Page, PageProblems]) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/pressures/")
    before = Pressure.objects.count()
    page.click("summary:has-text('登记督促问责措施')")
    fits(page)
    page.select_option("select[name=kind]", label="约谈")
    target = page.locator("select[name=target] optgroup[label='下级区划'] option").first
    value, name = target.get_attribute("value") or "", target.inner_text()
    page.select_option("select[name=target]", value=value)
    page.fill("textarea[name=reason]", "重大事故隐患排查整治进度滞后，连续两个月排名靠后")
    page.fill("input[name=follow_up_due]", (dates.today() + datetime.timedelta(days=15)).isoformat())
    fits(page)
    page.click("details form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(f"约谈：{name}")
    fits(page)
    assert Pressure.objects.count() == before + 1
    made = Pressure.objects.latest("id")
    assert (made.kind, made.target_region_id) == ("interview", value.partition(":")[2])
    assert problems.errors == []
