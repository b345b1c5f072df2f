"""A list filtered on a phone (390 px): results first — the filters fold away once sent, and their button
counts the filters set, whether the list is sent by htmx (the hazard, enterprise and accident lists) or as a
page (the tip queue)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _filter_and_see_results(page: Page, url: str, choose: dict[str, str]) -> None:
    page.goto(url)
    summary = page.locator("details[data-filters] > summary")
    expect(summary).to_have_text("筛选")
    summary.click()
    form = page.locator("details[data-filters] form.filters")
    expect(form).to_be_visible()
    for name, value in choose.items():
        form.locator(f"select[name={name}]").select_option(value)
    with page.expect_response(lambda r: "?" in r.url and r.request.method == "GET"):
        form.locator("button[type=submit]").click()
    expect(form).to_be_hidden()
    expect(summary).to_have_text(f"筛选（已选 {len(choose)} 项）")
    expect(page.locator(".result-count")).to_be_in_viewport()


@pytest.mark.parametrize(
    ("path", "choose"),
    [
        ("/hazards/", {"level": "major", "status": "active"}),
        ("/accidents/", {"grade": "general"}),
        ("/tips/", {"category": "major_hazard"}),
    ],
)
def test_filtering_on_a_phone_folds_the_filters_and_counts_them(
    live_server, phone: tuple[Page, PageProblems], path: str, choose: dict[str, str]
) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "county")
    _filter_and_see_results(page, f"{live_server.url}{path}", choose)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems.errors == []
