"""The risk register (风险分级管控清单) on a phone (390×844): the enterprise safety officer's register with its forms
open, a refused event with the error next to the field, and the officers' list of enterprises — the page never
scrolls sideways (the tables scroll inside their boxes)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhiben.risks.tests import factories_register as f

from .conftest import PageProblems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-123"  # tests_support.factories.user


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_the_register_fits_a_phone_and_names_a_bad_factor(live_server, phone: tuple[Page, PageProblems]) -> None:
    firm = f.firm(name="秀山县清溪化工有限公司", risk_level="orange")
    me = f.staff("chem-safety", firm)
    unit = f.unit(me, name="液氯储罐区（一号、二号、三号液氯储罐及汽化器、缓冲罐、尾气吸收装置）")
    event = f.event(me, unit, l=6, e=6, c=40)
    f.measure(me, event, description="储罐区设有毒气体检测报警仪，与紧急切断阀联锁；报警信号传至中控室并设声光报警")
    f.officer("county-risk")
    page, problems = phone
    log_in(page, live_server.url, "chem-safety")
    page.goto(f"{live_server.url}/risks/")
    expect(page.locator("h1")).to_contain_text("风险分级管控清单")
    expect(page.locator("#grade")).to_contain_text("重大风险")
    fits(page)
    for summary in page.locator("summary").all():  # every form open at once: still no sideways scroll
        summary.click()
    fits(page)
    page.goto(f"{live_server.url}/risks/")
    form = page.locator(f"#unit-{unit.pk} details", has_text="登记风险事件").last
    form.locator("summary").click()
    form.locator("input[name=name]").fill("储罐超压")
    form.locator("select[name=l]").select_option("3")
    form.locator("select[name=e]").select_option("6")
    form.locator("button", has_text="登记").click()
    expect(page.locator(".field-error").first).to_contain_text("C（发生事故产生的后果）不能为空")
    fits(page)
    page.context.clear_cookies()
    log_in(page, live_server.url, "county-risk")
    page.goto(f"{live_server.url}/risks/")
    expect(page.locator("table")).to_contain_text("秀山县清溪化工有限公司")
    fits(page)
    # the refused form's answer is a 422 on purpose (the browser logs it); nothing else went wrong
    assert [e for e in problems.errors if "status of 422" not in e] == [], problems.errors
