"""Properties of the header finder over generated layouts: whatever the title and 填报 rows above it, the
order of the columns and whether a group label is stacked over some of them (merged or not), every column
is found, the data start right under the header (and its 栏次 row of column numbers, if any), and nothing
is listed as ignored that was mapped."""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from zhiben.hazards.ledger import LEDGER
from zhiben.imports.headers import find_header

FIELDS = [c for c in LEDGER.columns if c.field != "description"]  # 详细描述 shares words with 隐患描述


@st.composite
def layouts(draw: Any) -> tuple[list[list[Any]], list[Any], dict[int, str], int]:
    columns = draw(st.lists(st.sampled_from(FIELDS), min_size=2, max_size=len(FIELDS), unique_by=lambda c: c.field))
    names = [draw(st.sampled_from((c.header, *c.synonyms))) for c in columns]
    width = len(columns)
    titles = draw(st.integers(0, 3))
    rows: list[list[Any]] = []
    merges: list[Any] = []
    for t in range(titles):
        if draw(st.booleans()) and width > 2:  # a 填报 row split over two cells
            rows.append(["填报单位：某某公司", *([None] * (width - 2)), "填报日期：2024年3月28日"])
            continue
        rows.append([f"某某公司台账（第{t}行）"] + [None] * (width - 1))
        if draw(st.booleans()) and width > 1:
            merges.append(((t, 0), (t, width - 1)))
    top = len(rows)
    # a group over a run of columns (stacked header), merged across or not; the others merged down or not
    start = draw(st.integers(0, width - 1))
    end = draw(st.integers(start, width - 1))
    stacked = draw(st.booleans()) and end > start
    merged = draw(st.booleans())
    if stacked:
        upper = [None if c in range(start + 1, end + 1) else names[c] for c in range(width)]
        upper[start] = "整改情况"
        lower = [names[c] if start <= c <= end else None for c in range(width)]
        rows += [upper, lower]
        if merged:
            merges.append(((top, start), (top, end)))
            merges.extend(((top, c), (top + 1, c)) for c in range(width) if not start <= c <= end)
            for c in range(width):  # Excel keeps a merged cell's value in its top-left cell only
                if not start <= c <= end:
                    rows[top + 1][c] = None
    else:
        rows.append(list(names))
    if draw(st.booleans()) and width >= 3:  # a 栏次 row numbering the columns
        rows.append(list(range(1, width + 1)) if draw(st.booleans()) else [f"（{n}）" for n in range(1, width + 1)])
    data_start = len(rows)
    rows.append([_value(c.field) for c in columns])
    return rows, merges, {i: c.field for i, c in enumerate(columns)}, data_start


def _value(field: str) -> Any:
    return datetime.date(2024, 3, 1) if field in ("discovered_on", "deadline") else f"值{field}"


@settings(max_examples=200, deadline=None)
@given(layouts())
def test_every_column_is_found_in_any_layout(layout: tuple[list[list[Any]], list[Any], dict[int, str], int]) -> None:
    rows, merges, wanted, data_start = layout
    found = find_header(LEDGER, rows, merges)
    assert found is not None
    assert {i: c.field for i, c in found.columns.items()} == wanted
    assert found.data_start == data_start
    assert not found.ignored and not found.inferred
