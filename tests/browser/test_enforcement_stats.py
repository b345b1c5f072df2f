"""The enforcement statistics on a phone: the committee office opens 执法统计 from the dashboard's 执法检查 card;
the tables by region and by unit (the zero-penalty unit highlighted), the closure proposals and the 有问题查不出 list
scroll inside their boxes, not the page; drilling down to a township keeps the period."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_reads_the_enforcement_statistics_on_a_phone(
    live_server, phone: tuple[Page, PageProblems], artifacts: Path
) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/dashboard/")
    card = page.locator("#enforcement")
    expect(card).to_contain_text("只检查不处罚的单位")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card.locator("a", has_text="执法统计").click()
    expect(page.locator("h1")).to_contain_text("执法统计")
    expect(page.locator("#departments tr.zero-penalty")).to_contain_text("住房和城乡建设局")
    expect(page.locator("#closures")).to_contain_text("180日内3次")
    expect(page.locator("#missed")).to_contain_text("涉及重点监管危险化工工艺的装置未实现自动化控制")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "enforcement-stats-phone.png"), full_page=True)
    page.locator("#regions a").first.click()
    expect(page.locator("h1")).to_contain_text("执法统计")
    assert "from=" in page.url and "region=500241" in page.url and page.url != f"{live_server.url}/inspections/stats/"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems.errors == []
