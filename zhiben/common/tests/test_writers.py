"""Every workbook zhiben writes holds user text as text: no formula, no link, nothing dropped, and a text
past Excel's cell limit cut with a visible mark and said so — read back with openpyxl and python-calamine.

The writers: the shared table writer (every register's export, the timeline, the ranking), the import's
error workbook and every ledger's import template."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from zhiben.analytics.exports import ranking_xlsx
from zhiben.common.xlsx import MAX_CHARS, Column, write_table
from zhiben.enterprises.exports import enterprises_xlsx
from zhiben.hazards.exports import hazards_xlsx, timeline_xlsx
from zhiben.hazards.selectors import hazard_events
from zhiben.imports.ledgers import ledgers
from zhiben.imports.workbook import error_workbook, template
from zhiben.tests_support import factories

LONG_URL = "http://example.invalid/" + "a" * 2100  # past Excel's 2,079-character link limit
TEXTS = [
    '=HYPERLINK("http://198.51.100.7/x","点此查看整改照片")',
    "=1+1",
    "+1",
    "-1-1",
    "@SUM(A1:A2)",
    "0012",
    "1e5",
    "TRUE",
    "mailto:someone@example.invalid",
    "https://example.invalid/x",
    LONG_URL,
]


def parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {n: package.read(n).decode("utf-8", "replace") for n in package.namelist()}


def assert_text_only(data: bytes, texts: list[str]) -> None:
    """No formula or link anywhere in the workbook, and each of ``texts`` in a text cell exactly."""
    for name, xml in parts(data).items():
        if name.startswith("xl/worksheets/sheet"):
            assert not re.search(r"<f[ >]", xml), f"a formula in {name}"
            assert "<hyperlink" not in xml, f"a link in {name}"
        assert "hyperlink" not in name.lower()
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None, (sheet.title, cell.coordinate)
                if cell.data_type == "s":
                    found.add(cell.value)
    assert set(texts) <= found, set(texts) - found
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data))
    read = {v for name in calamine.sheet_names for row in calamine.get_sheet_by_name(name).to_python() for v in row}
    assert set(texts) <= read


# ------------------------------------------------------------------------------------- the writers
def _table(texts: list[str], **_: Any) -> bytes:
    return write_table("t", [Column("文本")], [[t] for t in texts])


def _errors(texts: list[str], **_: Any) -> bytes:
    return error_workbook("隐患清单", ["隐患名称", "发现日期"], [([t, "2026年13月1日"], {1: "日期"}, t) for t in texts])


def _hazards(texts: list[str], *, officer: Any, firm: Any) -> bytes:
    for i, t in enumerate(texts):
        factories.hazard(officer, firm, discovered_on="2024-03-01", title=t[:200], description=t, external_ref=f"R{i}")
    return hazards_xlsx(actor=officer)


def _enterprises(texts: list[str], *, officer: Any, **_: Any) -> bytes:
    for t in texts:
        factories.enterprise(region="500241", name=t[:200], address=t[:200], principal=t[:60])
    return enterprises_xlsx(actor=officer)


def _ranking(texts: list[str], **_: Any) -> bytes:
    rows = [{"rank": i + 1, "key": t, "name": t, "on_time_rate": None, "total": 1} for i, t in enumerate(texts)]
    return ranking_xlsx(rows, title="晾晒排名", as_of=datetime.date(2026, 11, 30))


WRITERS: dict[str, Callable[..., bytes]] = {
    "table": _table,
    "error workbook": _errors,
    "hazard export": _hazards,
    "enterprise export": _enterprises,
    "ranking": _ranking,
}


@pytest.mark.django_db
@pytest.mark.parametrize("writer", list(WRITERS), ids=list(WRITERS))
def test_user_text_is_written_as_text(writer: str, officer, firm) -> None:
    texts = TEXTS if writer not in ("enterprise export",) else [t for t in TEXTS if len(t) <= 200]
    data = WRITERS[writer](texts, officer=officer, firm=firm)
    assert_text_only(data, texts)


@pytest.mark.django_db
def test_the_timeline_export_writes_text_as_text(officer, firm) -> None:
    hazard = factories.hazard(officer, firm, discovered_on="2024-03-01", title="=1+1", description=LONG_URL)
    assert_text_only(timeline_xlsx(hazard, hazard_events(hazard)), [])


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(ledgers()))
def test_templates_hold_text_only(kind: str) -> None:
    data = template(ledgers()[kind])
    assert_text_only(data, [])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert all(c.data_type == "s" for c in book.worksheets[0][1] if c.value is not None)


# ------------------------------------------------------------------------------ past the cell limit
def test_a_text_past_excels_cell_limit_is_cut_with_a_mark_and_said_so() -> None:
    huge = "甲" * (MAX_CHARS + 500)
    sheet = openpyxl.load_workbook(io.BytesIO(write_table("t", [Column("x")], [[huge], ["短"]]))).active
    cell = sheet["A2"].value
    assert len(cell) <= MAX_CHARS and cell.startswith("甲" * 1000) and "已截断" in cell and f"{len(huge):,}" in cell
    assert sheet["A3"].value == "短"
    assert "1 个单元格" in sheet["A4"].value and "截断" in sheet["A4"].value


def test_the_error_workbook_says_which_cell_it_cut() -> None:
    huge = "乙" * (MAX_CHARS + 1)
    data = error_workbook("s", ["隐患名称", "隐患描述"], [(["t", huge], {}, "发现日期：应为日期")])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert "已截断" in sheet["B2"].value and len(sheet["B2"].value) <= MAX_CHARS
    assert "发现日期：应为日期" in sheet["C2"].value and "B列" in sheet["C2"].value


def test_texts_up_to_the_limit_are_whole() -> None:
    exact = "丙" * MAX_CHARS
    sheet = openpyxl.load_workbook(io.BytesIO(write_table("t", [Column("x")], [[exact]]))).active
    assert sheet["A2"].value == exact and sheet.max_row == 2
