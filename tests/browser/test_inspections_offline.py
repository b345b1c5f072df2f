"""The inspection on a phone (390 px) on a weak connection: the county officer fills the new-inspection form,
loses the network, submits — the submission is kept on the phone with a banner saying so —, reloads the page
without network and finds the form as filled, and when the network comes back the inspection is recorded once.
Then the checklist: a line failed with its note while offline, saved when back online, once. No page scrolls
sideways."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from zhiben.enterprises.models import Enterprise
from zhiben.inspections.models import CheckItem, Inspection, LawOfficer

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BANNER = "网络已断开，已保存在本机，恢复后自动提交"
PLACE = "二号仓库及装卸平台"


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def _kept_by_the_worker(page: Page) -> None:
    """The page is controlled by the inspection pages' service worker and kept on the phone."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        """() => caches.open("zhiben-inspections-v1").then(c => c.match(location.pathname + location.search))
            .then(hit => !!hit)"""
    )


def test_an_inspection_survives_a_lost_network_and_is_recorded_once(
    live_server, phone: tuple[Page, PageProblems], artifacts: Path
) -> None:
    seed()
    page, problems = phone
    firm = Enterprise.objects.filter(region__code__prefix="500241", sector_id="hazardous_chemicals").exclude(
        credit_code="91500241MA5U0DEM30"
    ).first() or Enterprise.objects.get(credit_code="91500241MA5U0DEM30")
    before = Inspection.objects.count()
    log_in(page, live_server.url, "county")
    page.goto(f"{live_server.url}/inspections/new/")
    expect(page.locator("h1")).to_have_text("登记检查")
    _kept_by_the_worker(page)
    fits(page)
    page.fill("#id_enterprise", firm.credit_code)
    page.select_option("#id_kind", "special")
    page.fill("#id_place", PLACE)
    page.check("input[name=flags][value=unannounced]")
    page.locator(".team-list li", has_text="刘强").locator("input[name=officers]").check()
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('zb-draft:') && localStorage[k].includes('二号仓库'))"
    )
    page.context.set_offline(True)
    page.click("#inspection-new button[type=submit]")
    expect(page.locator("[data-offline-banner]")).to_have_text(BANNER)
    assert Inspection.objects.count() == before
    page.screenshot(path=str(artifacts / "inspection-offline-queued.png"), full_page=True)
    # a reload without network: the page from the phone, the form as it was filled, the submission still kept
    page.reload()
    expect(page.locator("#id_place")).to_have_value(PLACE)
    expect(page.locator("#id_enterprise")).to_have_value(firm.credit_code)
    expect(page.locator("[data-offline-banner]")).to_have_text(BANNER)
    assert page.locator("input[name=flags][value=unannounced]").is_checked()
    assert Inspection.objects.count() == before
    # sent by hand again while offline: queued again, with the same key
    page.click("#inspection-new button[type=submit]")
    expect(page.locator("[data-offline-banner]")).to_have_text(BANNER)
    page.context.set_offline(False)
    page.wait_for_url(f"{live_server.url}/inspections/*/")
    expect(page.locator("h1")).to_contain_text(firm.name)
    assert Inspection.objects.count() == before + 1
    made = Inspection.objects.get(place=PLACE)
    own = LawOfficer.objects.get(user__username="county").name  # the signed-in officer leads
    assert made.flags == ["unannounced"] and sorted(made.team.values_list("name", flat=True)) == sorted(["刘强", own])
    fits(page)
    page.screenshot(path=str(artifacts / "inspection-checklist-phone.png"), full_page=False)

    # the checklist: one line failed with a note while offline, saved once the network is back
    line = made.items.order_by("position").first()
    assert line is not None
    _kept_by_the_worker(page)
    row = page.locator(f"#item-{line.pk}")
    row.locator("label", has_text="不符合").click()
    row.locator("input.note").fill("紧急切断阀旁路")
    page.context.set_offline(True)
    page.click("#checklist-form button[value=save]")
    expect(page.locator("[data-offline-banner]").first).to_have_text(BANNER)
    assert CheckItem.objects.get(pk=line.pk).result == "pending"
    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.readyState === 'complete' && !document.querySelector('[data-offline-banner]:not([hidden])')"
    )
    expect(page.locator(f"#item-{line.pk} input[value=fail]")).to_be_checked()
    saved = CheckItem.objects.get(pk=line.pk)
    assert (saved.result, saved.note) == ("fail", "紧急切断阀旁路")
    assert Inspection.objects.count() == before + 1
    fits(page)
    # the browser reports each request the network refused while it was off; nothing else went wrong
    assert [e for e in problems.errors if "ERR_INTERNET_DISCONNECTED" not in e] == [], problems.errors


def test_the_inspection_pages_fit_a_phone(live_server, phone: tuple[Page, PageProblems], artifacts: Path) -> None:
    seed()
    page, problems = phone
    done = Inspection.objects.get(client_key="demo-inspection-completed-0001")
    log_in(page, live_server.url, "county")
    for url, heading in (
        ("/inspections/", "监督检查"),
        (f"/inspections/{done.pk}/", done.enterprise.name),
        ("/inspections/new/", "登记检查"),
    ):
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("h1")).to_contain_text(heading)
        fits(page)
    page.goto(f"{live_server.url}/inspections/{done.pk}/")
    expect(page.locator("#findings")).to_contain_text("重大")
    page.screenshot(path=str(artifacts / "inspection-done-phone.png"), full_page=True)
    # the enterprise's own view: its inspections, the findings to rectify, read only
    page.context.clear_cookies()
    log_in(page, live_server.url, "firm")
    page.goto(f"{live_server.url}/inspections/")
    expect(page.locator("h1")).to_contain_text("本企业检查记录")
    fits(page)
    page.locator("table a", has_text=done.enterprise.name).first.click()
    expect(page.locator("#findings a").first).to_be_visible()
    assert page.locator("#checklist-form").count() == 0
    fits(page)
    assert problems.errors == [], problems.errors
