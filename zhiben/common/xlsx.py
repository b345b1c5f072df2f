"""The one way zhiben writes Excel (.xlsx): a styled table on one sheet, streamed.

``write_table`` takes the columns (Chinese header, width, kind) and any iterable of rows and writes them
with XlsxWriter in ``constant_memory`` mode (a row at a time to a temporary file, so an export of a
hundred thousand rows never holds the sheet). The header row is bold on a fill with borders, frozen, and
carries an autofilter; columns have their widths; dates are real Excel dates (``yyyy-mm-dd``) and
timestamps are shown in Beijing time.

``xlsx_response`` wraps the bytes for download with a Content-Disposition that carries a Chinese file
name (RFC 6266/5987) and an ASCII fallback.
"""

from __future__ import annotations

import datetime
import io
import logging
import math
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from xlsxwriter.utility import xl_col_to_name

log = logging.getLogger(__name__)
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1_048_576  # Excel's limit, header included
MAX_CHARS = 32_767  # Excel's limit for one cell's text
HEADER_FILL = "B3261E"

Kind = Literal["text", "date", "datetime", "int", "decimal", "percent"]


@dataclass(frozen=True)
class Column:
    """One column: its Chinese header, its width in characters and the kind of its cells.

    A cell's value may be ``None`` or ``""`` (left empty), a ``bool`` (是/否), any ``str`` (written as
    text whatever the kind, e.g. "—"), or a value of the column's kind: ``date`` (a ``date``, or an
    aware ``datetime`` taken on its Beijing day), ``datetime``, ``int``, ``decimal`` (``Decimal`` or
    number) or ``percent`` (a ratio, 0.5 is 50%)."""

    header: str
    width: float = 12
    kind: Kind = "text"


_EPOCH = datetime.date(1899, 12, 30).toordinal()  # Excel's day 0 (for dates from 1900-03-01 on)
_FIRST_SERIAL_DAY = datetime.date(1900, 3, 1)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  # not allowed in XML 1.0
FORMATS: dict[str, str] = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "int": "0",
    "decimal": "#,##0.00",
    "percent": "0.0%",
}


def excel_date(value: datetime.date) -> int:
    """The serial number Excel stores for a date (1900 date system)."""
    return value.toordinal() - _EPOCH


def column_letters(index: int) -> str:
    """``0`` → ``A``, ``27`` → ``AB``."""
    return str(xl_col_to_name(index))


# What every workbook zhiben writes is opened with: text is text. XlsxWriter's ``write`` would otherwise
# guess — a user's "=1+1" a live formula, a URL a link (and a URL past Excel's 2,079-character link limit
# dropped with a warning), "0012" a number.
SAFE_OPTIONS: dict[str, Any] = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
TRUNCATED = "…［已截断：原文 {n:,} 字，超过 Excel 单元格 {limit:,} 字的上限］"


def new_workbook(out: Any, options: dict[str, Any] | None = None) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook that never guesses a type from text (``SAFE_OPTIONS`` over ``options``)."""
    return xlsxwriter.Workbook(out, {**(options or {}), **SAFE_OPTIONS})


def cell_text(value: Any) -> tuple[str, bool]:
    """``value`` as a cell's text, and whether it was cut: characters XML cannot hold are dropped, and a
    text over Excel's 32,767-character cell limit is cut with a visible mark saying how long it was."""
    if value.__class__ is not str:
        value = ("是" if value else "否") if isinstance(value, bool) else str(value)
    if _NOT_XML.search(value):
        value = _NOT_XML.sub("", value)
    if len(value) <= MAX_CHARS:
        return value, False
    mark = TRUNCATED.format(n=len(value), limit=MAX_CHARS)
    return value[: MAX_CHARS - len(mark)] + mark, True


def _text(value: Any) -> str:
    return cell_text(value)[0]


def write_cell(sheet: Any, row: int, col: int, value: Any, fmt: Any = None, date_format: Any = None) -> bool:
    """One cell written by the Python type of ``value``, never by what its text looks like: ``None`` and
    ``""`` blank, a ``bool`` a boolean, a finite number a number, a date or naive datetime a date (in
    ``date_format``, else ``fmt``), anything else text (``cell_text``). Returns whether the text was cut."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float | Decimal) and math.isfinite(float(value)):
        sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
    elif isinstance(value, datetime.date) and getattr(value, "tzinfo", None) is None:
        sheet.write_datetime(row, col, value, date_format or fmt)
    else:
        text, cut = cell_text(value)
        sheet.write_string(row, col, text, fmt)
        return cut
    return False


def write_table(
    sheet_title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
) -> bytes:
    """The workbook of one sheet: an optional caption line, the header, then ``rows`` in order.

    Written with XlsxWriter in ``constant_memory`` mode: each row goes to disk as it is written, so
    ``rows`` is consumed once, lazily (pass a generator over ``queryset.iterator()``); each row has one
    value per column. Text is always text (never a formula, number or link). Past Excel's row limit the
    last row says the table was cut."""
    tz = timezone.get_current_timezone()  # Asia/Shanghai
    with tempfile.TemporaryDirectory() as tmp:
        out = io.BytesIO()
        book = new_workbook(out, {"constant_memory": True, "tmpdir": tmp, "remove_timezone": True})
        sheet = book.add_worksheet(_sheet_title(sheet_title))
        head = book.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": f"#{HEADER_FILL}", "border": 1, "valign": "vcenter"}
        )
        formats = {kind: book.add_format({"num_format": fmt}) for kind, fmt in FORMATS.items()}
        header_row = 1 if caption else 0  # 0-based, as XlsxWriter counts
        for i, column in enumerate(columns):
            sheet.set_column(i, i, column.width)
        sheet.freeze_panes(header_row + 1, 0)
        if caption:
            sheet.write_string(0, 0, _text(caption), book.add_format({"bold": True, "font_size": 12}))
        for i, column in enumerate(columns):
            sheet.write_string(header_row, i, column.header, head)
        kinds = [c.kind for c in columns]
        last = header_row
        cut = 0
        for last, row in enumerate(rows, start=header_row + 1):
            if last == MAX_ROWS - 1:
                sheet.write_string(last, 0, f"超过 Excel 行数上限，仅导出前 {MAX_ROWS - 2 - header_row:,} 行")
                break
            for i, value in enumerate(row):
                if value is None or value == "":
                    continue
                cut += _write(sheet, last, i, value, kinds[i], formats, tz)
        sheet.autofilter(header_row, 0, last, len(columns) - 1)
        if cut:  # said in the log, and in the workbook itself under the table (where a row is left)
            log.warning("xlsx %s: %d cells cut at Excel's %d-character limit", sheet_title, cut, MAX_CHARS)
            sheet.write_string(
                last + 1,
                0,
                f"注：{cut} 个单元格的文字超过 Excel 单元格 {MAX_CHARS:,} 字的上限，已截断（以“已截断”标明）",
            )
        book.close()
        return out.getvalue()


def _write(sheet: Any, row: int, col: int, value: Any, kind: Kind, formats: dict[str, Any], tz: Any) -> bool:
    """One non-empty cell: a real date, time or number where the column's kind and the value agree,
    else text (a "—" in a number column, a date before 1900-03-01). Returns whether the text was cut."""
    if kind in ("date", "datetime") and isinstance(value, datetime.date):
        if isinstance(value, datetime.datetime) and value.utcoffset() is not None:
            value = value.astimezone(tz)
        if kind == "date" and isinstance(value, datetime.datetime):
            value = value.date()
        day = value.date() if isinstance(value, datetime.datetime) else value
        if day >= _FIRST_SERIAL_DAY:
            sheet.write_datetime(row, col, value, formats[kind])
            return False
    elif (
        kind in ("int", "decimal", "percent")
        and isinstance(value, int | float | Decimal)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    ):
        sheet.write_number(row, col, value if isinstance(value, int) else float(value), formats[kind])
        return False
    text, cut = cell_text(value)
    sheet.write_string(row, col, text)
    return cut


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", title).strip("'")[:31] or "Sheet1"


def ascii_filename(filename: str) -> str:
    """A plain-ASCII stand-in for ``filename`` for clients that ignore ``filename*``."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._-") or "export"
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext)
    return f"{plain}.{ext}" if ext else plain


def content_disposition(filename: str, *, fallback: str | None = None) -> str:
    """``attachment`` with an ASCII ``filename`` and the real (UTF-8) name in ``filename*`` (RFC 5987)."""
    plain = ascii_filename(fallback or filename)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_response(data: bytes, filename: str, *, fallback: str | None = None) -> HttpResponse:
    """The workbook as a download named ``filename`` (Chinese welcome); ``fallback`` is the ASCII name."""
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx_openapi(description: str) -> dict[str, Any]:
    """``openapi_extra`` for an API operation that answers a workbook instead of JSON."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }
