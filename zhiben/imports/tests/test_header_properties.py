"""Properties of the header finder over generated layouts: whatever the title and 填报 rows above it, the
order of the columns and whether a group label is stacked over some of them (merged or not), every column
is found, the data start right under the header (and its 栏次 row of column numbers, if any), and nothing
is listed as ignored that was mapped."""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from zhiben.enterprises.ledger import LEDGER as ENTERPRISE
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


PEOPLE = {"principal": ("主要负责人", "principal_phone"), "safety_contact": ("安全管理联系人", "safety_phone")}
NAME_WORDS = ("姓名", "名字")
PHONE_WORDS = ("电话", "联系电话", "手机", "手机号码", "联系方式")
PERSON_FIELDS = {f for name, (_, phone) in PEOPLE.items() for f in (name, phone)}
ENTERPRISE_FIELDS = [c for c in ENTERPRISE.columns if c.field not in PERSON_FIELDS]


@st.composite
def enterprise_layouts(draw: Any) -> tuple[list[list[Any]], list[Any], dict[int, str], int]:
    """An enterprise ledger: some plain columns (any of their names, in any order), and each person the
    ledger keeps (主要负责人, 安全管理联系人) either as plain columns or as a parent over 姓名 / 电话 in any of
    their words, merged across or not, the other headers merged down or not, under titles."""
    plain = draw(st.lists(st.sampled_from(ENTERPRISE_FIELDS), min_size=1, max_size=6, unique_by=lambda c: c.field))
    blocks: list[list[tuple[str | None, str, str]]] = [
        [(None, draw(st.sampled_from((c.header, *c.synonyms))), c.field)] for c in plain
    ]
    for name_field, (parent, phone_field) in PEOPLE.items():
        shape = draw(st.sampled_from(("none", "stacked", "plain")))
        if shape == "plain":
            blocks.append([(None, parent, name_field)])
            continue
        if shape == "none":
            continue
        children = [(parent, draw(st.sampled_from(NAME_WORDS)), name_field)]
        children.append((parent, draw(st.sampled_from(PHONE_WORDS)), phone_field))
        blocks.append(draw(st.permutations(children)))
    order = draw(st.permutations(blocks))
    cells = [cell for block in order for cell in block]
    width = len(cells)
    rows: list[list[Any]] = []
    merges: list[Any] = []
    for t in range(draw(st.integers(0, 2))):
        rows.append([f"企业基本情况台账（第{t}行）"] + [None] * (width - 1))
        if draw(st.booleans()) and width > 1:
            merges.append(((t, 0), (t, width - 1)))
    top = len(rows)
    stacked = any(parent for parent, _, _ in cells)
    merged = draw(st.booleans())
    if stacked:
        upper: list[Any] = []
        lower: list[Any] = []
        c = 0
        for block in order:
            parent = block[0][0]
            if parent is None:
                upper.append(block[0][1])
                lower.append(None)
                if merged:
                    merges.append(((top, c), (top + 1, c)))
            else:
                upper += [parent, *([None] * (len(block) - 1))]
                lower += [label for _, label, _ in block]
                if merged:
                    merges.append(((top, c), (top, c + len(block) - 1)))
            c += len(block)
        rows += [upper, lower]
    else:
        rows.append([label for _, label, _ in cells])
    data_start = len(rows)
    rows.append([f"值{field}" for _, _, field in cells])
    return rows, merges, {i: field for i, (_, _, field) in enumerate(cells)}, data_start


@settings(max_examples=200, deadline=None)
@given(enterprise_layouts())
def test_every_enterprise_column_is_found_with_each_persons_sub_columns(
    layout: tuple[list[list[Any]], list[Any], dict[int, str], int],
) -> None:
    rows, merges, wanted, data_start = layout
    found = find_header(ENTERPRISE, rows, merges)
    assert found is not None
    assert {i: c.field for i, c in found.columns.items()} == wanted, found.labels
    assert found.data_start == data_start
    assert not found.ignored
