"""Finding a ledger's header row in an uploaded sheet and mapping its cells to the ledger's columns.

Title rows, merged notes above the header, columns in any order, extra columns and the names people give
columns (synonyms) are all expected: the header is the row that names the most columns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zhiben.common.ledgers import Column, Ledger, compact_text, normal_text


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
