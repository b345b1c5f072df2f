"""The statistics filings page (/filings/, 16号令 第十四条) on a phone: an officer's roll-up by region and sector
and the list of enterprises are tables of six columns; the page must not scroll sideways, only the tables."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("user", ["county", "firm"])
def test_the_filings_page_fits_a_phone(live_server, phone: tuple[Page, PageProblems], user: str) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, user)
    page.goto(f"{live_server.url}/filings/")
    expect(page.locator("h1")).to_contain_text("隐患排查治理统计报送")
    expect(page.locator("table").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems.errors == []
