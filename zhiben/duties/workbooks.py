"""A duty list's ledger (履职台账) as an Excel workbook, and a list's items read from one.

Out: one sheet, the completion figures (rules.py) on its first line, then a row per ledger entry (an item
without entries: one row that says so). Written with the project's XlsxWriter helpers (common/xlsx.py).

In: the items of a list as offices keep them in Excel — a header row naming 序号, 职责内容 (or 工作任务, 事项,
内容) and 完成时限 (or 完成时间, 时间节点, 期限), matched loosely (spaces, asterisks and notes in brackets
ignored), then a row per item. Read with python-calamine. What arrives is not trusted: its size and signature
are checked before calamine parses it (a renamed text file, a 1997 .xls, an encrypted workbook get a clear
message).
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from zhiben.common.xlsx import Column, write_table

from .models import DutyList
from .selectors import item_tally, list_tally

LEDGER_COLUMNS = (
    Column("序号", 6),
    Column("清单事项", 40),
    Column("完成时限", 16),
    Column("完成情况", 12),
    Column("履职日期", 12, "date"),
    Column("履职情况", 50),
    Column("记录人", 12),
    Column("附件数", 8, "int"),
)


def _state(due: int, missing: int, late: int) -> str:
    if not due:
        return "未到期"
    if missing:
        return f"未完成 {missing}"
    return "逾期完成" if late else "按期完成"


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def ledger_xlsx(duty_list: DutyList, as_of: datetime.date) -> bytes:
    """The ledger of ``duty_list`` (items, entries, files and recorders prefetched: selectors.with_items) as
    .xlsx bytes: a caption with the owner and the completion as of ``as_of`` (a Beijing day) — due, on time,
    late, missing and the on-time rate — then per item each entry: its date, text, who recorded it and how
    many files it has."""
    tally = list_tally(duty_list, as_of)
    caption = (
        f"{duty_list.title}（{duty_list.owner}，{duty_list.region.name}）履职台账 · 统计截止 {as_of:%Y-%m-%d}："
        f"应履职 {tally.due} 项（次），按期完成 {tally.on_time}，逾期完成 {tally.late}，未完成 {tally.missing}，"
        f"按期完成率 {_percent(tally.rate)}"
    )

    def rows() -> Iterator[list[Any]]:
        for item in duty_list.items.all():
            item.duty_list = duty_list
            t = item_tally(item, as_of)
            due = item.due_text + (f"（{item.get_period_display()}报告）" if item.period else "")
            head = [item.number, item.text, due, _state(t.due, t.missing, t.late)]
            entries = list(item.entries.all())
            if not entries:
                yield [*head, None, "无履职记录", None, None]
            for e in entries:
                recorder = e.recorded_by.full_name or e.recorded_by.username
                yield [*head, e.done_on, e.text, recorder, len(e.attachments.all())]

    return write_table("履职台账", LEDGER_COLUMNS, rows(), caption=caption)


# --- items in -----------------------------------------------------------------------------------------

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
MAX_ITEMS = 500
HEADER_ROWS = 10  # the header is looked for in the first rows (a title line or two above it is common)

# A column's header, after _key: the words that name it (the first that a header contains wins).
_COLUMNS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("due_text", ("完成时限", "完成时间", "时间节点", "时限", "期限", "截止"), "完成时限"),
    ("number", ("序号", "编号", "项次"), "序号"),
    ("text", ("职责内容", "工作任务", "重点任务", "工作内容", "任务", "职责", "事项", "内容"), "职责内容"),
)
LABELS = {field: label for field, _, label in _COLUMNS}


class WorkbookRejected(ValueError):
    """The upload is not a workbook of items we can read: the message says why, in Chinese."""


@dataclass(frozen=True)
class ItemRow:
    """One item as read: ``row`` the Excel row number (1-based, as the user sees it); ``number`` and ``text``
    as written; ``due_on`` when the deadline cell is a real date, else ``due_text`` its words."""

    row: int
    number: str
    text: str
    due_text: str
    due_on: datetime.date | None


def _key(raw: Any) -> str:
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"[(\[【（][^)\]】）]*[)\]】）]", "", text)
    return text.strip("*＊:：")


def _cell(raw: Any) -> str:
    """A cell as text: a whole number written by Excel as 3.0 is “3”."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat()
    return unicodedata.normalize("NFKC", str(raw)).strip() if raw not in (None, "") else ""


def upload_bytes(upload: Any) -> bytes:
    """An uploaded file's bytes (a Django UploadedFile), refused by its declared size before it is read whole.
    Raises WorkbookRejected (too large)."""
    limit = int(settings.ZHIBEN["IMPORT_MAX_MB"])
    if (upload.size or 0) > limit * 1024 * 1024:
        raise WorkbookRejected(f"文件过大，上限 {limit} MB")
    return bytes(upload.read())


def _check(data: bytes) -> None:
    limit = int(settings.ZHIBEN["IMPORT_MAX_MB"])
    if not data:
        raise WorkbookRejected("文件是空的")
    if len(data) > limit * 1024 * 1024:
        raise WorkbookRejected(f"文件过大，上限 {limit} MB")
    if data.startswith(OLE_SIGNATURE):
        if ENCRYPTED_MARK in data[: 4 * 1024 * 1024]:
            raise WorkbookRejected("工作簿设置了打开密码：请取消密码后另存为 .xlsx 再上传")
        raise WorkbookRejected("这是旧版 Excel 97-2003 格式（.xls）：请在 Excel 或 WPS 中“另存为” .xlsx 后上传")
    if not data.startswith(ZIP_SIGNATURE):
        raise WorkbookRejected("不是 Excel 工作簿（.xlsx）：请从 Excel 或 WPS 另存为 .xlsx")


def _sheet_rows(data: bytes) -> list[list[Any]]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for sheet in book.sheets_metadata:
            if sheet.visible != SheetVisibleEnum.Visible:
                continue
            rows = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
            if any(any(c not in ("", None) for c in row) for row in rows):
                return rows
    except CalamineError as exc:
        raise WorkbookRejected("无法读取工作簿内容：文件可能已损坏") from exc
    except (ValueError, OSError) as exc:  # calamine raises these for malformed parts; its words are English
        raise WorkbookRejected("无法读取工作簿内容：文件格式有误或已损坏，请用 Excel 另存为 .xlsx 后重试") from exc
    raise WorkbookRejected("工作簿里没有数据")


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The header row's index and the column index of each field: the first row naming the text column and one
    more (a title line above the table, “县长安全生产职责清单”, names only one)."""
    for index, row in enumerate(rows[:HEADER_ROWS]):
        found: dict[str, int] = {}
        for col, raw in enumerate(row):
            key = _key(raw)
            if not key or len(key) > 12:  # a title line is not a header
                continue
            for field, words, _ in _COLUMNS:
                if field not in found and any(w in key for w in words):
                    found[field] = col
                    break
        if "text" in found and len(found) >= 2:
            return index, found
    raise WorkbookRejected("找不到表头：请在第一行写明“序号”“职责内容”（或“工作任务”）“完成时限”")


def read_items(data: bytes) -> list[ItemRow]:
    """The items of an uploaded .xlsx (bytes), in order; rows with nothing in the three columns are skipped.
    A missing 序号 is the item's place in the list (1, 2, …). Raises WorkbookRejected (not a workbook, no
    header, no items, more than MAX_ITEMS); the rows' own faults are for the caller (services) to judge."""
    _check(data)
    rows = _sheet_rows(data)
    start, columns = _header(rows)
    out: list[ItemRow] = []
    for index in range(start + 1, len(rows)):
        row = rows[index]

        def at(field: str, row: list[Any] = row) -> Any:
            col = columns.get(field)
            return row[col] if col is not None and col < len(row) else None

        number, text, due = _cell(at("number")), _cell(at("text")), at("due_text")
        if not (number or text or _cell(due)):
            continue
        due_on = due.date() if isinstance(due, datetime.datetime) else due if isinstance(due, datetime.date) else None
        out.append(
            ItemRow(
                row=index + 1,
                number=number or str(len(out) + 1),
                text=text,
                due_text="" if due_on else _cell(due),
                due_on=due_on,
            )
        )
    if not out:
        raise WorkbookRejected("表头下没有事项")
    if len(out) > MAX_ITEMS:
        raise WorkbookRejected(f"一次最多导入 {MAX_ITEMS} 项，现有 {len(out)} 项：请分成几个文件")
    return out
