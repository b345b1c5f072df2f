"""The working day in a real browser: the to-do page (待办) each worker lands on, the unread count in a
phone's header, the enterprise picker on the hazard and accident forms, and a register list on a phone
(390×844): results first, the filters behind one button, compact cards, a back link that keeps the filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from zhiben.accounts.models import User
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.models import Hazard
from zhiben.notifications.selectors import unread_count
from zhiben.notifications.todo import todo_for

from .conftest import PageProblems
from .test_enterprise_register import DEMO_CODE, DEMO_NAME, PASSWORD, seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.parametrize("username", ["county", "tips", "firm"])
def test_each_worker_lands_on_their_todo_with_the_unread_count_in_the_header(
    live_server, phone: tuple[Page, PageProblems], artifacts: Path, username: str
) -> None:
    seed()
    user = User.objects.get(username=username)
    todo = todo_for(user)
    assert todo.count > 0, f"the demo gives {username} nothing to do"
    page, problems = phone
    log_in(page, live_server.url, username)
    expect(page).to_have_url(f"{live_server.url}/todo/")
    expect(page.locator("#todo-count")).to_have_text(f"共 {todo.count} 项")
    first = todo.items[0]
    expect(page.locator(f"#todo-{first['kind']} a[href='{first['url']}']").first).to_be_visible()
    # the menu is folded on a phone; the unread count is not
    expect(page.locator("nav.nav")).to_be_hidden()
    unread = unread_count(actor=user)
    if unread:
        expect(page.locator("header #unread-count")).to_be_visible()
        expect(page.locator("header #unread-count")).to_have_text(str(unread))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / f"todo-{username}-phone.png"), full_page=True)
    page.locator(f"#todo-{first['kind']} a[href='{first['url']}']").first.click()
    expect(page).to_have_url(f"{live_server.url}{first['url']}")
    assert problems.errors == []


def test_an_officer_finds_the_enterprise_by_name_on_the_hazard_and_accident_forms(
    live_server, desktop: tuple[Page, PageProblems], artifacts: Path
) -> None:
    seed()
    page, problems = desktop
    log_in(page, live_server.url, "county")
    for form in ("/hazards/new/", "/accidents/new/"):
        page.goto(f"{live_server.url}{form}")
        search = page.locator("#id_enterprise-search")
        search.fill("清溪化工")
        option = page.locator("#id_enterprise-options [role=option]").first
        expect(option).to_contain_text(DEMO_NAME)
        expect(option).to_contain_text(DEMO_CODE)
        expect(option).to_contain_text("清溪场镇")
        page.screenshot(path=str(artifacts / f"enterprise-picker{form.replace('/', '-').rstrip('-')}.png"))
        option.click()
        expect(page.locator("#id_enterprise")).to_have_value(DEMO_CODE)
        expect(page.locator(".picker-picked")).to_contain_text(f"已选择：{DEMO_NAME}")
        # typed by hand, the code still says which company it is
        other = Enterprise.objects.filter(region__code__startswith="500241").exclude(credit_code=DEMO_CODE).first()
        assert other is not None
        page.fill("#id_enterprise", other.credit_code)
        page.locator("#id_enterprise").dispatch_event("change")
        expect(page.locator(".picker-picked")).to_contain_text(other.name)
        # an enterprise outside the officer's county is not offered
        far = Enterprise.objects.exclude(region__code__startswith="500241").first()
        assert far is not None
        search.fill(far.name)
        expect(page.locator("#id_enterprise-options")).to_contain_text("没有找到")
    assert problems.errors == []


def test_the_plain_code_input_works_without_the_script(live_server, browser, artifacts: Path) -> None:
    seed()
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "county")
    page.goto(f"{live_server.url}/hazards/new/")
    expect(page.locator("#id_enterprise-search")).to_have_count(0)
    expect(page.locator("#id_enterprise")).to_be_editable()
    context.close()


def test_a_register_list_on_a_phone(live_server, phone: tuple[Page, PageProblems], artifacts: Path) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "county")
    query = "level=major&status=active"
    page.goto(f"{live_server.url}/hazards/?{query}")
    # results first: the count and the first card are on the first screen, the filters folded
    count = page.locator(".result-count")
    expect(count).to_be_in_viewport()
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.locator("details[data-filters] summary")).to_contain_text("筛选（已选 2 项）")
    first_card = page.locator("#results tbody tr").first
    expect(first_card).to_be_visible()
    box = first_card.bounding_box()
    assert box is not None and box["y"] < 844 and box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "hazard-list-phone.png"), full_page=True)
    # the one button unfolds the filters
    page.click("details[data-filters] summary")
    expect(page.locator("form.filters")).to_be_visible()
    # a card opens the hazard; its back link returns to the same filtered list
    page.locator("#results tbody tr td a").first.click()
    expect(page.locator("main h1")).not_to_have_text("隐患清单")
    page.click("text=‹ 隐患清单")
    expect(page).to_have_url(f"{live_server.url}/hazards/?{query}")
    assert Hazard.objects.exists()
    assert problems.errors == []


def test_the_loss_tile_keeps_its_number_on_one_line_at_360px(live_server, browser, artifacts: Path) -> None:
    seed()
    context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "county")
    page.goto(f"{live_server.url}/dashboard/")
    number = page.locator(".tile.amount b").first
    expect(number).to_be_visible()
    height = number.evaluate("b => b.getBoundingClientRect().height")
    line = number.evaluate(
        "b => parseFloat(getComputedStyle(b).lineHeight) || parseFloat(getComputedStyle(b).fontSize) * 1.5"
    )
    assert height < line * 1.5, f"the amount wraps ({height}px for a {line}px line)"
    right = number.evaluate("b => b.getBoundingClientRect().right")
    assert right <= 360
    page.screenshot(path=str(artifacts / "dashboard-loss-360.png"), full_page=True)
    context.close()


def test_a_tip_handler_links_a_tip_to_the_enterprise_found_by_name(
    live_server, desktop: tuple[Page, PageProblems], artifacts: Path
) -> None:
    from zhiben.tips.models import Tip

    seed()
    tip = Tip.objects.filter(status="accepted", category="violation", enterprise__isnull=True).first()
    assert tip is not None, "the demo should have an unmatched tip to verify"
    page, problems = desktop
    log_in(page, live_server.url, "tips")
    page.goto(f"{live_server.url}/tips/{tip.pk}/")
    page.check("input[name=outcome][value=confirmed]")
    page.locator("#id_enterprise-search").fill("清溪化工")
    page.locator("#id_enterprise-options [role=option]").first.click()
    expect(page.locator("#id_enterprise")).to_have_value(DEMO_CODE)
    expect(page.locator(".picker-picked")).to_contain_text(DEMO_NAME)
    page.fill("input[name=fine]", "0")
    page.screenshot(path=str(artifacts / "tip-link-enterprise.png"), full_page=True)
    page.click("text=提交核查结论")
    page.click("dialog.confirm button.primary")  # the verdict cannot be taken back: the page asks first
    expect(page.locator("main")).to_contain_text("已核查")
    tip.refresh_from_db()
    assert tip.enterprise is not None and tip.enterprise.credit_code == DEMO_CODE
    assert problems.errors == []


def test_a_long_unbroken_title_wraps_inside_its_card_on_a_phone(
    live_server, phone: tuple[Page, PageProblems], artifacts: Path
) -> None:
    """A pasted URL as a hazard's title (200 characters, no space) must not widen the page."""
    seed()
    url = "https://example.gov.cn/" + "a" * 177
    firm = User.objects.get(username="firm")
    mine = Hazard.objects.filter(enterprise=firm.enterprise, status__in=("open", "rectifying")).first()
    assert mine is not None
    Hazard.objects.filter(pk=mine.pk).update(title=url)
    page, problems = phone
    log_in(page, live_server.url, "firm")
    expect(page).to_have_url(f"{live_server.url}/todo/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/hazards/?q=example.gov.cn")
    expect(page.locator("#results tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "hazard-list-long-title-phone.png"), full_page=True)
    assert problems.errors == []
