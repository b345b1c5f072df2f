"""Ledger imports with real workbooks made here (openpyxl), messy the way people fill them in."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.styles import PatternFill

from zhiben.analytics.tallies import tally_drift
from zhiben.audit.models import Event
from zhiben.audit.selectors import verify_chain
from zhiben.common.inputs import parse
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.inputs import HazardCancellation
from zhiben.hazards.models import Hazard
from zhiben.imports.models import ImportJob
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db


def workbook(rows: list[list[Any]], *, title_rows: list[str] | None = None, sheet: str = "Sheet1") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for text in title_rows or []:
        ws.append([text])
        width = max(len(r) for r in rows)
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(api: Any, kind: str, data: bytes, name: str = "台账.xlsx") -> Any:
    return api.client.post(f"/api/v1/imports/{kind}", {"file": SimpleUploadedFile(name, data)}, headers=api.headers)


def run(api: Any, kind: str, data: bytes, *, confirm: bool = True) -> dict[str, Any]:
    r = upload(api, kind, data)
    assert r.status_code == 202, r.content
    job = r.json()
    if confirm and job["status"] == "validated":
        r = api.post(f"/api/v1/imports/{job['id']}/confirm")
        assert r.status_code == 202, r.content
        job = r.json()
    return job


def errors_of(job: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in job["report"]["errors"]]


# --------------------------------------------------------------------------------------- enterprises
def test_a_messy_enterprise_ledger_imports(api_as, officer, township) -> None:
    code = factories.credit_code()
    other = factories.credit_code()
    data = workbook(
        [
            ["序号", "企业名称 ", "信用代码", "行业", "所在乡镇（街道）", "从业人数", "备注列"],
            [
                1,
                "秀山县清溪场镇某某化工有限公司",
                f" {code.lower()} ",
                "化工和危险化学品",
                "秀山县清溪场镇",
                120.0,
                "x",
            ],
            [2, "秀山县某某建材厂", "".join(chr(ord(c) + 0xFEE0) for c in other), "建材", "500241", "３５", ""],
            [None, None, None, None, None, None, None],
        ],
        title_rows=["秀山县2024年企业清单（第一季度）"],
    )
    job = run(api_as(officer), "enterprises", data)
    assert job["status"] == "done", job["report"]
    assert job["report"]["header_row"] == 2
    assert job["report"]["create"] == 2 and job["report"]["ignored_columns"] == ["序号", "备注列"]
    first = Enterprise.objects.get(credit_code=code)
    assert first.region_id == township and first.sector_id == "hazardous_chemicals" and first.employees == 120
    assert first.high_risk is True  # from the sector (FACTS §5)
    assert Enterprise.objects.get(credit_code=other).employees == 35
    created = Event.objects.filter(subject_type="enterprise", subject_id=code, kind="created").get()
    assert created.payload["import"]["job"] == job["id"] and created.payload["import"]["row"] == 3
    assert verify_chain() is None


def test_reimporting_creates_no_duplicates_and_reports_updates(api_as, officer) -> None:
    code = factories.credit_code()
    rows = [["统一社会信用代码", "单位名称", "所在区划", "行业领域"], [code, "甲公司", "500241", "机械"]]
    assert run(api_as(officer), "enterprises", workbook(rows))["report"]["create"] == 1
    again = run(api_as(officer), "enterprises", workbook(rows))
    assert again["status"] == "done" and again["report"]["unchanged"] == 1 and again["report"]["create"] == 0
    rows[1][1] = "甲公司（更名）"
    changed = run(api_as(officer), "enterprises", workbook(rows))
    assert changed["report"]["update"] == 1
    assert Enterprise.objects.filter(credit_code=code).get().name == "甲公司（更名）"
    assert Event.objects.filter(subject_id=code, kind="updated").count() == 1


def test_one_bad_row_imports_nothing_and_marks_the_cells(api_as, officer) -> None:
    good, bad_code = factories.credit_code(), "91500241MA5U0DEM3X"
    data = workbook(
        [
            ["统一社会信用代码", "单位名称", "所在区划", "行业领域", "标准化有效期至"],
            [good, "好公司", "500241", "机械", "2025年3月1日"],
            [bad_code, "", "朝阳区", "不存在的行业", "明年"],
        ]
    )
    job = run(api_as(officer), "enterprises", data)
    assert job["status"] == "invalid"
    assert Enterprise.objects.count() == 0
    found = errors_of(job)
    assert {(r, c) for r, c, _ in found} == {(3, "A"), (3, "B"), (3, "C"), (3, "D"), (3, "E")}
    messages = {(r, c): m for r, c, m in found}
    assert "校验位" in messages[(3, "A")] or "格式" in messages[(3, "A")]
    assert "朝阳区" in messages[(3, "C")] and "管辖范围" in messages[(3, "C")]
    assert "日期" in messages[(3, "E")]
    # the error workbook: the rows, an error column, the bad cells highlighted
    r = api_as(officer).client.get(job["errors_url"], headers=api_as(officer).headers)
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = book.active
    assert ws.cell(1, 6).value == "错误信息"
    assert ws.cell(2, 6).value is None and "单位名称" in ws.cell(3, 6).value
    fill: PatternFill = ws.cell(3, 2).fill
    assert fill.fgColor.rgb.endswith("FFC7CE") and not ws.cell(2, 2).fill.fgColor.rgb.endswith("FFC7CE")
    # confirming an invalid job is refused
    assert api_as(officer).post(f"/api/v1/imports/{job['id']}/confirm").status_code == 409


def test_an_ambiguous_region_name_is_refused_naming_the_candidates(api_as, admin_user) -> None:
    rows = [
        ["统一社会信用代码", "单位名称", "地址", "行业领域"],
        [factories.credit_code(), "乙公司", "朝阳区建国路88号", "机械"],
    ]
    job = run(api_as(admin_user), "enterprises", workbook(rows))
    assert job["status"] == "invalid"
    [(row, column, message)] = errors_of(job)
    assert (row, column) == (2, "C") and "北京市 朝阳区" in message and "长春市 朝阳区" in message
    rows[1][2] = "北京市朝阳区建国路88号"
    assert run(api_as(admin_user), "enterprises", workbook(rows))["status"] == "done"
    assert Enterprise.objects.get().region_id == "110105"


def test_a_short_county_name_is_understood(api_as, officer) -> None:
    rows = [
        ["统一社会信用代码", "单位名称", "所在区划", "行业领域"],
        [factories.credit_code(), "丙公司", "秀山县", "商贸"],
    ]
    job = run(api_as(officer), "enterprises", workbook(rows))
    assert job["status"] == "done", job["report"]
    assert Enterprise.objects.get().region_id == "500241"


def test_duplicate_codes_in_one_file_and_codes_of_other_counties(api_as, officer, other_firm) -> None:
    code = factories.credit_code()
    rows = [
        ["统一社会信用代码", "单位名称", "所在区划", "行业领域"],
        [code, "甲", "500241", "机械"],
        [code, "甲二", "500241", "机械"],
        [other_firm.credit_code, "别人的", "500241", "机械"],
    ]
    job = run(api_as(officer), "enterprises", workbook(rows))
    messages = {r: m for r, _, m in errors_of(job)}
    assert "第 2 行" in messages[3] and "其他辖区" in messages[4]


def test_enterprise_users_cannot_import_enterprises(api_as, firm_user) -> None:
    r = upload(api_as(firm_user), "enterprises", workbook([["统一社会信用代码"], ["x"]]))
    assert r.status_code == 403


# ------------------------------------------------------------------------------------------- hazards
HAZARD_HEADER = ["统一社会信用代码", "隐患内容", "级别", "来源", "排查日期", "整改时限", "判定标准", "部位", "编号"]


def test_a_hazard_ledger_with_every_date_form(api_as, officer, firm) -> None:
    rows = [
        HAZARD_HEADER,
        [
            firm.credit_code,
            "储罐区静电接地失效",
            "重大",
            "检查",
            datetime.date(2024, 3, 1),
            "2024/4/1",
            "SAWS121C-1",
            "罐区",
            "A-1",
        ],
        [firm.credit_code, "消防通道堵塞", "一般隐患", "自查", "2024年3月2日", "2024.4.2", "", "", "A-2"],
        [firm.credit_code, "配电箱无门", "一般", "企业自查", 45352, "20240405", "", "", "A-3"],
    ]
    job = run(api_as(officer), "hazards", workbook(rows))
    assert job["status"] == "done", job["report"]
    assert job["report"]["create"] == 3
    by_ref = {h.external_ref: h for h in Hazard.objects.all()}
    assert by_ref["A-1"].level == "major" and by_ref["A-1"].deadline == datetime.date(2024, 4, 1)
    assert by_ref["A-2"].discovered_on == datetime.date(2024, 3, 2) and by_ref["A-2"].source == "self_check"
    assert by_ref["A-3"].discovered_on == datetime.date(2024, 3, 1)  # Excel serial 45352
    assert by_ref["A-3"].deadline == datetime.date(2024, 4, 5)
    events = Event.objects.filter(subject_type="hazard", kind="created")
    assert events.count() == 3 and all(e.payload["import"]["job"] == job["id"] for e in events)
    assert tally_drift() == []
    assert verify_chain() is None
    # the same file again: nothing new
    again = run(api_as(officer), "hazards", workbook(rows))
    assert again["report"]["unchanged"] == 3 and Hazard.objects.count() == 3


def test_hazards_without_a_reference_are_keyed_by_title_and_day(api_as, officer, firm) -> None:
    rows = [
        ["企业名称", "隐患名称", "隐患级别", "隐患来源", "发现日期"],
        [firm.name, "楼梯扶手松动", "一般", "检查", "2024-05-01"],
    ]
    assert run(api_as(officer), "hazards", workbook(rows))["report"]["create"] == 1
    assert run(api_as(officer), "hazards", workbook(rows))["report"]["unchanged"] == 1
    assert Hazard.objects.get().enterprise_id == firm.pk


def test_hazard_rules_are_the_apis(api_as, officer, firm, other_firm) -> None:
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    rows = [
        HAZARD_HEADER,
        [firm.credit_code, "无判定依据的重大隐患", "重大", "检查", "2024-03-01", "", "", "", ""],
        [firm.credit_code, "未来的隐患", "一般", "检查", future, "", "", "", ""],
        [other_firm.credit_code, "外县企业", "一般", "检查", "2024-03-01", "", "", "", ""],
        [firm.credit_code, "期限早于发现", "一般", "检查", "2024-03-01", "2024-02-01", "", "", ""],
        [firm.credit_code, "", "一般", "检查", "2024-03-01", "", "", "", ""],
    ]
    job = run(api_as(officer), "hazards", workbook(rows))
    assert job["status"] == "invalid" and Hazard.objects.count() == 0
    cols = {r: c for r, c, _ in errors_of(job)}
    assert cols == {2: "G", 3: "E", 4: "A", 5: "F", 6: "B"}


def test_an_enterprise_user_imports_its_own_self_checks_only(api_as, firm_user, firm, other_firm) -> None:
    rows = [
        HAZARD_HEADER,
        [firm.credit_code, "自查发现", "一般", "自查", "2024-03-01", "", "", "", "S1"],
        [firm.credit_code, "检查发现", "一般", "检查", "2024-03-01", "", "", "", "S2"],
        [other_firm.credit_code, "别家的", "一般", "自查", "2024-03-01", "", "", "", "S3"],
    ]
    job = run(api_as(firm_user), "hazards", workbook(rows))
    assert {r for r, _, _ in errors_of(job)} == {3, 4}


# ---------------------------------------------------------------------------------- not a workbook
def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"credit_code,name\n1,2\n", "不是 Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600, "密码"),
        (b"", "空"),
        (None, "压缩"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(api_as, officer, data, words) -> None:
    r = upload(api_as(officer), "hazards", data if data is not None else _zip_bomb(), name="台账.xlsx")
    assert r.status_code == 422
    assert words in r.json()["errors"]["file"]
    assert ImportJob.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(api_as, officer, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "IMPORT_MAX_MB": 1}
    r = upload(api_as(officer), "hazards", b"PK\x03\x04" + b"\0" * (3 * 1024 * 1024))
    assert r.status_code == 422 and "过大" in r.json()["errors"]["file"]


def test_a_workbook_without_the_columns_says_which_are_missing(api_as, officer) -> None:
    job = run(api_as(officer), "hazards", workbook([["统一社会信用代码", "隐患名称"], ["x", "y"]]))
    assert job["status"] == "invalid" and "隐患级别" in job["report"]["file_error"]


def test_templates_download_with_dropdowns_and_instructions(api_as, officer) -> None:
    for kind, first in (("enterprises", "统一社会信用代码*"), ("hazards", "统一社会信用代码")):
        r = api_as(officer).get(f"/api/v1/imports/templates/{kind}")
        assert r.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(r.content))
        ws = book.worksheets[0]
        assert ws.cell(1, 1).value == first and ws.freeze_panes == "A2"
        assert ws.data_validations.dataValidation, "coded columns have drop-down lists"
        assert "填写说明" in book.sheetnames


def test_jobs_are_their_uploaders(api_as, officer, outsider, firm) -> None:
    rows = [HAZARD_HEADER, [firm.credit_code, "x", "一般", "检查", "2024-03-01", "", "", "", ""]]
    job = run(api_as(officer), "hazards", workbook(rows), confirm=False)
    assert api_as(outsider).get(f"/api/v1/imports/{job['id']}").status_code == 404
    assert api_as(outsider).post(f"/api/v1/imports/{job['id']}/confirm").status_code == 404
    assert api_as(outsider).get("/api/v1/imports").json()["count"] == 0
    assert api_as(officer).get("/api/v1/imports").json()["count"] == 1


def test_old_workbooks_are_deleted_and_a_stale_job_cannot_be_imported(api_as, officer, firm, monkeypatch) -> None:
    from django.utils import timezone

    from zhiben.imports.services import imports_forget_files

    rows = [HAZARD_HEADER, [firm.credit_code, "x", "一般", "检查", "2024-03-01", "", "", "", ""]]
    job = run(api_as(officer), "hazards", workbook(rows), confirm=False)
    stored = ImportJob.objects.get(pk=job["id"])
    path = stored.file.path
    assert imports_forget_files(older_than_days=30) == 0
    ImportJob.objects.filter(pk=stored.pk).update(finished_at=timezone.now() - datetime.timedelta(days=31))
    assert imports_forget_files(older_than_days=30) == 1
    import os

    assert not os.path.exists(path)
    done = api_as(officer).post(f"/api/v1/imports/{job['id']}/confirm").json()
    assert done["status"] == "failed" and "重新上传" in done["report"]["file_error"]
    assert Hazard.objects.count() == 0


def test_reimport_edge_cases(api_as, officer, firm) -> None:
    """Blank cells never clear; a cancelled hazard is not re-created; 隐患描述 alone names the hazard;
    a date with a time of day keeps its day; a registered firm does not move by its address."""
    from zhiben.common.ledgers import parse_date
    from zhiben.hazards.services import hazard_cancel

    assert parse_date("2024-3-1 19:30") == datetime.date(2024, 3, 1)
    assert parse_date("2024年3月1日 8时") == datetime.date(2024, 3, 1)
    header = ["统一社会信用代码", "隐患描述", "级别", "来源", "发现日期", "部位", "编号"]
    rows = [header, [firm.credit_code, "配电箱无门", "一般", "检查", "2024-03-01", "配电房", "E-1"]]
    job = run(api_as(officer), "hazards", workbook(rows))
    assert job["status"] == "done", job["report"]
    hazard = Hazard.objects.get(external_ref="E-1")
    assert hazard.title == "配电箱无门" and hazard.location == "配电房"
    rows[1][5] = ""
    assert run(api_as(officer), "hazards", workbook(rows))["report"]["unchanged"] == 1
    hazard.refresh_from_db()
    assert hazard.location == "配电房"
    hazard_cancel(hazard_id=hazard.pk, actor=officer, cancellation=parse(HazardCancellation, {"reason": "重复登记"}))
    again = run(api_as(officer), "hazards", workbook(rows))
    assert again["status"] == "invalid" and "已撤销" in again["report"]["errors"][0]["message"]
    # an enterprise re-imported without a region column keeps its region whatever the address says
    firm_rows = [
        ["统一社会信用代码", "单位名称", "地址", "行业领域"],
        [firm.credit_code, firm.name, "北京市朝阳区建国路", "化工和危险化学品"],
    ]
    assert run(api_as(officer), "enterprises", workbook(firm_rows))["status"] == "done"
    firm.refresh_from_db()
    assert firm.region_id == "500241"


def test_a_fire_determination_imports_from_a_ledger_with_its_elements_and_place(api_as, officer, firm) -> None:
    """GB 35181-2017 第7章/第8章 (thresholds per FACTS.md §2): a ledger row cites the determination with its composite
    elements and the type of place as people write it; under the place's threshold the row is refused naming the
    elements column, and nothing is saved."""
    header = [
        "统一社会信用代码",
        "隐患名称",
        "隐患级别",
        "隐患来源",
        "发现日期",
        "判定依据",
        "综合判定要素",
        "场所类别",
    ]
    three = "GB35181-7-1-1、GB35181-7-1-2\nGB35181-7-1-3"
    under = [firm.credit_code, "商场疏散与分隔缺陷", "重大", "检查", "2024-03-01", "GB35181-D", three, "重要场所"]
    job = run(api_as(officer), "hazards", workbook([header, under]))
    assert job["status"] == "invalid" and Hazard.objects.count() == 0
    assert [(r, c) for r, c, _ in errors_of(job)] == [(2, "G")] and "4条以上" in errors_of(job)[0][2]

    held = [firm.credit_code, "商场疏散与分隔缺陷", "重大", "检查", "2024-03-01", "GB35181-D", three, "人员密集场所"]
    job = run(api_as(officer), "hazards", workbook([header, held]))
    assert job["status"] == "done", job
    h = Hazard.objects.get()
    assert (h.criterion_id, h.place_type) == ("GB35181-D", "crowded")
    assert h.criterion_elements == ["GB35181-7-1-1", "GB35181-7-1-2", "GB35181-7-1-3"]
