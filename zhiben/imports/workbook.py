"""Reading an uploaded workbook safely, and writing the template and the error workbook.

What arrives is not trusted: before python-calamine parses anything, the file's size, its signature
and (for the zip inside every .xlsx) its members' declared sizes are checked, so a renamed text file, a
1997 .xls, a password-protected workbook (an encrypted OLE container) or a zip bomb is refused with a
clear message, nothing written, memory bounded.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from zhiben.common.ledgers import Ledger, Reference
from zhiben.common.xlsx import column_letters, new_workbook, write_cell

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # uncompressed / compressed, per member: sheets of text compress well, bombs far better


class WorkbookRejected(ValueError):
    """The upload is not a workbook we will read: the message says why, in Chinese."""


def max_bytes() -> int:
    return int(settings.ZHIBEN["IMPORT_MAX_MB"]) * 1024 * 1024


def check_workbook(path: Path, size: int) -> None:
    if size == 0:
        raise WorkbookRejected("文件是空的")
    if size > max_bytes():
        raise WorkbookRejected(
            f"文件过大（{size / 1048576:.0f} MB），上限 {settings.ZHIBEN['IMPORT_MAX_MB']} MB：请分成几个文件"
        )
    with path.open("rb") as f:
        head = f.read(8)
        if head == OLE_SIGNATURE:
            f.seek(0)
            chunk = f.read(4 * 1024 * 1024)
            if ENCRYPTED_MARK in chunk:
                raise WorkbookRejected("工作簿设置了打开密码：请取消密码后另存为 .xlsx 再上传")
            raise WorkbookRejected("这是旧版 Excel 97-2003 格式（.xls）：请在 Excel 或 WPS 中“另存为” .xlsx 后上传")
        if not head.startswith(ZIP_SIGNATURE):
            raise WorkbookRejected("不是 Excel 工作簿（.xlsx）：请使用下载的模板或从 Excel/WPS 另存为 .xlsx")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookRejected("工作簿已损坏，无法读取") from exc
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise WorkbookRejected("不是 Excel 工作簿（.xlsx）：文件里没有工作表")
    if len(members) > MAX_MEMBERS:
        raise WorkbookRejected("工作簿结构异常（部件过多），拒绝读取")
    budget = max_bytes() * 10
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise WorkbookRejected("工作簿压缩比异常（疑似压缩炸弹），拒绝读取")
    if total > budget:
        raise WorkbookRejected("工作簿解压后过大，拒绝读取：请分成几个文件")


Merge = tuple[tuple[int, int], tuple[int, int]]


def read_rows(path: Path) -> tuple[str, list[list[Any]], list[Merge]]:
    """The first visible sheet that has data: its name, its rows from A1 (so that a row's index + 1 is
    the row number the user sees in Excel) and its merged ranges, ``((first row, first col), (last row,
    last col))``, 0-based (a stacked header is read through them)."""
    try:
        book = CalamineWorkbook.from_path(str(path))
        for sheet in book.sheets_metadata:
            if sheet.visible != SheetVisibleEnum.Visible:
                continue
            found = book.get_sheet_by_name(sheet.name)
            rows = found.to_python(skip_empty_area=False)
            if any(any(c not in ("", None) for c in row) for row in rows):
                merges = [((int(a[0]), int(a[1])), (int(b[0]), int(b[1]))) for a, b in found.merged_cell_ranges or ()]
                return sheet.name, rows, merges
    except CalamineError as exc:
        raise WorkbookRejected("无法读取工作簿内容：文件可能已损坏") from exc
    except (ValueError, OSError) as exc:  # calamine raises these for malformed parts; its words are English
        raise WorkbookRejected("无法读取工作簿内容：文件格式有误或已损坏，请用 Excel 另存为 .xlsx 后重试") from exc
    raise WorkbookRejected("工作簿里没有数据")


# ----------------------------------------------------------------------------------------- writing
def template(ledger: Ledger) -> bytes:
    """The import template: the header row in Chinese (required columns marked *), drop-down lists for
    the coded columns, date formats, an example row note, and an instructions sheet."""
    out = io.BytesIO()
    book = new_workbook(out, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "vcenter"})
    required = book.add_format(
        {
            "bold": True,
            "bg_color": "#FCE4D6",
            "border": 1,
            "text_wrap": True,
            "valign": "vcenter",
            "font_color": "#9C0006",
        }
    )
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet(ledger.title)
    lists = book.add_worksheet("选项")
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 30)
    list_col = 0
    for i, col in enumerate(ledger.columns):
        sheet.write_string(0, i, f"{col.header}*" if col.required else col.header, required if col.required else head)
        sheet.set_column(i, i, col.width, date if col.kind == "date" else text if col.kind == "text" else None)
        if col.note:
            sheet.write_comment(0, i, col.note, {"x_scale": 2, "y_scale": 1.5})
        if col.kind == "date":
            sheet.data_validation(
                1,
                i,
                100_000,
                i,
                {
                    "validate": "date",
                    "criteria": ">",
                    "value": datetime.date(2000, 1, 1),
                    "error_message": "请填写日期，如 2024-03-01",
                    "ignore_blank": True,
                },
            )
        if col.choices is not None:
            values = list(col.choices())
            lists.write_string(0, list_col, col.header)
            for r, v in enumerate(values, start=1):
                write_cell(lists, r, list_col, v)
            letter = xlsxwriter.utility.xl_col_to_name(list_col)
            sheet.data_validation(
                1,
                i,
                100_000,
                i,
                {
                    "validate": "list",
                    "source": f"=选项!${letter}$2:${letter}${len(values) + 1}",
                    "error_type": "warning",
                    "error_message": "请从下拉列表中选择",
                    "ignore_blank": True,
                },
            )
            list_col += 1
        if col.reference is not None:
            count = _reference_sheet(book, col.reference, head)
            if count:
                sheet.data_validation(
                    1,
                    i,
                    100_000,
                    i,
                    {
                        "validate": "list",
                        "source": f"='{col.reference.sheet}'!$A$2:$A${count + 1}",
                        "error_type": "warning",
                        "error_message": f"请填写“{col.reference.sheet}”工作表中的编码",
                        "ignore_blank": True,
                    },
                )
    lists.hide()
    notes = book.add_worksheet("填写说明")
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DCE6F1", "border": 1})
    notes.set_column(0, 0, 22)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 60)
    notes.set_column(3, 3, 40)
    row = 0
    for line in ledger.instructions:
        notes.merge_range(row, 0, row, 3, "", wrap)
        notes.write_string(row, 0, line, wrap)
        notes.set_row(row, 32)
        row += 1
    row += 1
    for c, title in enumerate(("列名", "必填", "填写要求", "也可识别的列名")):
        notes.write_string(row, c, title, bold)
    for col in ledger.columns:
        row += 1
        choices = f"可选：{'、'.join(col.choices())}。" if col.choices is not None else ""
        write_cell(notes, row, 0, col.header, wrap)
        write_cell(notes, row, 1, "是" if col.required else "", wrap)
        write_cell(notes, row, 2, f"{col.note}{choices}", wrap)
        write_cell(notes, row, 3, "、".join((*col.synonyms, *col.fallback)), wrap)
    sheet.activate()
    book.close()
    return out.getvalue()


def _reference_sheet(book: Any, reference: Reference, head: Any) -> int:
    """The reference sheet of a column (its values in column A, with what they mean); answers how many."""
    sheet = book.add_worksheet(reference.sheet)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for c, title in enumerate(reference.headers):
        sheet.write_string(0, c, title, head)
        sheet.set_column(c, c, reference.widths[c] if c < len(reference.widths) else 20)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(reference.rows(), start=1):
        for c, value in enumerate(row):
            write_cell(sheet, count, c, value, wrap)
    if count:
        sheet.autofilter(0, 0, count, len(reference.headers) - 1)
    return count


def error_workbook(
    sheet_name: str,
    header: Sequence[Any],
    rows: Iterable[tuple[Sequence[Any], dict[int, str], str]],
) -> bytes:
    """The original rows (from the header down) with an 错误信息 column and the cells at fault highlighted:
    what the user corrects and uploads again. Every cell is written as what it was read as (text stays
    text: a "=1+1" is no formula, a URL no link, however long); a text past Excel's cell limit (only a
    crafted file holds one) is cut with a mark, and its row's message says so."""
    out = io.BytesIO()
    book = new_workbook(out, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet(sheet_name[:31] or "Sheet1")
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    bad = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 1})
    bad_date = book.add_format(
        {"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 1, "num_format": "yyyy-mm-dd"}
    )
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    message = book.add_format({"font_color": "#9C0006", "text_wrap": True})
    width = len(header)
    sheet.freeze_panes(1, 0)
    for i, cell in enumerate(header):
        write_cell(sheet, 0, i, cell, head)
        sheet.set_column(i, i, 16)
    sheet.write_string(0, width, "错误信息", head)
    sheet.set_column(width, width, 60)
    for r, (cells, bad_cells, text) in enumerate(rows, start=1):
        cut = []
        for i in range(max(width, len(cells))):
            value = cells[i] if i < len(cells) else None
            is_date = isinstance(value, datetime.date)
            fmt = (bad_date if is_date else bad) if i in bad_cells else (date if is_date else None)
            if isinstance(value, datetime.time | datetime.timedelta):
                value = str(value)
            if write_cell(sheet, r, i, value, fmt):
                cut.append(column_letters(i))
        if cut:
            text = "；".join(filter(None, (text, f"{'、'.join(cut)}列的文字超过 Excel 单元格上限，本表中已截断")))
        if text:
            write_cell(sheet, r, width, text, message)
    book.close()
    return out.getvalue()
