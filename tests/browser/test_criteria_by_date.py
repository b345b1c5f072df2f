"""The report form offers the clauses in force on the discovery date, grouped by standard (FACTS §2): a chemical
firm's hazard found on 2026-09-29 cites 安监总管三〔2017〕121号; one found on 2026-09-30 cites AQ 3067-2026. Changing
the date in a phone's browser reloads the list without a page load."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from .conftest import PHONE, _context
from .test_enterprise_register import seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clause_list_follows_the_discovery_date(live_server, browser: Browser, artifacts: Path) -> None:
    seed()
    contexts = _context(browser, **PHONE)
    try:
        _check(live_server, contexts, artifacts)
    finally:
        contexts.close()


def _check(live_server, contexts, artifacts: Path) -> None:
    page, problems = next(contexts)
    sign_in(page, live_server.url, "firm")
    page.goto(f"{live_server.url}/hazards/new/")
    criterion = page.locator("#id_criterion")

    page.fill("#id_discovered_on", "2026-09-29")
    page.locator("#id_discovered_on").dispatch_event("change")
    expect(criterion.locator("option[value='SAWS121C-1']")).to_have_count(1)
    expect(criterion.locator("option[value^='AQ3067-']")).to_have_count(0)
    # grouped by standard: the group names the edition
    group = criterion.locator("optgroup").filter(has=page.locator("option[value='SAWS121C-1']"))
    expect(group).to_have_count(1)
    label = group.get_attribute("label")
    assert label and "121号" in label, label

    page.fill("#id_discovered_on", "2026-09-30")
    page.locator("#id_discovered_on").dispatch_event("change")
    expect(criterion.locator("option[value='SAWS121C-1']")).to_have_count(0)
    expect(criterion.locator("option[value='AQ3067-5-2-1']")).to_have_count(1)
    page.screenshot(path=str(artifacts / "criteria-by-date-phone.png"), full_page=True)
    assert not problems.errors, problems.errors
