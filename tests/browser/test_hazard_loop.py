"""The closed loop in a real browser: an enterprise user reports a major hazard with a photo from a
phone, files the plan, uploads evidence and applies for close-out; a county officer approves it."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from zhiben.hazards import rules
from zhiben.hazards.models import Hazard
from zhiben.tests_support import files

from .conftest import PHONE, _context
from .test_enterprise_register import DEMO_CODE, seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_with_a_photo_then_an_officer_closes_it_out(
    live_server, browser: Browser, artifacts: Path, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    seed()
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(files.jpeg((1200, 900), exif_gps=True))

    contexts = _context(browser, **PHONE)
    page, problems = next(contexts)
    sign_in(page, live_server.url, "firm")
    page.goto(f"{live_server.url}/hazards/new/")
    expect(page.locator("#id_enterprise")).to_have_value(DEMO_CODE)
    page.fill("#id_title", "储罐区静电接地失效")
    page.check("input[name=level][value=major]")
    page.select_option("#id_criterion", "AQ3067-5-2-1")  # in force from 2026-09-30 (FACTS §2)
    page.fill("#id_location", "2号储罐区")
    page.set_input_files("#id_files", str(photo))
    page.screenshot(path=str(artifacts / "hazard-report-phone.png"), full_page=True)
    page.click("button[type=submit]")
    expect(page.locator("main h1")).to_have_text("储罐区静电接地失效")
    hazard = Hazard.objects.get(title="储罐区静电接地失效")
    assert hazard.source == "self_check" and hazard.attachments.count() == 1
    expect(page.locator(".thumbs img")).to_have_count(1)

    page.fill("#action-plan [name=responsible_person]", "陈建国")
    page.fill("#action-plan [name=measures]", "重新敷设接地线并检测")
    page.fill("#action-plan [name=funds]", "6000")
    # within the 12-month cap on a rectification period (RECTIFICATION_MAX_MONTHS)
    page.fill("#action-plan [name=deadline]", str(rules.today() + datetime.timedelta(days=90)))
    page.fill("#action-plan [name=interim_measures]", "停用2号储罐，专人巡检")
    page.click("#action-plan button[type=submit]")
    expect(page.locator(".status").first).to_have_text("整改中")

    # rectification evidence is uploaded as such (the photo of the hazard as found is not evidence)
    after = tmp_path / "整改后.jpg"
    after.write_bytes(files.jpeg((1000, 750)))
    page.set_input_files("#attach-form input[type=file]", str(after))
    page.click("#attach-form button[type=submit]")
    expect(page.locator(".thumbs img")).to_have_count(2)
    page.locator("#action-submit summary").click()
    page.fill("#action-submit [name=summary]", "已重新敷设接地线，检测合格")
    evidence = page.locator("#action-submit input[name=attachments]")
    expect(evidence).to_have_count(1)
    expect(evidence).not_to_be_checked()  # chosen, not pre-ticked
    evidence.check()
    page.click("#action-submit button[type=submit]")
    page.click("dialog.confirm button.primary")  # 确认申请销号？
    expect(page.locator(".status").first).to_have_text("待审核销号")
    expect(page.locator("#action-review")).to_have_count(0)  # an enterprise does not review
    page.screenshot(path=str(artifacts / "hazard-submitted-phone.png"), full_page=True)
    assert not problems.errors, problems.errors
    next(contexts, None)

    officer = _context(browser, viewport={"width": 1280, "height": 900})
    page, problems = next(officer)
    sign_in(page, live_server.url, "county")
    page.goto(f"{live_server.url}/hazards/?status=pending_review")
    page.click("text=储罐区静电接地失效")
    page.check("#action-review input[name=decision][value=approve]")
    page.fill("#action-review [name=comment]", "现场核查，接地电阻合格")
    page.click("#action-review button[type=submit]")
    expect(page.locator("dialog.confirm")).to_contain_text("销号后该隐患关闭")
    page.click("dialog.confirm button.primary")
    expect(page.locator(".status").first).to_have_text("已销号")
    expect(page.locator(".timeline")).to_contain_text("审核通过：现场核查，接地电阻合格")
    page.screenshot(path=str(artifacts / "hazard-closed.png"), full_page=True)
    hazard.refresh_from_db()
    assert hazard.status == "closed" and hazard.closed_on is not None
    # the thumbnail is served to the officer, re-encoded without the photo's GPS data
    thumb = page.locator(".thumbs img").first.get_attribute("src")
    response = page.request.get(f"{live_server.url}{thumb}")
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    from PIL import Image

    with Image.open(io.BytesIO(response.body())) as img:
        assert not img.getexif()
    assert not problems.errors, problems.errors
    next(officer, None)
