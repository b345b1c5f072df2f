"""The dashboard (一屏观全域) and the ranking (晾晒) in a real browser: a county officer reads the figures,
the charts draw, a figure opens the hazard list behind it, a region drills down, the ranking downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from zhiben.accounts.models import User
from zhiben.analytics.selectors import dashboard_data

from .conftest import PageProblems
from .test_enterprise_register import CHART_ANIMATION_MS, seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _number(text: str) -> int:
    return int(text.replace(",", "").strip())


def test_county_officer_reads_the_dashboard_and_follows_a_figure(
    live_server, desktop: tuple[Page, PageProblems], artifacts: Path
) -> None:
    seed()
    page, problems = desktop
    officer = User.objects.get(username="county")
    data = dashboard_data(actor=officer)
    headline = data["headline"]
    assert headline["total"] > 0 and headline["overdue"] > 0, "the demo data should have overdue hazards"

    sign_in(page, live_server.url, "county")
    page.click("nav >> text=一屏观全域")
    expect(page.locator("main h1")).to_contain_text("一屏观全域")
    tiles = page.locator(".tiles .tile b")
    expect(tiles.nth(0)).to_have_text(f"{headline['open_major']:,}")
    expect(tiles.nth(1)).to_have_text(f"{headline['overdue']:,}")
    expect(tiles.nth(2)).to_have_text(f"{headline['stock_remaining']:,}")
    # every chart drew (ECharts, served from our own static files, SVG renderer)
    for chart in ("regions", "months", "sectors", "sources"):
        expect(page.locator(f"#chart-{chart} svg")).to_have_count(1)
    page.wait_for_timeout(CHART_ANIMATION_MS)
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

    # the overdue figure opens the list of exactly those hazards
    page.locator(".tiles .tile").nth(1).click()
    expect(page.locator("main h1")).to_contain_text("隐患清单")
    expect(page.locator(".result-count b")).to_have_text(f"{headline['overdue']:,}")
    expect(page.locator("td[data-label=期限] .badge.danger").first).to_have_text("逾期")

    # drill down to a township that has hazards: the figures are that subtree's
    page.go_back()
    child = next(g for g in data["regions"] if g["key"] != data["region"] and g["total"] > 0)
    page.click(f"a[href='?region={child['key']}']")
    expect(page).to_have_url(f"{live_server.url}/dashboard/?region={child['key']}")
    expect(page.locator(".tiles .tile b").nth(1)).to_have_text(f"{child['overdue']:,}")

    # the ranking, and its Excel download
    page.goto(f"{live_server.url}/dashboard/ranking/")
    expect(page.locator("main h1")).to_contain_text("晾晒")
    page.screenshot(path=str(artifacts / "ranking.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert problems.errors == []


def test_the_dashboard_fits_a_phone(live_server, phone: tuple[Page, PageProblems], artifacts: Path) -> None:
    seed()
    page, problems = phone
    sign_in(page, live_server.url, "town")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("#chart-regions svg")).to_have_count(1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the dashboard scrolls sideways on a phone ({width}px)"
    page.wait_for_timeout(CHART_ANIMATION_MS)
    page.screenshot(path=str(artifacts / "dashboard-phone.png"), full_page=True)
    assert problems.errors == []
