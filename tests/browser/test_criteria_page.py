"""The criteria catalogue (/criteria/) on a phone (390 px) and a laptop: its source lines quote long URLs,
which must wrap instead of widening the page (a phone would zoom the whole catalogue out to be unreadable)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_catalogue_fits_the_screen(live_server, request: pytest.FixtureRequest, device: str) -> None:
    seed()
    page, problems = request.getfixturevalue(device)
    assert isinstance(page, Page) and isinstance(problems, PageProblems)
    log_in(page, live_server.url, "town")
    page.goto(f"{live_server.url}/criteria/?standard=AQ3067&on=2026-12-01")
    expect(page.locator("h1")).to_have_text("重大事故隐患判定标准")
    expect(page.get_by_text("AQ 3067-2026").first).to_be_visible()
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert problems.errors == []
