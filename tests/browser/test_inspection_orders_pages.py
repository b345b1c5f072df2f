"""Orders on a phone (390 px): the county officer opens the unit's orders (the late re-inspection in red), an
inspection's orders with the issue and re-inspection forms open, records a re-inspection from the phone, and
prints an order; the enterprise sees its orders. No page scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhiben.inspections.models import Order, OrderStatus, Reinspection

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_orders_fit_a_phone(live_server, phone: tuple[Page, PageProblems]) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "county")
    page.goto(f"{live_server.url}/inspections/orders/")
    expect(page.locator("h1")).to_contain_text("执法指令")
    expect(page.locator("table .badge.danger").first).to_contain_text("已逾期")
    fits(page)
    late = Order.objects.filter(status=OrderStatus.OPEN, kind="rectify").order_by("reinspection_due").first()
    assert late is not None
    page.goto(f"{live_server.url}/inspections/{late.inspection_id}/orders/")
    expect(page.locator(f"#order-{late.pk}")).to_contain_text("逾期未复查")
    fits(page)
    page.locator(f"#order-{late.pk} summary", has_text="登记复查").click()
    fits(page)
    page.fill(f"#order-{late.pk} textarea[name=verdict]", "报警器仍未更换，整改未完成")
    page.check(f"#order-{late.pk} input[name=passed][value=false]")
    page.locator(f"#order-{late.pk} button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("不合格，拟作出行政处罚")
    fits(page)
    assert Reinspection.objects.filter(order=late, passed=False).exists()
    page.goto(f"{live_server.url}/inspections/orders/{late.pk}/print/")
    expect(page.locator("article.paper h2").first).to_have_text("责令限期整改指令书")
    fits(page)
    fresh = Order.objects.filter(status=OrderStatus.OPEN, kind="rectify").exclude(pk=late.pk).first()
    assert fresh is not None
    page.goto(f"{live_server.url}/inspections/{fresh.inspection_id}/orders/")
    page.locator("summary", has_text="下达现场处理措施决定书").click()
    expect(page.locator("textarea[name=measures_other]")).to_be_visible()
    fits(page)
    assert problems.errors == []


def test_the_enterprise_sees_its_orders_on_a_phone(live_server, phone: tuple[Page, PageProblems]) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "firm")
    page.goto(f"{live_server.url}/inspections/orders/")
    expect(page.locator("table tbody tr").first).to_contain_text("责令限期整改指令书")
    fits(page)
    page.locator("table tbody a").first.click()
    expect(page.locator("h1")).to_contain_text("执法指令")
    expect(page.locator("body")).to_contain_text("前完成整改")
    fits(page)
    assert problems.errors == []
