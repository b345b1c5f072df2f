"""The dual-prevention ledgers (issue 15): the 风险分级管控清单 out and back in through the import engine (stacked
merged headers, full-width text, leading "=" text as for every ledger; all or nothing), the 隐患排查记录台账 of a
period, and the exchange page."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zhiben.audit.models import Event
from zhiben.imports.tests.test_imports import errors_of, run
from zhiben.risks.models import CheckRecord, CheckTask, ControlMeasure, RiskEvent, RiskProfile, RiskUnit
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db
UNIT = {"id": "U-1", "riskUnitName": "罐区", "hazardDep": "A", "hazardLiablePerson": "B"}
HEAD = ["风险分析单元", "单元类型", "责任部门", "责任人", "风险事件", "可能导致的事故类型", "L", "E", "C", "S"]
HEAD += ["风险值", "风险等级", "管控措施", "管控方式", "管控措施分类", "隐患排查内容"]


def book(rows: list[list[Any]], merges: tuple[str, ...] = ()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, as a web system writes it (T10): not a formula
    for rng in merges:
        ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet(data: bytes) -> list[list[Any]]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return wb.get_sheet_by_index(0).to_python()


ROWS = [
    ["液氯储罐区", "场所区域", "储运车间", "张三", "液氯储罐泄漏中毒", "中毒和窒息", 3, 6, 40, None, 720, "重大风险"]
    + ["储罐设液位高低报警并联锁切断进料", "工程技术", "1-4", "检查液位报警和联锁"],
    ["液氯储罐区", "场所区域", "储运车间", "张三", "液氯储罐泄漏中毒", "中毒和窒息", 3, 6, 40, None, None, None]
    + ["配备正压式空气呼吸器", "4", "个体防护", "检查呼吸器压力"],
    ["装卸站台", "作业活动", "储运车间", "李四", "装卸时物体打击", "物体打击", 0.5, 6, 7, None, 21, "低风险"]
    + ["装卸作业持证上岗", "3 操作行为", "3-1 人员资质", "检查作业人员证书"],
]


def test_the_register_ledger_imports_and_exports_the_same_rows(api_as, firm_user, firm) -> None:
    api = api_as(firm_user)
    job = run(api, "risks", book([HEAD, *ROWS]))
    assert job["status"] == "done", job["report"]
    assert job["report"]["create"] == 3
    assert RiskUnit.objects.filter(enterprise=firm).count() == 2
    assert RiskEvent.objects.filter(enterprise=firm).count() == 2
    measure = ControlMeasure.objects.get(description="配备正压式空气呼吸器")
    assert (measure.classify1, measure.classify2) == ("4", "4-2")
    assert ControlMeasure.objects.get(description="装卸作业持证上岗").classify2 == "3-1"
    unit = RiskUnit.objects.get(name="液氯储罐区")
    assert (unit.grade, unit.kind, unit.region_id) == ("red", "place", firm.region_id)
    assert RiskProfile.objects.get(enterprise=firm).grade == "red"

    client = Client()
    client.force_login(firm_user)
    r = client.get(f"/risks/enterprises/{firm.credit_code}/exchange/register.xlsx")
    assert r.status_code == 200
    exported = sheet(r.content)
    assert exported[0][:3] == ["统一社会信用代码", "措施编号", "风险分析单元"]
    assert len(exported) == 4
    assert exported[1][2] == "液氯储罐区" and exported[1][13] == "重大风险" and exported[1][15] == "1 工程技术"
    # the export imported again changes nothing
    again = run(api, "risks", r.content)
    assert again["status"] == "done", again["report"]
    assert (again["report"]["create"], again["report"]["update"], again["report"]["unchanged"]) == (0, 0, 3)
    assert ControlMeasure.objects.filter(enterprise=firm).count() == 3
    # an edit of the export is an update of that measure, found by its number
    edited = [list(row) for row in exported]
    edited[1][14] = "储罐设液位高低报警，高高液位联锁切断进料"
    third = run(api, "risks", book(edited))
    assert third["status"] == "done", third["report"]
    assert third["report"]["update"] == 1
    assert ControlMeasure.objects.filter(description__startswith="储罐设液位高低报警，").count() == 1
    assert ControlMeasure.objects.filter(enterprise=firm).count() == 3


def test_a_stacked_merged_header_under_a_title_is_read_as_one(api_as, firm_user, firm) -> None:
    """The T1 layout of the field cases: a title, then the factors under 风险评价 merged over four columns."""
    top = ["风险分析单元", "单元类型", "责任部门", "责任人", "风险事件", "可能导致的事故类型", "风险评价", None, None]
    top += [None, "风险值", "风险等级", "管控措施", "管控方式", "管控措施分类", "隐患排查内容"]
    under = [None] * 6 + ["L", "E", "C", "S"] + [None] * 6
    rows: list[list[Any]] = [["清溪化工风险分级管控清单", *[None] * 15], top, under, ROWS[0]]
    merges = ("A1:P1", "G2:J2", *(f"{c}2:{c}3" for c in "ABCDEFKLMNOP"))
    job = run(api_as(firm_user), "risks", book(rows, merges))
    assert job["status"] == "done", job["report"]
    assert RiskEvent.objects.get(enterprise=firm).score == 720


def test_full_width_text_and_leading_equals_are_text(api_as, firm_user, firm) -> None:
    row = list(ROWS[2])
    row[0] = "装卸站台（西）"
    row[12] = "=持证上岗"
    row[6], row[7], row[8] = "０.５", "６", "７"  # full-width digits as typed with a Chinese IME
    job = run(api_as(firm_user), "risks", book([HEAD, row]))
    assert job["status"] == "done", errors_of(job)
    assert RiskUnit.objects.get(enterprise=firm).name == "装卸站台（西）"
    assert ControlMeasure.objects.get(enterprise=firm).description == "=持证上岗"


def test_a_bad_row_names_its_cell_and_nothing_is_imported(api_as, firm_user, firm) -> None:
    bad = [list(r) for r in ROWS]
    bad[1][14] = "工程技术"  # 个体防护 is an emergency measure's class
    bad[2][6] = 4  # not an LEC value
    bad[0][11] = "一般风险"  # 720 is 重大
    job = run(api_as(firm_user), "risks", book([HEAD, *bad]))
    assert job["status"] == "invalid"
    found = {(row, column) for row, column, _ in errors_of(job)}
    assert {(3, "O"), (4, "G"), (2, "L")} <= found, errors_of(job)
    assert not RiskUnit.objects.filter(enterprise=firm).exists()


def test_rows_that_disagree_about_one_unit_are_refused(api_as, firm_user) -> None:
    bad = [list(r) for r in ROWS]
    bad[1][2] = "生产车间"
    job = run(api_as(firm_user), "risks", book([HEAD, *bad]))
    assert job["status"] == "invalid"
    assert any(row == 3 and "第 2 行" in message for row, _, message in errors_of(job))


def test_an_enterprise_user_may_not_import_another_enterprise_and_officers_may_not_import(
    api_as, firm_user, officer, other_firm
) -> None:
    job = run(api_as(firm_user), "risks", book([["统一社会信用代码", *HEAD], [other_firm.credit_code, *ROWS[0]]]))
    assert job["status"] == "invalid"
    assert not RiskUnit.objects.exists()
    r = Client()
    r.force_login(officer)
    assert (
        api_as(officer)
        .client.post("/api/v1/imports/risks", {"file": io.BytesIO(book([HEAD]))}, headers=api_as(officer).headers)
        .status_code
        == 403
    )


def test_the_records_ledger_of_a_period(api_as, firm_user, firm, officer, outsider) -> None:
    run(api_as(firm_user), "risks", book([HEAD, ROWS[0]]))
    measure = ControlMeasure.objects.get(enterprise=firm)
    task = CheckTask.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        measure=measure,
        content="检查液位报警和联锁",
        cycle_value=1,
        cycle_unit="day",
        starts_on=datetime.date(2026, 11, 1),
        assignee=firm_user,
    )
    for day in (2, 3, 9):
        opens = timezone.make_aware(datetime.datetime(2026, 11, day))
        CheckRecord.objects.create(
            task=task,
            enterprise=firm,
            region_id=firm.region_id,
            sector_id=firm.sector_id,
            day=datetime.date(2026, 11, day),
            opens_at=opens,
            due_at=opens + datetime.timedelta(days=1),
            status="late" if day == 3 else "done",
            result="pass",
            done_at=opens + datetime.timedelta(hours=9),
            done_by=firm_user,
        )
    client = Client()
    client.force_login(officer)
    base = f"/risks/enterprises/{firm.credit_code}/exchange/records.xlsx"
    r = client.get(base, {"from": "2026-11-01", "to": "2026-11-05"})
    assert r.status_code == 200
    rows = sheet(r.content)
    assert rows[1][0] == "排查日"
    data = rows[2:]
    assert len(data) == 2
    assert data[0][1] == "检查液位报警和联锁" and data[0][2] == "储罐设液位高低报警并联锁切断进料"
    assert [row[10] for row in data] == ["否", "是"]
    assert client.get(base, {"from": "2026-11-05", "to": "2026-11-01"}).status_code == 422
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.get(base).status_code == 404


def test_the_exchange_page_imports_a_document_for_the_firm_only(firm_user, firm, officer) -> None:
    page = f"/risks/enterprises/{firm.credit_code}/exchange/"
    client = Client()
    client.force_login(firm_user)
    r = client.get(page)
    assert r.status_code == 200 and "导入" in r.content.decode()
    doc = json.dumps({"riskUnit": [UNIT]}, ensure_ascii=False).encode()
    r = client.post(page, {"document": SimpleUploadedFile("d.json", doc, content_type="application/json")})
    assert r.status_code == 200 and "已导入" in r.content.decode()
    assert RiskUnit.objects.get(enterprise=firm).name == "罐区"
    r = client.post(page, {"document": SimpleUploadedFile("d.json", b"not json")})
    assert r.status_code == 422 and "不是有效的 JSON" in r.content.decode()
    reader = Client()
    reader.force_login(officer)
    r = reader.get(page)
    assert r.status_code == 200 and 'name="document"' not in r.content.decode()
    assert reader.post(page, {"document": SimpleUploadedFile("d.json", doc)}).status_code == 403
    other = factories.enterprise(region="110105", sector="machinery")
    assert client.get(f"/risks/enterprises/{other.credit_code}/exchange/").status_code == 404


def test_the_enterprise_page_shows_the_figures_and_the_way_to_the_exchange(api_as, firm_user, firm, officer) -> None:
    run(api_as(firm_user), "risks", book([HEAD, *ROWS]))
    client = Client()
    client.force_login(officer)
    body = client.get(f"/enterprises/{firm.credit_code}/").content.decode()
    assert "风险分析单元 2 个 · 管控措施 3 项 · 排查任务 0 项" in body
    assert f'href="/risks/enterprises/{firm.credit_code}/exchange/"' in body


def test_an_admin_names_the_enterprise_per_row(api_as, admin_user, firm, other_firm) -> None:
    head = ["统一社会信用代码", *HEAD]
    missing = run(api_as(admin_user), "risks", book([head, ["", *ROWS[0]]]))
    assert missing["status"] == "invalid"
    assert any(column == "A" and "统一社会信用代码" in message for _, column, message in errors_of(missing))
    job = run(
        api_as(admin_user), "risks", book([head, [firm.credit_code, *ROWS[0]], [other_firm.credit_code, *ROWS[2]]])
    )
    assert job["status"] == "done", errors_of(job)
    assert RiskUnit.objects.get(enterprise=firm).name == "液氯储罐区"
    assert RiskUnit.objects.get(enterprise=other_firm).name == "装卸站台"
    assert RiskProfile.objects.get(enterprise=other_firm).grade == "blue"
    # each enterprise's event counts its own rows
    logged = Event.objects.get(subject_type="risk_exchange", subject_id=str(other_firm.pk)).payload["tables"]
    assert (logged["riskUnit_created"], logged["riskMeasure_created"]) == (1, 1)


def test_names_are_matched_whatever_the_brackets_and_keep_their_spelling(api_as, firm_user, firm) -> None:
    """T5 of the field cases, for units and events: （） and (), full-width letters and stray spaces are one name."""
    first = [list(ROWS[2]), list(ROWS[2])]
    first[0][0], first[1][0] = "装卸站台（西）", "装卸站台(西)"
    first[1][12] = "装卸时设警戒区"
    job = run(api_as(firm_user), "risks", book([HEAD, *first]))
    assert job["status"] == "done", errors_of(job)
    assert list(RiskUnit.objects.filter(enterprise=firm).values_list("name", flat=True)) == ["装卸站台（西）"]
    again = [list(ROWS[2])]
    again[0][0], again[0][4] = "装卸站台 (西)", "装卸时物体打击 "
    second = run(api_as(firm_user), "risks", book([HEAD, *again]))
    assert second["status"] == "done", errors_of(second)
    assert second["report"]["unchanged"] == 1
    assert RiskUnit.objects.get(enterprise=firm).name == "装卸站台（西）"
    assert RiskEvent.objects.filter(enterprise=firm).count() == 1


def test_the_page_downloads_the_document_whole_or_since_a_time(firm_user, firm) -> None:
    client = Client()
    client.force_login(firm_user)
    client.post(
        f"/risks/enterprises/{firm.credit_code}/exchange/",
        {"document": SimpleUploadedFile("d.json", json.dumps({"riskUnit": [UNIT]}).encode())},
    )
    url = f"/risks/enterprises/{firm.credit_code}/exchange/dual-prevention.json"
    r = client.get(url)
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert [u["id"] for u in r.json()["riskUnit"]] == ["U-1"]
    assert client.get(url, {"since": "2099-01-01 00:00:00"}).json()["riskUnit"] == []
    r = client.get(url, {"since": "上周"})
    assert r.status_code == 422 and "起始时间" in r.content.decode()
