"""Accidents in a real browser: an enterprise user reports one from a phone (graded, flagged late), a
county officer adds a supplementary report that raises the grade, and the dashboard draws the figures."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from zhiben.accidents.models import Accident

from .conftest import PHONE, _context
from .test_enterprise_register import CHART_ANIMATION_MS, DEMO_CODE, seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_from_a_phone_then_a_supplement_raises_the_grade(live_server, browser: Browser, artifacts: Path):
    seed()
    occurred = timezone.localtime() - datetime.timedelta(hours=3)

    phones = _context(browser, **PHONE)  # kept: the context closes when its generator goes
    phone, problems = next(phones)
    sign_in(phone, live_server.url, "firm")
    phone.click("label.nav-button")
    phone.click("nav >> text=事故")
    expect(phone.locator("main h1")).to_contain_text("生产安全事故")
    phone.click("text=＋ 报告事故")
    expect(phone.locator("#id_enterprise")).to_have_value(DEMO_CODE)
    phone.fill("#id_occurred_at", occurred.strftime("%Y-%m-%dT%H:%M"))
    phone.fill("#id_deaths", "-1")
    phone.fill("#id_serious_injuries", "0")
    phone.fill("#id_direct_loss", "120000")
    phone.fill("#id_description", "叉车倒车撞击，致2人死亡")
    phone.click("button[type=submit]")
    expect(phone.locator(".field-error")).to_contain_text("死亡人数不能为负数")
    phone.fill("#id_deaths", "2")
    phone.screenshot(path=str(artifacts / "accident-report-phone.png"), full_page=True)
    phone.click("button[type=submit]")
    expect(phone.locator("main h1")).to_contain_text("事故 #")
    expect(phone.locator(".badges")).to_contain_text("一般事故")
    expect(phone.locator(".badges")).to_contain_text("迟报")  # reported now, three hours later
    accident = Accident.objects.filter(enterprise__credit_code=DEMO_CODE).latest("id")  # the demo has accidents too
    assert accident.enterprise is not None and accident.enterprise.credit_code == DEMO_CODE
    phone.screenshot(path=str(artifacts / "accident-detail-phone.png"), full_page=True)
    # the refused form is answered 422 (the browser logs that status); nothing else went wrong
    assert [e for e in problems.errors if "status of 422" not in e] == [], problems.errors
    next(phones, None)

    desktops = _context(browser, viewport={"width": 1280, "height": 900})
    desktop, problems = next(desktops)
    sign_in(desktop, live_server.url, "county")
    desktop.goto(f"{live_server.url}/accidents/{accident.pk}/")
    desktop.fill("#supplement [name=deaths]", "3")
    desktop.fill("#supplement [name=note]", "1名重伤人员经抢救无效死亡")
    desktop.click("#supplement button[type=submit]")
    desktop.click("dialog.confirm button.primary")  # 确认补报？
    expect(desktop.locator(".badges")).to_contain_text("较大事故")
    expect(desktop.locator(".timeline")).to_contain_text("事故等级由一般升为较大")
    desktop.goto(f"{live_server.url}/accidents/?grade=relatively_major")
    expected = Accident.objects.filter(grade="relatively_major").count()  # the demo has one of its own
    expect(desktop.locator(".result-count")).to_contain_text(f"共 {expected} 起事故")
    desktop.screenshot(path=str(artifacts / "accident-list.png"), full_page=True)

    desktop.click("nav >> text=一屏观全域")
    expect(desktop.locator("#accidents")).to_contain_text("生产安全事故")
    expect(desktop.locator("#chart-accidents svg")).to_have_count(1)
    expect(desktop.locator(".accident-grades")).to_contain_text("较大")
    desktop.wait_for_timeout(CHART_ANIMATION_MS)
    desktop.locator("#accidents").screenshot(path=str(artifacts / "dashboard-accidents.png"))
    assert not problems.errors, problems.errors
    next(desktops, None)
