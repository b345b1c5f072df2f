"""Ledgers as counties circulate them: headers stacked over two or three rows with merged cells, under
title and 填报 rows; a header row with its lower half deleted; dates written by web systems as instants;
Chinese punctuation in names. Built here with openpyxl, plus the handed field cases when present."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from zhiben.analytics.tallies import tally_drift
from zhiben.audit.models import Event
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.models import Hazard
from zhiben.tests_support import factories

from .test_imports import run

pytestmark = pytest.mark.django_db
CASES = Path("/work/shared/cases/field-2026-11")


def book(rows: list[list[Any]], merges: tuple[str, ...] = ()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed as text (openpyxl would make it a formula)
    for rng in merges:
        ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def stacked_hazard_ledger(code: str, *, lower_row: bool = True) -> bytes:
    """The T1 layout: a title, a 填报 row, 整改情况 merged over three columns, the rest merged down."""
    rows: list[list[Any]] = [
        ["某某公司事故隐患排查治理台账"],
        ["填报单位（盖章）：   填报人：张某   填报日期：2024年3月28日"],
        ["序号", "企业名称", "统一社会信用代码", "排查日期", "隐患部位", "隐患内容", "隐患等级", "隐患来源"]
        + ["整改情况", None, None, "备注"],
    ]
    if lower_row:
        rows.append([None] * 8 + ["整改措施", "整改责任人", "整改期限", None])
    rows += [
        [1, "清溪化工", code, datetime.date(2024, 3, 20), "2号罐区", "防火堤内堆放杂物", "一般隐患", "企业自查"]
        + ["清理杂物", "李某", datetime.date(2024, 4, 5), None],
        [2, "清溪化工", code, datetime.date(2024, 3, 21), "配电室", "配电室挡鼠板缺失", "一般隐患", "企业自查"]
        + ["加装挡鼠板", "王某", datetime.date(2024, 4, 10), None],
    ]
    merges = ["A1:L1", "A2:L2"]
    if lower_row:
        merges += [f"{c}3:{c}4" for c in "ABCDEFGHL"] + ["I3:K3"]
    return book(rows, tuple(merges))


def deadlines() -> dict[str, datetime.date | None]:
    return {h.title: h.deadline for h in Hazard.objects.all()}


WANTED = {"防火堤内堆放杂物": datetime.date(2024, 4, 5), "配电室挡鼠板缺失": datetime.date(2024, 4, 10)}


def test_a_two_row_merged_header_is_read_as_one(api_as, officer, firm) -> None:
    job = run(api_as(officer), "hazards", stacked_hazard_ledger(firm.credit_code))
    report = job["report"]
    assert job["status"] == "done", report
    assert (report["header_row"], report["header_rows"], report["create"]) == (3, 2, 2)
    assert report["columns"]["整改情况/整改期限"] == "整改期限"
    # every column is mapped or named as ignored: nothing is dropped in silence
    assert set(report["ignored_columns"]) == {"序号", "整改情况/整改措施", "整改情况/整改责任人"}
    assert deadlines() == WANTED


def test_a_header_whose_lower_row_was_deleted_still_gives_the_deadlines(api_as, officer, firm) -> None:
    job = run(api_as(officer), "hazards", stacked_hazard_ledger(firm.credit_code, lower_row=False))
    report = job["report"]
    assert job["status"] == "done", report
    assert deadlines() == WANTED
    assert any("整改期限" in why and "K列" in why for why in report["inferred_columns"]), report
    assert "J列（无列名）" in report["ignored_columns"] and "整改情况" in report["ignored_columns"]


def test_filling_in_a_blank_deadline_on_reimport_is_an_addition(api_as, officer, firm) -> None:
    header = ["统一社会信用代码", "隐患内容", "隐患等级", "隐患来源", "排查日期"]
    first = [
        [firm.credit_code, t, "一般", "检查", d]
        for t, d in (("防火堤内堆放杂物", "2024-03-20"), ("配电室挡鼠板缺失", "2024-03-21"))
    ]
    assert run(api_as(officer), "hazards", book([header, *first]))["report"]["create"] == 2
    assert set(deadlines().values()) == {None}
    again = [[*r, WANTED[r[1]]] for r in first]
    job = run(api_as(officer), "hazards", book([[*header, "整改期限"], *again]))
    assert job["status"] == "done" and job["report"]["update"] == 2, job["report"]
    assert deadlines() == WANTED
    assert tally_drift() == []  # the overdue counts follow the deadlines filled in
    event = Event.objects.filter(subject_type="hazard", kind="updated").latest("id")
    assert event.payload["changes"]["deadline"][0] is None
    # a deadline that differs from one the register holds is still refused (it moves by an extension)
    moved = [[*r[:5], datetime.date(2024, 5, 1)] for r in again]
    job = run(api_as(officer), "hazards", book([[*header, "整改期限"], *moved]))
    assert job["status"] == "invalid" and "整改期限" in job["report"]["errors"][0]["message"]
    assert deadlines() == WANTED


def test_a_three_row_header(api_as, officer, firm) -> None:
    rows: list[list[Any]] = [
        ["企业信息", None, "隐患信息", None, None, None, "整改情况", None],
        ["统一社会信用代码", "企业名称", "隐患名称", "隐患级别", "隐患来源", "排查", "整改要求", None],
        [None, None, None, None, None, "日期", "整改期限", "整改措施"],
        [firm.credit_code, firm.name, "消防通道堵塞", "一般", "检查", "2024-03-02", "2024-04-02", "清理"],
    ]
    merges = ("A1:B1", "C1:F1", "G1:H1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "G2:H2")
    job = run(api_as(officer), "hazards", book(rows, merges))
    report = job["report"]
    assert job["status"] == "done", report
    assert report["header_rows"] == 3 and report["columns"]["隐患信息/排查/日期"] == "发现日期"
    assert report["columns"]["整改情况/整改要求/整改期限"] == "整改期限"
    assert report["ignored_columns"] == ["整改情况/整改要求/整改措施"]
    h = Hazard.objects.get()
    assert (h.discovered_on, h.deadline) == (datetime.date(2024, 3, 2), datetime.date(2024, 4, 2))


def test_a_deadline_headed_completion_limit_under_its_group(api_as, officer, firm) -> None:
    """完成时限 under 整改落实 (a layout tried by a new user): the deadline, not an ignored column."""
    rows: list[list[Any]] = [
        ["隐患排查治理台账"],
        ["单位基本情况", None, "隐患情况", None, None, None, "整改落实", None],
        ["统一社会信用代码", "企业名称", "隐患名称", "隐患级别", "隐患来源", "排查日期", "完成时限", "责任人"],
        [firm.credit_code, firm.name, "配电箱无门", "一般", "检查", "2024-03-02", "2024-04-02", "李某"],
    ]
    merges = ("A1:H1", "A2:B2", "C2:F2", "G2:H2")
    job = run(api_as(officer), "hazards", book(rows, merges))
    assert job["status"] == "done", (str(job["report"]["errors"]), job["report"]["file_error"])
    assert job["report"]["columns"]["整改落实/完成时限"] == "整改期限"
    assert Hazard.objects.get().deadline == datetime.date(2024, 4, 2)


def test_a_stacked_header_without_merges(api_as, officer, firm) -> None:
    """The merges lost in a copy: the group label left of blank cells still spans the labels under them."""
    rows: list[list[Any]] = [
        ["统一社会信用代码", "隐患名称", "隐患级别", "隐患来源", "发现日期", "整改情况", None],
        [None, None, None, None, None, "措施", "期限"],
        [firm.credit_code, "楼梯扶手松动", "一般", "检查", "2024-03-02", "紧固", "2024-04-02"],
    ]
    job = run(api_as(officer), "hazards", book(rows))
    assert job["status"] == "done", (str(job["report"]["errors"]), job["report"]["file_error"])
    # 期限 alone names no column; under 整改情况 the only column of dates is the deadline, and it says so
    assert job["report"]["columns"]["整改情况/期限"] == "整改期限"
    assert job["report"]["ignored_columns"] == ["整改情况/措施"]
    assert "识别为整改期限" in job["report"]["inferred_columns"][0]
    assert Hazard.objects.get().deadline == datetime.date(2024, 4, 2)


def test_an_enterprise_ledger_with_a_stacked_header(api_as, officer, township) -> None:
    code = factories.credit_code()
    rows: list[list[Any]] = [
        ["秀山县重点企业名录"],
        ["企业基本信息", None, None, None, "安全管理", None],
        ["统一社会信用代码", "单位名称", "所在乡镇（街道）", "行业领域", "主要负责人", "联系电话"],
        [code, "重庆清溪建材有限公司：秀山分公司", "秀山县清溪场镇", "建材", "赵某", "13800000000"],
    ]
    job = run(api_as(officer), "enterprises", book(rows, ("A1:F1", "A2:D2", "E2:F2")))
    assert job["status"] == "done", (str(job["report"]["errors"]), job["report"]["file_error"])
    # 安全管理 over 联系电话 is the safety contact's phone (the stack read together), not the principal's
    assert job["report"]["columns"]["安全管理/联系电话"] == "安全管理联系电话"
    firm = Enterprise.objects.get(credit_code=code)
    assert firm.name == "重庆清溪建材有限公司：秀山分公司"  # the full-width colon kept
    assert (firm.principal, firm.safety_phone) == ("赵某", "13800000000")


def test_a_cell_merged_down_the_data_rows_holds_for_each(api_as, officer, firm) -> None:
    """One enterprise's code and name merged down over its hazards, under a two-row header."""
    rows: list[list[Any]] = [
        ["统一社会信用代码", "企业名称", "隐患名称", "隐患级别", "隐患来源", "发现日期", "整改情况", None],
        [None, None, None, None, None, None, "整改措施", "整改期限"],
        [firm.credit_code, firm.name, "消防通道堵塞", "一般", "检查", "2024-03-02", "清理", "2024-04-02"],
        [None, None, "楼梯扶手松动", "一般", "检查", "2024-03-02", "紧固", "2024-04-03"],
    ]
    merges = ("A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:F2", "G1:H1", "A3:A4", "B3:B4")
    job = run(api_as(officer), "hazards", book(rows, merges))
    assert job["status"] == "done", str(job["report"]["errors"])
    assert sorted(Hazard.objects.values_list("enterprise_id", "deadline")) == [
        (firm.pk, datetime.date(2024, 4, 2)),
        (firm.pk, datetime.date(2024, 4, 3)),
    ]


def test_dates_with_offsets_are_beijing_days(api_as, officer, firm) -> None:
    rows = [
        ["统一社会信用代码", "隐患名称", "隐患级别", "隐患来源", "发现日期", "整改期限", "隐患编号"],
        [
            firm.credit_code,
            "罐区静电接地线断开",
            "一般",
            "检查",
            "2024-03-01T16:00:00.000Z",
            "2024-03-30T16:00:00Z",
            "Z-1",
        ],
        [
            firm.credit_code,
            "配电箱无门",
            "一般",
            "检查",
            "2024-03-01T20:00:00-05:00",
            "2024-04-01T00:30:00+09:00",
            "Z-2",
        ],
        [firm.credit_code, "消防栓遮挡", "一般", "检查", "2024-03-01T23:59:00+08:00", "2024-04-01 08:00", "Z-3"],
    ]
    job = run(api_as(officer), "hazards", book(rows))
    assert job["status"] == "done", (str(job["report"]["errors"]), job["report"]["file_error"])
    got = {h.external_ref: (h.discovered_on.isoformat(), str(h.deadline)) for h in Hazard.objects.all()}
    assert got == {
        "Z-1": ("2024-03-02", "2024-03-31"),
        "Z-2": ("2024-03-02", "2024-03-31"),
        "Z-3": ("2024-03-01", "2024-04-01"),
    }


def test_text_keeps_its_chinese_punctuation(api_as, officer, firm) -> None:
    title = "储罐区：静电接地（断开），见“检查记录”"
    rows = [
        ["统一社会信用代码", "隐患名称", "隐患级别", "隐患来源", "发现日期", "隐患部位", "详细描述"],
        [
            firm.credit_code,
            f"\u200b {title} \ufeff",
            "一般",
            "检查",
            "2024-03-01",
            "Ａ栋　二层",
            "第一行\n第二行：说明",
        ],
    ]
    job = run(api_as(officer), "hazards", book(rows))
    assert job["status"] == "done", (str(job["report"]["errors"]), job["report"]["file_error"])
    h = Hazard.objects.get()
    assert (h.title, h.location, h.description) == (title, "Ａ栋　二层", "第一行\n第二行：说明")


# ------------------------------------------------------------------------------- the handed files
@pytest.fixture
def cases() -> Path:
    if not CASES.is_dir():
        pytest.skip("the field cases of November 2026 are not on this machine")
    return CASES


@pytest.fixture
def qingxi(db: Any) -> Enterprise:
    return factories.enterprise(
        region="500241", sector="hazardous_chemicals", name="秀山县清溪化工有限公司", credit_code="91500241MA5U0DEM30"
    )


def test_the_handed_ledgers(api_as, officer, qingxi, cases) -> None:
    wanted = {"防火堤内堆放杂物": datetime.date(2026, 12, 5), "配电室挡鼠板缺失": datetime.date(2026, 12, 10)}
    job = run(api_as(officer), "hazards", (cases / "T1b-header-row4-deleted.xlsx").read_bytes())
    assert job["status"] == "done" and deadlines() == wanted, job["report"]
    Hazard.objects.update(deadline=None)  # as the faulty import left them
    job = run(api_as(officer), "hazards", (cases / "T1c-fixed-header-reimport.xlsx").read_bytes())
    assert job["status"] == "done" and job["report"]["update"] == 2 and deadlines() == wanted, job["report"]
    job = run(api_as(officer), "hazards", (cases / "T1-two-row-merged-header.xlsx").read_bytes())
    assert job["status"] == "done" and job["report"]["unchanged"] == 2, job["report"]
    job = run(api_as(officer), "hazards", (cases / "T3-iso-utc-dates.xlsx").read_bytes())
    assert job["status"] == "done", (str(job["report"]["errors"]), job["report"]["file_error"])
    t3 = Hazard.objects.get(external_ref="T3-001")
    assert (t3.discovered_on, t3.deadline) == (datetime.date(2026, 11, 20), datetime.date(2026, 12, 1))


def _error_workbook_of(api: Any, data: bytes) -> bytes:
    job = run(api, "hazards", data)
    assert job["status"] == "invalid", job["report"]
    r = api.client.get(f"/api/v1/imports/{job['id']}/errors", headers=api.headers)
    assert r.status_code == 200
    return b"".join(r.streaming_content) if r.streaming else r.content


def test_the_error_workbook_gives_back_what_was_typed(api_as, officer, firm) -> None:
    from zhiben.common.tests.test_writers import LONG_URL, assert_text_only

    texts = ['=HYPERLINK("http://198.51.100.7/x","点此查看整改照片")', "=1+1", "@SUM(A1)", "+86 138", LONG_URL]
    rows = [
        ["统一社会信用代码", "隐患名称", "隐患级别", "隐患来源", "发现日期", "隐患描述", "隐患部位"],
        [firm.credit_code, texts[0], "一般", "检查", "2026年13月1日", texts[1], LONG_URL],
        [firm.credit_code, texts[2], "一般", "检查", "2024-03-01", texts[3], "罐区"],
    ]
    data = _error_workbook_of(api_as(officer), book(rows))
    assert_text_only(data, texts)


def test_the_handed_formula_ledger(api_as, officer, qingxi, cases) -> None:
    from zhiben.common.tests.test_writers import assert_text_only

    source = openpyxl.load_workbook(cases / "T10-text-starting-with-equals.xlsx").active
    typed = [c.value for c in source[2] if isinstance(c.value, str) and not c.value.startswith("2026")]
    data = _error_workbook_of(api_as(officer), (cases / "T10-text-starting-with-equals.xlsx").read_bytes())
    assert_text_only(data, typed)


# ---------------------------------------------------------------- an enterprise importing its own ledger
def test_an_enterprise_user_need_not_name_itself_or_the_source(api_as, firm_user, firm) -> None:
    rows = [
        ["隐患名称", "隐患级别", "发现日期", "整改期限"],
        ["配电箱无门", "一般", "2024-03-01", "2024-03-15"],
    ]
    job = run(api_as(firm_user), "hazards", book(rows))
    assert job["status"] == "done", (str(job["report"]["errors"]), job["report"]["file_error"])
    assert set(job["report"]["filled_by_role"]) == {"统一社会信用代码", "企业名称", "隐患来源"}
    h = Hazard.objects.get()
    assert (h.enterprise_id, h.source) == (firm.pk, "self_check")


def test_an_enterprise_user_naming_another_enterprise_or_source_is_refused_per_row(
    api_as, firm_user, firm, other_firm
) -> None:
    rows = [
        ["统一社会信用代码", "企业名称", "隐患名称", "隐患级别", "隐患来源", "发现日期"],
        [firm.credit_code, firm.name, "自查的", "一般", "企业自查", "2024-03-01"],
        ["", "", "空着的", "一般", "", "2024-03-01"],
        [other_firm.credit_code, "", "别家的", "一般", "", "2024-03-01"],
        ["", "别家有限公司", "别家名称", "一般", "", "2024-03-01"],
        ["", f" {firm.name} ", "自家名称", "一般", "自查", "2024-03-01"],
        ["", "", "检查发现的", "一般", "执法检查", "2024-03-01"],
    ]
    job = run(api_as(firm_user), "hazards", book(rows))
    assert job["status"] == "invalid" and Hazard.objects.count() == 0
    errors = {(e["row"], e["column"]): e["message"] for e in job["report"]["errors"]}
    assert set(errors) == {(4, "A"), (5, "B"), (7, "E")}, errors
    assert other_firm.credit_code in errors[(4, "A")] and "本企业" in errors[(4, "A")]
    assert "企业自查" in errors[(7, "E")] and "self_check" not in errors[(7, "E")]


# ------------------------------------------------------------------------------------- the template
def test_the_hazard_template_lists_the_clauses_and_offers_them(api_as, officer) -> None:
    from zhiben.reference.models import Criterion

    r = api_as(officer).get("/api/v1/imports/templates/hazards")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    clauses = wb["判定标准条款"]
    rows = list(clauses.iter_rows(values_only=True))
    # each clause with the dates it is in force (FACTS §2: a row cites a clause in force on its discovery date)
    assert rows[0] == ("条款编码", "适用行业领域", "判定标准及条款", "有效期间", "内容")
    in_force = Criterion.objects.filter(withdrawn=False)
    assert {r[0] for r in rows[1:]} == set(in_force.values_list("code", flat=True)) and len(rows) > 1
    one = in_force.exclude(all_sectors=True).first()
    assert one is not None
    row = next(r for r in rows if r[0] == one.code)
    assert row[4].startswith(one.text) and all(s.name in str(row[1]) for s in one.sectors.all())
    ledger = wb.worksheets[0]
    column = next(c.column_letter for c in ledger[1] if c.value == "判定依据")
    lists = [dv for dv in ledger.data_validations.dataValidation if column in str(dv.sqref)]
    assert lists and lists[0].type == "list" and lists[0].formula1 == f"'判定标准条款'!$A$2:$A${len(rows)}"


def test_the_page_shows_the_stacked_header_and_what_was_inferred(officer, firm) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    client.force_login(officer)
    data = stacked_hazard_ledger(firm.credit_code)
    page = client.post("/imports/", {"kind": "hazards", "file": SimpleUploadedFile("台账.xlsx", data)}, follow=True)
    text = page.content.decode()
    assert "列名在第 3–4 行" in text and "“整改情况/整改期限” → 整改期限" in text
    assert "忽略的列：序号、整改情况/整改措施、整改情况/整改责任人" in text
    lost = stacked_hazard_ledger(firm.credit_code, lower_row=False)
    page = client.post("/imports/", {"kind": "hazards", "file": SimpleUploadedFile("台账.xlsx", lost)}, follow=True)
    text = page.content.decode()
    assert "按内容识别的列" in text and "识别为整改期限" in text and "<details open>" in text


def test_a_split_fill_in_row_is_no_part_of_the_header(api_as, officer, firm) -> None:
    """填报单位 on the left and 填报日期 on the right, unmerged, over a one-row header."""
    rows: list[list[Any]] = [
        ["隐患排查治理台账"],
        ["填报单位：某某公司", None, None, None, None, "填报日期：2024年3月28日"],
        ["统一社会信用代码", "隐患名称", "隐患级别", "隐患来源", "发现日期", "整改期限"],
        [firm.credit_code, "消防通道堵塞", "一般", "检查", "2024-03-02", "2024-04-02"],
    ]
    job = run(api_as(officer), "hazards", book(rows))
    report = job["report"]
    assert job["status"] == "done", str(report["errors"])
    assert (report["header_row"], report["header_rows"]) == (3, 1)
    assert "整改期限" in report["columns"] and report["ignored_columns"] == []


def test_a_row_numbering_the_columns_under_the_header_is_no_data(api_as, officer, firm) -> None:
    rows: list[list[Any]] = [
        ["统一社会信用代码", "隐患名称", "隐患级别", "隐患来源", "发现日期", "整改期限"],
        [1, 2, 3, 4, 5, 6],
        [firm.credit_code, "消防通道堵塞", "一般", "检查", "2024-03-02", "2024-04-02"],
    ]
    job = run(api_as(officer), "hazards", book(rows))
    assert job["status"] == "done" and job["report"]["rows"] == 1, str(job["report"]["errors"])
    numbered = [rows[0], ["（1）", "（2）", "（3）", "（4）", "（5）", "（6）"], rows[2]]
    assert run(api_as(officer), "hazards", book(numbered))["report"]["unchanged"] == 1


def test_an_instant_past_the_calendars_end_is_a_row_error_and_the_job_ends(api_as, officer, firm) -> None:
    rows = [
        ["统一社会信用代码", "隐患名称", "隐患级别", "隐患来源", "发现日期", "整改期限", "隐患编号"],
        [firm.credit_code, "罐区静电接地线断开", "一般", "检查", "2024-03-01", "9999-12-31T23:59:59-12:00", "E-1"],
        [firm.credit_code, "配电箱无门", "一般", "检查", "0001-01-01T00:00:00+14:00", "", "E-2"],
    ]
    job = run(api_as(officer), "hazards", book(rows))
    assert job["status"] == "invalid", job
    fields = {(e["row"], e["field"]) for e in job["report"]["errors"]}
    assert {(2, "deadline"), (3, "discovered_on")} <= fields, job["report"]["errors"]
    assert not Hazard.objects.exists()
