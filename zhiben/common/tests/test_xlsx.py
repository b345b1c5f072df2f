"""The shared Excel writer: styled, frozen header, widths, real dates in Beijing time, safe text, downloads."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from zhiben.common import xlsx
from zhiben.common.xlsx import Column, content_disposition, write_table, xlsx_response

UTC = datetime.UTC
COLUMNS = [
    Column("名称", 20),
    Column("发现日期", 12, "date"),
    Column("登记时间", 17, "datetime"),
    Column("从业人数", 8, "int"),
    Column("整改资金（元）", 14, "decimal"),
    Column("按期销号率", 10, "percent"),
]
ROW = [
    "清溪化工有限公司",
    datetime.date(2025, 3, 1),
    datetime.datetime(2025, 3, 1, 0, 30, tzinfo=UTC),  # 08:30 in Beijing
    120,
    Decimal("12000.50"),
    0.875,
]


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_the_header_is_styled_frozen_filtered_and_the_columns_have_widths() -> None:
    sheet = sheet_of(write_table("隐患清单", COLUMNS, [ROW, ROW]))
    assert sheet.title == "隐患清单"
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    head = sheet["A1"]
    assert head.font.b and head.fill.fgColor.rgb == "FFB3261E" and head.border.left.style == "thin"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F3"
    assert round(sheet.column_dimensions["A"].width) == 21 and round(sheet.column_dimensions["E"].width) == 15


def test_cells_have_their_kinds_dates_are_real_dates_and_times_are_beijing_time() -> None:
    sheet = sheet_of(write_table("t", COLUMNS, [ROW]))
    name, day, stamp, people, funds, rate = sheet[2]
    assert name.value == "清溪化工有限公司" and name.data_type == "s"
    assert day.is_date and day.value == datetime.datetime(2025, 3, 1) and day.number_format == "yyyy-mm-dd"
    assert stamp.is_date and stamp.value == datetime.datetime(2025, 3, 1, 8, 30)
    assert stamp.number_format == "yyyy-mm-dd hh:mm"
    assert people.value == 120 and people.data_type == "n"
    assert funds.value == pytest.approx(12000.5) and funds.number_format == "#,##0.00"
    assert rate.value == pytest.approx(0.875) and rate.number_format == "0.0%"


def test_empty_values_leave_the_cell_empty_and_text_goes_anywhere() -> None:
    sheet = sheet_of(write_table("t", COLUMNS, [[None, "", None, "—", True, False]]))
    assert [c.value for c in sheet[2]] == [None, None, None, "—", "是", "否"]


def test_a_timestamp_in_a_date_column_is_its_beijing_day() -> None:
    columns = [Column("日期", 12, "date")]
    sheet = sheet_of(write_table("t", columns, [[datetime.datetime(2025, 3, 1, 20, 0, tzinfo=UTC)]]))
    assert sheet["A2"].value == datetime.datetime(2025, 3, 2)


def test_markup_and_control_characters_cannot_break_the_sheet() -> None:
    text = ' <b>"A&B"</b>\x01\x1f\n第二行 '
    data = write_table("a/b:c*?[d]", [Column("x"), Column("y")], [[text, "=1+1"]])
    sheet = sheet_of(data)
    assert sheet.title == "a_b_c___d_"
    assert sheet["A2"].value == ' <b>"A&B"</b>\n第二行 '  # leading and trailing spaces are kept
    assert sheet["B2"].value == "=1+1" and sheet["B2"].data_type == "s"  # text, never a formula
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            ElementTree.fromstring(package.read(name))  # noqa: S314 (our own output): every part is well-formed


def test_a_caption_goes_above_the_header_which_stays_frozen() -> None:
    sheet = sheet_of(write_table("t", COLUMNS, [ROW], caption="隐患整治晾晒排名（截至 2025年01月01日）"))
    assert sheet["A1"].value.startswith("隐患整治晾晒排名") and sheet["A1"].font.b
    assert sheet["A2"].value == "名称" and sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:F3"


def test_no_rows_gives_the_header_alone() -> None:
    sheet = sheet_of(write_table("t", COLUMNS, iter(())))
    assert sheet.max_row == 1 and sheet.auto_filter.ref == "A1:F1"


def test_past_excels_row_limit_the_last_row_says_the_table_was_cut(monkeypatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 5)
    sheet = sheet_of(write_table("t", [Column("n", kind="int")], ([i] for i in range(100))))
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert values[:4] == ["n", 0, 1, 2] and "仅导出前 3 行" in values[4] and len(values) == 5


def test_other_readers_read_it_too() -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(write_table("隐患清单", COLUMNS, [ROW])))
    rows = book.get_sheet_by_name("隐患清单").to_python()
    assert rows[0][0] == "名称" and rows[1][0] == "清溪化工有限公司" and rows[1][1] == datetime.date(2025, 3, 1)


def test_many_columns_get_excel_letters() -> None:
    assert [xlsx.column_letters(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
    sheet = sheet_of(write_table("t", [Column(f"c{i}") for i in range(30)], [[str(i) for i in range(30)]]))
    assert sheet["AD2"].value == "29" and sheet.auto_filter.ref == "A1:AD2"


def test_a_chinese_file_name_is_sent_with_an_ascii_fallback() -> None:
    header = content_disposition("隐患清单-20250301.xlsx", fallback="hazards-20250301.xlsx")
    assert header.startswith('attachment; filename="hazards-20250301.xlsx"; ')
    encoded = header.split("filename*=UTF-8''")[1]
    assert encoded.isascii() and unquote(encoded) == "隐患清单-20250301.xlsx"
    assert 'filename="20250301.xlsx"' in content_disposition("隐患清单 20250301.xlsx")  # a derived fallback
    assert 'filename="export.xlsx"' in content_disposition("全过程记录.xlsx")


def test_the_response_is_a_download_of_the_workbook() -> None:
    data = write_table("t", COLUMNS, [ROW])
    r = xlsx_response(data, "企业清单.xlsx", fallback="enterprises.xlsx")
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r["Content-Disposition"].startswith("attachment;") and r["Cache-Control"] == "private, no-store"
    assert r.content == data
