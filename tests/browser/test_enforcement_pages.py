"""行政处罚, 年度监督检查计划, 执法人员 and 专家库 on a phone (390 px): the county bureau's officer opens each page,
records a penalty on its own and its payment from the phone forms, opens this year's plan with its progress bars;
no page scrolls sideways, only the tables inside their box."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhiben.common import dates
from zhiben.enterprises.models import Enterprise
from zhiben.inspections.models import Penalty

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways on a phone ({width}px)"


def test_enforcement_pages_fit_a_phone(live_server, phone: tuple[Page, PageProblems]) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "county")
    page.goto(f"{live_server.url}/inspections/penalties/")
    expect(page.locator("h1")).to_contain_text("行政处罚")
    fits(page)
    page.click("summary:has-text('登记行政处罚决定')")
    page.click("summary:has-text('常用条款及其规定')")
    expect(page.locator("li", has_text="第一百一十二条").first).to_be_visible()
    fits(page)
    firm = Enterprise.objects.filter(region__code__startswith="500241", sector_id="machinery").order_by("id").first()
    assert firm is not None
    before = Penalty.objects.count()
    page.fill("form.stack input[name=enterprise]", firm.credit_code)  # the filter above has one too
    page.select_option("form.stack select[name=kind]", label="罚款")
    page.fill("input[name=amount]", "8000")
    page.fill("input[name=basis]", "安全生产法 第九十九条")
    page.fill("textarea[name=facts]", "未对安全设备进行经常性维护、保养")
    page.fill("input[name=decided_on]", dates.today().isoformat())
    page.click("form.stack button.primary")
    expect(page.locator("h1")).to_contain_text(firm.name)
    assert Penalty.objects.count() == before + 1
    fits(page)
    page.click("summary:has-text('登记缴纳和执行情况')")
    page.select_option("select[name=payment]", label="已缴纳")
    page.fill("input[name=paid_on]", dates.today().isoformat())
    page.click("form.stack button.primary")
    expect(page.locator("body")).to_contain_text("已登记缴纳和执行情况")
    assert Penalty.objects.latest("id").payment == "paid"
    fits(page)
    page.goto(f"{live_server.url}/inspections/plans/")
    expect(page.locator("h1")).to_contain_text("年度监督检查计划")
    fits(page)
    page.locator("table a").first.click()
    expect(page.locator("h2", has_text="按监管分类")).to_be_visible()
    expect(page.locator("progress").first).to_be_visible()
    fits(page)
    for path, title in (("/inspections/officers/", "执法人员"), ("/inspections/experts/", "专家库")):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_contain_text(title)
        fits(page)
    page.click("summary:has-text('登记专家')")
    fits(page)
    assert problems.errors == []
