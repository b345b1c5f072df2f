"""Finding a ledger's header in an uploaded sheet and mapping its cells to the ledger's columns.

Title rows, 填报 rows and merged notes above the header, columns in any order, extra columns and the
names people give columns (synonyms) are all expected, and so is a header stacked over two or three rows:
a group (整改情况) merged across the columns under it (整改措施 / 整改责任人 / 整改期限), the other
headers merged down. The header block is the run of rows (one to three, text only) that names the most
columns; each column's label is its stack of labels read as one ("整改情况/整改期限"), matched by its
lowest label, by the stack written together (检查 over 日期: 检查日期) or by a label it names itself. A
label that says what but not whose (姓名, 电话, 日期, 编号 …) is its parent's: 主要负责人 over 姓名 and 联系电话
is the principal's name and phone, 安全管理联系人 over 电话 the safety contact's — never the principal's.

A column whose header was lost (the lower row of a stacked header deleted, leaving 整改情况 over blank
headers) is still taken when the ledger says which column is found under that group and its cells say
which one it is (the only column of dates under 整改情况 is the deadline); the report says so.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zhiben.common.ledgers import Column, Ledger, compact_text, keep_text, parse_date
from zhiben.common.xlsx import column_letters

MAX_DEPTH = 3  # rows a stacked header may take
SAMPLE = 200  # data rows looked at to tell a column by its cells
Merge = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first col), (last row, last col)), 0-based


def header_key(raw: Any) -> str:
    """A header as compared: no spaces, asterisks, parenthesised notes or trailing colons; ASCII lower case."""
    text = unicodedata.normalize("NFKC", compact_text(raw))
    text = re.sub(r"[(\[【][^)\]】]*[)\]】]", "", text)
    return text.strip("*＊:：").lower()


@dataclass
class Mapping:
    """Which cell index feeds which column, found in a header block of one to three rows.

    ``labels`` holds each column's label as read ("整改情况/整改期限" for a stacked header); ``ignored`` the
    labels of the columns taken for nothing (and "J列（无列名）" for a column with data but no header);
    ``inferred`` says, by cell index, how a column without its own header was recognised."""

    header_row: int  # 0-based index of the block's first row in the sheet's rows
    columns: dict[int, Column]
    ignored: list[str]
    header_rows: int = 1
    labels: list[str] = field(default_factory=list)
    inferred: dict[int, str] = field(default_factory=dict)

    @property
    def data_start(self) -> int:
        """The 0-based index of the first row after the header block."""
        return self.header_row + self.header_rows


def _is_label(cell: Any) -> bool:
    return isinstance(cell, str) and bool(cell.strip())


def _parts(label: str) -> list[str]:
    return [p for p in (header_key(x) for x in label.split("/")) if p]


# Labels that say what a value is but not whose: under a parent label they are the parent's (主要负责人 over
# 姓名 and 电话: the principal's name and phone), and the words of one kind stand for each other there.
_GENERIC = {
    "name": ("姓名", "名字", "名称"),
    "phone": ("电话", "联系电话", "手机", "手机号", "手机号码", "移动电话", "电话号码", "联系方式"),
    "date": ("日期", "时间"),
    "number": ("编号", "号码", "代码"),
}
_GENERIC_KIND = {word: kind for kind, words in _GENERIC.items() for word in words}


def _candidates(label: str, owners: frozenset[str] = frozenset()) -> list[str]:
    """The keys a column's label is matched by, best first: its lowest label, then it with each label
    above it in turn written together. A generic lowest label (姓名, 电话, 日期, 编号 …) under a parent goes
    with its parent first (主要负责人/姓名: 主要负责人姓名, 主要负责人; 安全管理联系人/手机: 安全管理联系人电话 …);
    alone it is taken last, and not at all when the parent is itself a column's label (``owners``: whose
    电话 it is, then, is said — it is not another person's)."""
    parts = _parts(label)
    if not parts:
        return []
    kind = _GENERIC_KIND.get(parts[-1])
    if kind is None or len(parts) == 1:
        # the lowest label, then the labels above it written together with it (排查 over 日期: 排查日期)
        out = ["".join(parts[-n:]) for n in range(1, len(parts) + 1)]
    else:
        words = (parts[-1], *(w for w in _GENERIC[kind] if w != parts[-1]))
        out = []
        for n in range(2, len(parts) + 1):
            head = "".join(parts[-n:-1])
            out += [head + w for w in words]
            if kind == "name":
                out.append(head)  # 主要负责人 over 姓名 is the column 主要负责人
        if parts[-2] not in owners:
            out.append(parts[-1])
    return list(dict.fromkeys(k for k in out if k))


def match_headers(ledger: Ledger, cells: Sequence[Any], row_index: int, *, depth: int = 1) -> Mapping:
    """Map the labels of one header block (one label per cell; a stacked label joined with "/"): exact
    headers first, then synonyms for the fields still free, then fallbacks, so that a sheet with both
    隐患名称 and 隐患描述 keeps them apart."""
    labels = ["" if c is None else keep_text(c) for c in cells]
    owners = frozenset(header_key(n) for c in ledger.columns for n in (c.header, *c.synonyms, *c.fallback))
    keys = [_candidates(label, owners) for label in labels]
    depth_of_keys = max((len(ks) for ks in keys), default=0)
    taken: dict[int, Column] = {}
    used: set[str] = set()
    for names in (lambda c: (c.header,), lambda c: c.synonyms, lambda c: c.fallback):
        for col in ledger.columns:
            if col.field in used:
                continue
            wanted = {header_key(n) for n in names(col)}
            for rank in range(depth_of_keys):  # a match on the lowest label beats one on the stack
                hit = next(
                    (i for i, ks in enumerate(keys) if i not in taken and len(ks) > rank and ks[rank] in wanted), None
                )
                if hit is not None:
                    taken[hit] = col
                    used.add(col.field)
                    break
    ignored = [labels[i] for i, ks in enumerate(keys) if ks and i not in taken]
    return Mapping(header_row=row_index, columns=taken, ignored=ignored, header_rows=depth, labels=labels)


def _filled(rows: Sequence[Sequence[Any]], merges: Sequence[Merge]) -> dict[tuple[int, int], Any]:
    """Every cell of a merged range holds the range's value (Excel keeps it in the top-left cell only)."""
    out: dict[tuple[int, int], Any] = {}
    for (r0, c0), (r1, c1) in merges:
        if r0 >= len(rows) or r1 - r0 > MAX_DEPTH or c0 >= len(rows[r0]):
            continue  # a merge taller than a header block is a note or a data area
        value = rows[r0][c0]
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                out[(r, c)] = value
    return out


def _block_labels(
    rows: Sequence[Sequence[Any]], start: int, depth: int, filled: dict[tuple[int, int], Any]
) -> list[str] | None:
    """The labels of the block of ``depth`` rows from ``start``, each column's stack joined with "/"; None
    when a lower row of it holds anything but text (a number or a date makes it a data row)."""
    block = [list(rows[r]) for r in range(start, start + depth)]
    width = max(len(r) for r in block)

    def cell(r: int, c: int) -> Any:
        value = filled.get((start + r, c))
        if value is None:
            value = block[r][c] if c < len(block[r]) else None
        return value

    for r in range(1, depth):
        if any(v not in (None, "") and not _is_label(v) for v in block[r]) or _column_numbers(block[r]):
            return None  # a data row, or the 栏次 row under the header (taken with it afterwards)
    grid = [[cell(r, c) for c in range(width)] for r in range(depth)]
    # An upper label left of blank cells with labels under them spans them, merged or not
    # (整改情况 | "" | "" over 整改措施 | 整改责任人 | 整改期限, the merge lost in a copy).
    for r in range(depth - 1):
        for c in range(1, width):
            if (
                not _is_label(grid[r][c])
                and (start + r, c) not in filled
                and any(_is_label(grid[b][c]) for b in range(r + 1, depth))
            ):
                grid[r][c] = grid[r][c - 1] if _is_label(grid[r][c - 1]) else grid[r][c]
    labels = []
    for c in range(width):
        stack: list[str] = []
        for r in range(depth):
            value = grid[r][c]
            text = keep_text(value) if _is_label(value) else ""
            if text and (not stack or stack[-1] != text):
                stack.append(text)
        labels.append("/".join(stack))
    return labels


def find_header(
    ledger: Ledger, rows: Sequence[Sequence[Any]], merges: Sequence[Merge] = (), scan: int = 20
) -> Mapping | None:
    """The header block among the first ``scan`` rows: the run of one to ``MAX_DEPTH`` rows that names the
    most columns (the fewest rows on a tie), its labels read with the sheet's merged ranges. Then the
    columns the ledger finds under a group by their cells (see the module's note)."""
    filled = _filled(rows, merges)
    best: Mapping | None = None
    for i in range(min(scan, len(rows))):
        for depth in range(1, MAX_DEPTH + 1):
            if i + depth > len(rows):
                break
            labels = _block_labels(rows, i, depth, filled)
            if labels is None:
                break  # a lower row is data: no deeper block from here
            if _cuts_a_merge(merges, i, i + depth - 1):
                continue
            width = sum(1 for label in labels if label)
            if any(not _spans_the_header(rows, merges, r, i + depth - 1, width) for r in range(i, i + depth - 1)):
                break  # a title or 填报 row is no part of a header
            found = match_headers(ledger, labels, i, depth=depth)
            # more columns named wins; on a tie the deeper block (group labels over the header are part
            # of it, as are notes under it), then the first
            if found.columns and (best is None or (len(found.columns), depth) > (len(best.columns), best.header_rows)):
                best = found
    if best is not None:
        if best.data_start < len(rows) and _column_numbers(rows[best.data_start]):
            best.header_rows += 1  # the 栏次 row (1, 2, 3 … under the header) is part of it
        _infer_in_groups(ledger, best, rows, merges)
        _unnamed_with_data(best, rows)
    return best


_NUMBER = re.compile(r"[(（]?(\d{1,3})[)）]?")


def _column_numbers(row: Sequence[Any]) -> bool:
    """Whether a row only numbers the columns (栏次: 1, 2, 3 … or （1）（2）…), as official forms do under
    their header."""
    numbers = []
    for value in row:
        if value in (None, ""):
            continue
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
            numbers.append(int(value))
        elif isinstance(value, str) and (m := _NUMBER.fullmatch(value.strip())):
            numbers.append(int(m.group(1)))
        else:
            return False
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _spans_the_header(rows: Sequence[Sequence[Any]], merges: Sequence[Merge], r: int, last: int, width: int) -> bool:
    """Whether row ``r`` can stand over the header rows below it, down to ``last``: two labels or more, and
    either merged across at least half the ``width`` labelled columns, or a header of its own standing down
    (a label with nothing under it, 序号 beside 整改情况). A title (one label) or a 填报 row ("填报单位：…"
    left, "填报日期：…" right, a full header under both) does not."""
    row = rows[r]
    if len({keep_text(v) for v in row if _is_label(v)}) < 2:
        return False
    covered = {c for c, v in enumerate(row) if _is_label(v)}
    for (r0, c0), (r1, c1) in merges:
        if r0 <= r <= r1 and c0 < len(row) and _is_label(rows[r0][c0]):
            covered.update(range(c0, c1 + 1))
    if 2 * len(covered) >= width:
        return True
    below = range(r + 1, last + 1)
    return any(
        _is_label(v) and not any(c < len(rows[b]) and _is_label(rows[b][c]) for b in below) for c, v in enumerate(row)
    )


def _cuts_a_merge(merges: Sequence[Merge], first: int, last: int) -> bool:
    """Whether rows ``first``–``last`` would cut a header's merged cell (one merged down from above the
    block, or on below it): a header block holds its merged cells whole."""
    return any(r1 - r0 <= MAX_DEPTH and (r0 < first <= r1 or r0 <= last < r1) for (r0, _), (r1, _) in merges)


def _group_spans(mapping: Mapping, merges: Sequence[Merge]) -> list[tuple[str, int, int]]:
    """(group label, first, last cell index) of each label in the block's top row that spans cells with no
    label of their own: its merged range, or the run of blank headers to its right."""
    top = mapping.header_row
    spans = []
    labels = mapping.labels
    for c, label in enumerate(labels):
        if not label:
            continue
        parent = label.split("/")[0]
        merged = next(((c0, c1) for (r0, c0), (_, c1) in merges if r0 == top and c0 == c and c1 > c0), None)
        if merged is not None:
            spans.append((parent, merged[0], merged[1]))
            continue
        end = c
        while end + 1 < len(labels) and not labels[end + 1]:
            end += 1
        if end > c:
            spans.append((parent, c, end))
    return spans


def _is_day(value: Any) -> bool:
    return isinstance(value, datetime.date) or isinstance(parse_date(value), datetime.date)


def _infer_in_groups(ledger: Ledger, mapping: Mapping, rows: Sequence[Sequence[Any]], merges: Sequence[Merge]) -> None:
    """Map a date column the ledger finds under a group (``Column.groups``) whose own label is lost or
    unknown: the only column under that group, unmapped, whose every cell is a date. Under the group means
    within its span (a label over blank headers, or merged across), or stacked under it (整改情况/期限)."""
    used = {c.field for c in mapping.columns.values()}
    data = [r for r in rows[mapping.data_start : mapping.data_start + SAMPLE] if any(v not in (None, "") for v in r)]
    if not data:
        return
    under: dict[str, set[int]] = {}
    for group, first, last in _group_spans(mapping, merges):
        under.setdefault(header_key(group), set()).update(range(first, last + 1))
    for c, label in enumerate(mapping.labels):
        parts = label.split("/")
        if len(parts) > 1:
            under.setdefault(header_key(parts[0]), set()).add(c)
    for col in ledger.columns:
        if col.field in used or col.kind != "date" or not col.groups:
            continue
        for group in col.groups:
            fits = [
                c
                for c in sorted(under.get(header_key(group), ()))
                if c not in mapping.columns
                and (values := [r[c] for r in data if c < len(r) and r[c] not in (None, "")])
                and all(_is_day(v) for v in values)
            ]
            if len(fits) != 1:
                continue
            c = fits[0]
            label = mapping.labels[c] if c < len(mapping.labels) else ""
            mapping.columns[c] = col
            used.add(col.field)
            where = f"{label or group}（{column_letters(c)}列）"
            how = "无列名" if not label or label == group else "列名未能识别"
            mapping.inferred[c] = f"{where}：{how}，按“{group}”下唯一的日期列识别为{col.header}"
            if label in mapping.ignored:
                mapping.ignored.remove(label)
            if c < len(mapping.labels):
                mapping.labels[c] = label if label and label != group else where
            break


def _unnamed_with_data(mapping: Mapping, rows: Sequence[Sequence[Any]]) -> None:
    """A column with data but no header is listed as ignored too: nothing is dropped without a word."""
    width = max((len(r) for r in rows[mapping.data_start :]), default=0)
    for c in range(width):
        if c in mapping.columns or (c < len(mapping.labels) and mapping.labels[c]):
            continue
        if any(c < len(r) and r[c] not in (None, "") and str(r[c]).strip() for r in rows[mapping.data_start :]):
            mapping.ignored.append(f"{column_letters(c)}列（无列名）")
