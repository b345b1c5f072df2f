"""The column-mapping layer: a ledger is a declaration of columns (field, Chinese header, synonyms, parser).

Parsers only turn what a cell holds (an Excel date, a float, text with full-width characters and stray
spaces) into the plain value the API would receive; every field rule is then applied by the same
``validate_*`` service functions the API and the pages use.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Parser = Callable[[Any], Any]

_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Lotus's leap-day bug)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+\d{1,2}[:时].*)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


# Full-width letters, digits and a few signs (as typed with a Chinese IME) to ASCII; Chinese punctuation
# such as （） stays, as names are registered with it.
_HALFWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c).isalnum() or chr(c) in "－／．：＋＊"}
_HALFWIDTH[0x3000] = 0x20


def normal_text(raw: Any) -> str:
    """A cell as text: full-width letters and digits to ASCII, trimmed, inner runs of whitespace to one
    space; whole-number floats without their ``.0`` (Excel stores 120 as 120.0)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool):
        return "是" if raw else "否"
    text = str(raw).translate(_HALFWIDTH)
    return re.sub(r"\s+", " ", text).strip()


def compact_text(raw: Any) -> str:
    """Text with every space removed (codes, names of choices)."""
    return normal_text(raw).replace(" ", "")


class CellProblem(str):
    """What a parser hands on for a cell it cannot read as meant: the row gets this message for the field."""

    message: str

    def __new__(cls, text: str, message: str) -> CellProblem:
        made = super().__new__(cls, text)
        made.message = message
        return made


def parse_code(raw: Any) -> Any:
    """A code (统一社会信用代码): text. An 18-digit code that the spreadsheet turned into a number has lost its
    last digits (Excel and LibreOffice keep 15): say so, rather than "wrong check digit"."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if abs(raw) >= 1e15:
            return CellProblem(
                str(raw), "统一社会信用代码被表格当成了数字，后几位已丢失：请把该列设为“文本”格式后重新填写"
            )
        return str(int(raw))
    return compact_text(raw)


def parse_date(raw: Any) -> datetime.date | str | None:
    """An Excel date, an Excel serial number, or text: 2024-03-01, 2024/3/1, 2024年3月1日, 2024.3.1, 20240301.

    Text that is not a date is handed on as it is, so the service names the field in its own words."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:  # Excel's serial range (to 9999-12-31)
            return _EXCEL_EPOCH + datetime.timedelta(days=int(raw))
        return str(raw)
    text = normal_text(raw)  # spaces kept: "2024-3-1 19:30" is not 2024-3-11
    if not text:
        return None
    for pattern in (_DATE, _DATE_COMPACT):
        m = pattern.match(text)
        if m:
            try:
                return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return text
    return text


def parse_choice(aliases: dict[str, str]) -> Parser:
    """A coded column: the key, the Chinese label (checked by the service) or a common alias."""

    def parse(raw: Any) -> str:
        text = compact_text(raw)
        return aliases.get(text, aliases.get(text.lower(), text))

    return parse


def parse_bool(raw: Any) -> Any:
    text = compact_text(raw)
    if text in ("", "-", "/"):
        return None
    return {"√": "是", "✓": "是", "有": "是", "无": "否", "×": "否", "已投保": "是", "未投保": "否"}.get(text, text)


def parse_int(raw: Any) -> Any:
    return normal_text(raw).replace(",", "") or None


@dataclass(frozen=True)
class Column:
    """One column of a ledger: the field it fills, its header in the template, what else people call it."""

    field: str
    header: str
    synonyms: tuple[str, ...] = ()
    parser: Parser = normal_text
    required: bool = False
    note: str = ""  # the instructions sheet's explanation
    choices: Callable[[], Sequence[str]] | None = None  # the template's drop-down list
    kind: str = "text"  # text | date | number: the template's cell format
    width: int = 16
    fallback: tuple[str, ...] = ()  # headers taken only when another field has its own column already


@dataclass(frozen=True)
class Ledger:
    kind: str
    title: str
    columns: tuple[Column, ...]
    instructions: tuple[str, ...] = ()
    # fields of which at least one must be found among the headers (e.g. the enterprise by code or name)
    required_any: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


def header_key(raw: Any) -> str:
    """A header as compared: no spaces, asterisks, parenthesised notes or trailing colons; ASCII lower case."""
    text = unicodedata.normalize("NFKC", compact_text(raw))
    text = re.sub(r"[(\[【][^)\]】]*[)\]】]", "", text)
    return text.strip("*＊:：").lower()


@dataclass
class Mapping:
    """Which cell index feeds which column, found in one header row."""

    header_row: int  # 0-based index in the sheet's rows
    columns: dict[int, Column]
    ignored: list[str]


def match_headers(ledger: Ledger, cells: Sequence[Any], row_index: int) -> Mapping:
    """Map one row of header cells: exact headers first, then synonyms for the fields still free, so that
    a sheet with both 隐患名称 and 隐患描述 keeps them apart."""
    keys = [header_key(c) for c in cells]
    taken: dict[int, Column] = {}
    used: set[str] = set()
    for names in (lambda c: (c.header,), lambda c: c.synonyms, lambda c: c.fallback):
        for col in ledger.columns:
            if col.field in used:
                continue
            wanted = {header_key(n) for n in names(col)}
            for i, key in enumerate(keys):
                if i not in taken and key and key in wanted:
                    taken[i] = col
                    used.add(col.field)
                    break
    ignored = [normal_text(cells[i]) for i, k in enumerate(keys) if k and i not in taken]
    return Mapping(header_row=row_index, columns=taken, ignored=ignored)


def find_header(ledger: Ledger, rows: Sequence[Sequence[Any]], scan: int = 20) -> Mapping | None:
    """The header is the row among the first ``scan`` that names the most columns (title rows, merged
    across the sheet, and notes above it are skipped)."""
    best: Mapping | None = None
    for i, row in enumerate(rows[:scan]):
        found = match_headers(ledger, row, i)
        if found.columns and (best is None or len(found.columns) > len(best.columns)):
            best = found
    return best
