"""The member units page (/departments/) on a phone: the county's units and the routing table of every sector
(one row each, with a 修改 form for the committee office) must scroll inside their boxes, not the page; the office
sets a sector's lead unit from the phone and the table says so; the ranking of units fits too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_sets_a_lead_unit_on_a_phone(live_server, phone: tuple[Page, PageProblems]) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/departments/")
    expect(page.locator("h1")).to_contain_text("成员单位")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = page.locator("#routing tr", has_text="城镇燃气")
    row.locator("summary", has_text="修改").click()
    row.locator("select[name=lead]").select_option(label="秀山土家族苗族自治县城市管理局")
    row.locator("button", has_text="保存").click()
    row = page.locator("#routing tr", has_text="城镇燃气")
    expect(row).to_contain_text("已设定")
    expect(row.locator("td").nth(1)).to_have_text("秀山土家族苗族自治县城市管理局")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/dashboard/ranking/?region=500241&by=department")
    expect(page.locator("h1")).to_contain_text("成员单位晾晒排名")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems.errors == []
