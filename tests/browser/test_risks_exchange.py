"""The dual-prevention exchange page (/risks/enterprises/<credit_code>/exchange/) on a phone: the enterprise's user
imports a national-interface document and reads the counts; the officer reads the page without the uploads. The
page must not scroll sideways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from zhiben.risks.models import RiskUnit

from .conftest import PageProblems
from .test_enterprise_register import seed
from .test_working_day import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIRM = "91500241MA5U0DEM30"  # the demo's 清溪化工, whose user is ``firm``


def test_the_firm_imports_a_document_on_a_phone(
    live_server, phone: tuple[Page, PageProblems], artifacts: Path, tmp_path: Path
) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "firm")
    page.goto(f"{live_server.url}/risks/enterprises/{FIRM}/exchange/")
    expect(page.locator("h1")).to_contain_text("双重预防数据交换")
    unit = {"id": "PH-1", "riskUnitName": "手机导入的罐区", "hazardDep": "储运车间", "hazardLiablePerson": "周明"}
    document = tmp_path / "dual-prevention.json"
    document.write_text(json.dumps({"riskUnit": [unit]}, ensure_ascii=False), encoding="utf-8")
    page.set_input_files("#id_document", str(document))
    page.locator("#id_document").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    expect(page.locator("[role=status]")).to_contain_text("已导入")
    expect(page.locator("table").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "risks-exchange-phone.png"), full_page=True)
    assert RiskUnit.objects.filter(enterprise__credit_code=FIRM, external_id="PH-1").exists()
    page.goto(f"{live_server.url}/risks/enterprises/{FIRM}/exchange/")  # the import is done: no draft offered
    expect(page.locator("h1")).to_contain_text("双重预防数据交换")
    expect(page.locator(".draft-note")).to_have_count(0)
    assert problems.errors == []


def test_an_officer_reads_the_page_without_the_uploads(live_server, phone: tuple[Page, PageProblems]) -> None:
    seed()
    page, problems = phone
    log_in(page, live_server.url, "county")
    page.goto(f"{live_server.url}/risks/enterprises/{FIRM}/exchange/")
    expect(page.locator("h1")).to_contain_text("双重预防数据交换")
    expect(page.locator("#id_document")).to_have_count(0)
    expect(page.get_by_role("link", name="导出风险分级管控清单")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems.errors == []
