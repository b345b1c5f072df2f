"""Ledgers (台账) as registers declare them (DESIGN.md §5): columns, cell parsers, and the row logic.

A ledger is a declaration of columns (field, Chinese header, synonyms, parser) and of what a register
does with one row of it. Each register keeps its ledger in ``<app>/ledger.py`` and lists it in its
``kit.Register(ledgers=…)``; the import engine (``zhiben/imports``: reading workbooks, finding the header,
mapping the columns, the report and the error workbook) finds it through ``kit.registers()`` and never
imports a register.

Parsers only turn what a cell holds (an Excel date, a float, text with full-width characters and stray
spaces) into the plain value the API would receive; every field rule is then applied by the same
``validate_*`` service functions the API and the pages use, and the rows are written by the register's
own bulk services (``<noun>_create_many``, ``<noun>_update_many``), which emit the same events and
summary counts as the single-record ones.

Nothing here imports a Django model.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .dates import NotADay, parse_day
from .validators import visible

Parser = Callable[[Any], Any]


# Full-width letters, digits and a few signs (as typed with a Chinese IME) to ASCII; Chinese punctuation
# such as （） stays, as names are registered with it.
_HALFWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c).isalnum() or chr(c) in "－／．：＋＊"}
_HALFWIDTH[0x3000] = 0x20


_SPACES = re.compile(r"\s+")


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
    return _SPACES.sub(" ", text).strip()


def keep_text(raw: Any) -> str:
    """A text cell as the user typed it (names, titles, addresses, descriptions): Chinese punctuation
    (：，（）、), full-width letters and inner spacing and line breaks are kept; only invisible format
    characters (zero-width spaces, BOMs, direction marks) anywhere and whitespace at either end go.
    Normalised forms are for comparing, never for storing. A whole-number float loses its ``.0``."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw)
    if not text.isascii():
        text = _format_characters().sub("", text)
    return visible(text)


@functools.cache
def _format_characters() -> re.Pattern[str]:
    """Every invisible format character (Unicode category Cf) below the tag block, as one character
    class: one regex pass per cell instead of a Python loop over its characters."""
    found = [chr(c) for c in range(0xE0000) if unicodedata.category(chr(c)) == "Cf"]
    return re.compile("[" + "".join(re.escape(c) for c in found) + "]")


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
    """A Beijing day by ``dates.parse_day``, the one reading of dates: an Excel date, an Excel serial
    number, or text — 2024-03-01, 2024/3/1, 2024年3月1日, 2024.3.1, 20240301, with or without a time, and
    an instant with an offset or Z (``2026-11-19T16:00:00.000Z``) as its Beijing day.

    Text that is not a date is handed on as it is, so the service names the field in its own words."""
    try:
        return parse_day(raw, serials=True)
    except NotADay:
        return normal_text(raw)


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
class Reference:
    """A list the template carries on a sheet of its own for a column (判定标准条款: code, sector, text):
    its first column holds the values the column takes, and the column's drop-down list points at it."""

    sheet: str
    headers: tuple[str, ...]
    rows: Callable[[], Iterable[Sequence[Any]]]
    widths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Column:
    """One column of a ledger: the field it fills, its header in the template, what else people call it."""

    field: str
    header: str
    synonyms: tuple[str, ...] = ()
    parser: Parser = keep_text  # what the user typed; codes, choices, numbers and dates have their own
    required: bool = False
    note: str = ""  # the instructions sheet's explanation
    choices: Callable[[], Sequence[str]] | None = None  # the template's drop-down list
    kind: str = "text"  # text | date | number: the template's cell format
    width: int = 16
    fallback: tuple[str, ...] = ()  # headers taken only when another field has its own column already
    # group headers this (date) column is found under when its own header is lost: 整改情况 over 整改期限
    groups: tuple[str, ...] = ()
    reference: Reference | None = None  # a sheet of the values it takes, with their meaning (the template's)


@dataclass
class Checked:
    """What one row comes to: an action with its cleaned data, or its errors by field.

    ``create``: ``cleaned`` is what the register's ``create_many`` takes for the row. ``update``:
    ``target`` names the record (what ``update_many`` takes: an instance or its key) and ``cleaned``
    holds only the fields that change. ``unchanged``: nothing to write. ``""``: see ``errors``.
    """

    row: int  # the Excel row number
    action: str = ""  # create | update | unchanged
    cleaned: dict[str, Any] = field(default_factory=dict)
    target: Any = None
    errors: dict[str, str] = field(default_factory=dict)


class LedgerRows(Protocol):
    """A register's row logic for one file and one actor (made by ``Ledger.rows(actor)``)."""

    def prepare(self, rows: Sequence[dict[str, Any]]) -> None:
        """Load, once for the file, what checking its rows needs (parsed rows, by field)."""

    def check(self, row: int, data: dict[str, Any]) -> Checked:
        """One row's action (create, update, unchanged) or its errors by field. Rows are checked in
        order; a row that repeats an earlier one (by the keys that identify a record) is an error."""


class CreateMany(Protocol):
    def __call__(
        self, *, actor: Any, rows: Sequence[Mapping[str, Any]], context: Iterable[Mapping[str, Any]] | None = None
    ) -> Any: ...


class UpdateMany(Protocol):
    def __call__(
        self,
        *,
        actor: Any,
        rows: Sequence[tuple[Any, Mapping[str, Any]]],
        context: Iterable[Mapping[str, Any]] | None = None,
    ) -> Any: ...


@dataclass(frozen=True)
class Ledger:
    """A register's ledger: the columns of its template and its import, and how rows are checked and written.

    ``kind`` is its key (the URL segment of its template and imports, ``ImportJob.kind``). ``rows(actor)``
    makes the row logic for one file. ``create_many`` / ``update_many`` are the register's bulk services:
    they take the ``cleaned`` rows of the ``create`` checks / ``(target, cleaned)`` of the ``update`` checks,
    and ``context``, for each row in order, what its event's payload adds (the import names its job, file
    and row). ``writers`` are the roles that may import it; others are told ``refusal``.
    ``error_columns``: an error on a field the sheet fills from another column is shown on that column.
    """

    kind: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[Any], LedgerRows]
    create_many: CreateMany
    update_many: UpdateMany
    writers: frozenset[str]
    refusal: str = "您的角色不能导入此台账"
    instructions: tuple[str, ...] = ()
    # fields of which at least one must be found among the headers (e.g. the enterprise by code or name)
    required_any: tuple[tuple[str, ...], ...] = field(default_factory=tuple)
    error_columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # the fields an actor's role fixes (an enterprise user's own enterprise, 企业自查): their columns may be
    # left out; the register's rows fill a blank cell and refuse a contradicting one, naming the column
    fixed_by_role: Callable[[Any], frozenset[str]] = field(default=lambda actor: frozenset())

    def column(self, name: str) -> Column:
        """The column that fills ``name``."""
        return next(c for c in self.columns if c.field == name)


def labels(choices: Iterable[tuple[Any, Any]]) -> list[str]:
    """The Chinese labels of a model's ``choices`` (a template's drop-down list)."""
    return [str(label) for _, label in choices]


def filter_in_chunks(qs: Any, field_name: str, values: Iterable[Any], size: int = 900) -> list[Any]:
    """``qs.filter(<field_name>__in=values)`` in chunks: SQLite caps the number of parameters of one
    statement. Returns the rows (or values) as a list."""
    out: list[Any] = []
    items = sorted(set(values), key=str)
    for i in range(0, len(items), size):
        out.extend(qs.filter(**{f"{field_name}__in": items[i : i + size]}))
    return out
