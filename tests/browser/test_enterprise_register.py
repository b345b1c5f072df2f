"""The enterprise register as an officer sees it in a real browser: sign in, filter, open, scope.

Runs against pytest-django's live server with the demo data (``seed_demo``); run by ``.ci/run`` as
``pytest tests/browser -p no:xdist`` (outside the default testpaths). Screenshots: ``artifacts/``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import Page, expect

from zhiben.enterprises.models import Enterprise
from zhiben.reference.loader import load_reference
from zhiben.reference.models import Sector
from zhiben.regions.loader import load_regions
from zhiben.regions.models import Region

from .conftest import PageProblems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "zhiben-demo-2024"
DEMO_NAME = "秀山县清溪化工有限公司"
DEMO_CODE = "91500241MA5U0DEM30"
CHEMICALS = "hazardous_chemicals"
CHART_ANIMATION_MS = 1500  # ECharts grows the bars for about a second; screenshots wait for it


def seed() -> None:
    """Reference data, then the demo. A transactional test's flush reloads the reference data through
    the post_migrate handler, but a database that was flushed without it must still work."""
    if not Region.objects.filter(code="500241").exists() or not Sector.objects.exists():
        load_regions(Region)
        load_reference(apps)
    call_command("seed_demo", stdout=io.StringIO())


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    # everyone who works items lands on their to-do (待办); the steps after this start from the home page
    expect(page).to_have_url(f"{base_url}/todo/")
    expect(page.locator("main h1")).to_contain_text("待办")
    page.goto(f"{base_url}/")
    expect(page.locator("main h1")).to_contain_text("您好")


def test_county_officer_filters_the_register_and_opens_an_enterprise(
    live_server, desktop: tuple[Page, PageProblems], artifacts: Path
) -> None:
    seed()
    page, problems = desktop
    chemicals = Sector.objects.get(key=CHEMICALS).name
    expected = Enterprise.objects.filter(region__code__prefix="500241", sector_id=CHEMICALS).count()
    assert expected >= 1

    sign_in(page, live_server.url, "county")
    expect(page.locator(".muted").first).to_contain_text("秀山")
    # The sector chart is drawn by ECharts (an npm asset copied by `make assets`).
    expect(page.locator("#sector-chart svg")).to_be_visible()
    page.wait_for_timeout(CHART_ANIMATION_MS)
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)

    page.get_by_role("link", name="企业清单").first.click()
    expect(page).to_have_url(f"{live_server.url}/enterprises/")
    expect(page.locator("main h1")).to_contain_text("企业清单")
    rows = page.locator("#results table tbody tr")
    expect(rows.first).to_be_visible()
    everything = page.locator("#results .result-count b").inner_text()

    # Filtering is an htmx swap of #results, not a page load: a marker set on window survives it.
    page.evaluate("window.__stayed = true")
    swapped = page.expect_response(
        lambda r: f"sector={CHEMICALS}" in r.url and r.request.headers.get("hx-request") == "true"
    )
    with swapped:
        page.select_option("select[name=sector]", CHEMICALS)
    expect(page).to_have_url(re.compile(rf"sector={CHEMICALS}"))
    expect(page.locator("#results .result-count b")).to_have_text(str(expected))
    assert page.evaluate("window.__stayed === true"), "the filter reloaded the page instead of swapping #results"
    assert everything != str(expected)

    sectors = page.locator("#results tbody td[data-label='行业']").all_inner_texts()
    assert len(sectors) == min(expected, 50)
    assert {s.strip() for s in sectors} == {chemicals}
    demo_link = page.locator("#results").get_by_role("link", name=DEMO_NAME)
    expect(demo_link).to_be_visible()
    page.screenshot(path=str(artifacts / "enterprise-list.png"), full_page=True)

    demo_link.click()
    expect(page).to_have_url(f"{live_server.url}/enterprises/{DEMO_CODE}/")
    expect(page.locator("main h1")).to_have_text(DEMO_NAME)
    expect(page.locator("main .mono").first).to_have_text(DEMO_CODE)
    expect(page.locator("main")).to_contain_text("清溪场镇工业园区8号")
    page.screenshot(path=str(artifacts / "enterprise-detail.png"), full_page=True)
    assert problems.errors == []


def test_the_register_is_readable_on_a_phone(live_server, phone: tuple[Page, PageProblems], artifacts: Path) -> None:
    seed()
    page, problems = phone
    sign_in(page, live_server.url, "county")
    expect(page.locator("#sector-chart svg")).to_be_visible()
    page.wait_for_timeout(CHART_ANIMATION_MS)
    page.screenshot(path=str(artifacts / "home-phone.png"), full_page=True)

    page.goto(f"{live_server.url}/enterprises/")
    rows = page.locator("#results table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 10
    width = page.evaluate("window.innerWidth")
    # Nothing sideways: no horizontal scrolling, and each row (a card on a phone) fits the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = rows.first.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width
    name_cell = rows.first.locator("td[data-label='单位名称']")
    expect(name_cell).to_be_visible()
    assert float(name_cell.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 12
    page.screenshot(path=str(artifacts / "enterprise-list-phone-screen.png"))  # what the officer sees first
    page.screenshot(path=str(artifacts / "enterprise-list-phone.png"), full_page=True)
    assert problems.errors == []


def test_a_township_officer_gets_404_for_an_enterprise_outside_the_township(
    live_server, desktop: tuple[Page, PageProblems], artifacts: Path
) -> None:
    seed()
    page, problems = desktop
    elsewhere = Enterprise.objects.exclude(region__code__prefix="500241").order_by("credit_code").first()
    assert elsewhere is not None, "seed_demo registers enterprises in other counties"
    sign_in(page, live_server.url, "town")

    # The township's own enterprise opens (so the 404 below is the scope, not a broken page).
    response = page.goto(f"{live_server.url}/enterprises/{DEMO_CODE}/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("main h1")).to_have_text(DEMO_NAME)
    assert problems.errors == []

    response = page.goto(f"{live_server.url}/enterprises/{elsewhere.credit_code}/")
    assert response is not None
    assert response.status == 404
    content = page.content()
    assert elsewhere.name not in content
    assert elsewhere.credit_code not in content
    page.screenshot(path=str(artifacts / "enterprise-404.png"), full_page=True)
