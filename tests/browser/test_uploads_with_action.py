"""A page form that carries files and a hidden ``<input name="action">`` (a task's progress report, a duty list's
items from Excel, a tipster's 补充情况) is sent, with its upload progress bar, to the page's own address — the
control named ``action`` shadows ``form.action`` in the browser, so the upload must not read that property."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.cache import cache
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from zhiben.duties.models import DutyItem, DutyList
from zhiben.plans.models import Plan, ProgressFile
from zhiben.tests_support import files

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_progress_report_with_a_photo_is_sent_from_a_phone(
    live_server, phone: tuple[Page, PageProblems], tmp_path: Path
) -> None:
    seed()
    page, problems = phone
    task = Plan.objects.get(region_id="500241").tasks.get(number="1")
    photo = tmp_path / "site.jpg"
    photo.write_bytes(files.jpeg())
    log_in(page, live_server.url, "county")
    page.goto(f"{live_server.url}/plans/tasks/{task.pk}/")
    page.fill("textarea[name=text]", "现场复查，附照片")
    page.fill("input[name=percent]", "70")
    page.set_input_files("input[name=files]", str(photo))
    page.locator("button", has_text="报送").click()
    expect(page.locator("table")).to_contain_text("现场复查，附照片")
    assert ProgressFile.objects.filter(progress__task=task).count() == 1
    assert page.url.rstrip("/").endswith(f"/plans/tasks/{task.pk}")
    assert problems.errors == []


def test_duty_items_come_in_from_excel_on_a_phone(
    live_server, phone: tuple[Page, PageProblems], tmp_path: Path
) -> None:
    seed()
    page, problems = phone
    duty_list = DutyList.objects.filter(region_id="500241").order_by("pk").first()
    assert duty_list is not None
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "职责内容", "完成时限"])
    sheet.append(["90", "组织汛期安全检查", "2026年6月底前"])
    out = io.BytesIO()
    book.save(out)
    upload = tmp_path / "items.xlsx"
    upload.write_bytes(out.getvalue())
    before = DutyItem.objects.filter(duty_list=duty_list).count()
    log_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/duty-lists/{duty_list.pk}/")
    page.click("summary:has-text('从 Excel 导入')")
    page.set_input_files("input[name=file]", str(upload))
    page.locator("form:has(input[value=import]) button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已导入 1 项清单事项")
    assert DutyItem.objects.filter(duty_list=duty_list).count() == before + 1
    assert problems.errors == []


def test_a_tipster_adds_a_photo_on_the_receipt_page(
    live_server, phone: tuple[Page, PageProblems], tmp_path: Path, settings
) -> None:
    """The public 补充情况 form (hidden ``action=add``): the photo reaches the tip, not a 404 page."""
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}
    seed()
    page, problems = phone
    photo = tmp_path / "scene.jpg"
    photo.write_bytes(files.jpeg())
    page.goto(f"{live_server.url}/tips/report/")
    page.fill("#id_place", "秀山县清溪场镇")
    page.select_option("#id_category", "major_hazard")
    page.fill("#id_description", "烟花爆竹仓库超量储存，仓库就在居民楼一楼")
    page.fill("#id_phone", "13912345678")
    page.click("button[type=submit]")
    receipt = page.locator("#receipt").inner_text().strip()
    page.goto(f"{live_server.url}/tips/check/")
    page.fill("#id_receipt", receipt)
    page.click("button[type=submit]")
    page.fill("#tip-addition textarea[name=body]", "补充一张现场照片")
    page.set_input_files("#tip-addition input[name=files]", str(photo))
    page.click("#tip-addition button[type=submit]")
    expect(page.locator("#tip-addition")).to_contain_text("已收到您的补充")
    assert problems.errors == []
