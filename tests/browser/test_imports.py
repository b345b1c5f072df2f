"""A county officer imports a hazard ledger in a real browser: a file with a bad row is refused with the
report, the corrected file is checked, confirmed and imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from zhiben.enterprises.models import Enterprise
from zhiben.hazards.models import Hazard
from zhiben.imports.tests.test_imports import workbook

from .conftest import PageProblems
from .test_enterprise_register import DEMO_CODE, seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_imports_a_ledger(
    live_server, desktop: tuple[Page, PageProblems], artifacts: Path, tmp_path
) -> None:
    seed()
    page, problems = desktop
    firm = Enterprise.objects.get(credit_code=DEMO_CODE)
    header = ["序号", "企业名称", "统一社会信用代码", "隐患内容", "级别", "来源", "排查日期", "整改时限", "编号"]
    bad = tmp_path / "检查台账.xlsx"
    bad.write_bytes(
        workbook(
            [
                header,
                [1, firm.name, firm.credit_code, "配电箱无门", "一般", "检查", "2024-03-01", "2024-04-01", "T-1"],
                [2, firm.name, firm.credit_code, "安全出口上锁", "特别重大", "检查", "2024-03-01", "", "T-2"],
            ],
            title_rows=["秀山县2024年检查发现隐患台账"],
        )
    )
    before = Hazard.objects.count()
    sign_in(page, live_server.url, "county")
    page.click("nav >> text=台账导入")
    expect(page.locator("main h1")).to_contain_text("台账导入")
    page.select_option("#id_kind", "hazards")
    page.set_input_files("#id_file", str(bad))
    page.click("button[type=submit]")
    expect(page.locator(".badge.danger")).to_have_text("有错误，未导入")
    expect(page.locator("td[data-label=错误]")).to_contain_text("隐患级别取值不正确")
    page.screenshot(path=str(artifacts / "import-errors.png"), full_page=True)
    assert Hazard.objects.count() == before

    good = tmp_path / "检查台账-已改.xlsx"
    good.write_bytes(
        workbook(
            [header, [1, firm.name, firm.credit_code, "配电箱无门", "一般", "检查", "2024-03-01", "2024-04-01", "T-1"]]
        )
    )
    page.click("text=‹ 导入记录")
    page.select_option("#id_kind", "hazards")
    page.set_input_files("#id_file", str(good))
    page.click("button[type=submit]")
    expect(page.locator(".badge.ok")).to_have_text("校验通过，待确认")
    page.screenshot(path=str(artifacts / "import-validated.png"), full_page=True)
    page.click("text=确认导入")
    expect(page.locator("dialog.confirm")).to_contain_text("确认导入？")
    page.click("dialog.confirm button.primary")
    expect(page.locator(".badge.ok")).to_have_text("已导入")
    assert Hazard.objects.filter(external_ref="T-1").count() == 1
    assert problems.errors == []
