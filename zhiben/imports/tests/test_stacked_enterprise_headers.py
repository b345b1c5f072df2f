"""The enterprise ledger under a header stacked over two or three rows (field case T1's kind, on another
register): 主要负责人 and 安全管理联系人 each over 姓名 / 电话, merged or not, with or without a band of group
labels above, every sub-column read by its parent and child — never a person's name dropped, never one
person's phone taken for another's."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from zhiben.enterprises.ledger import LEDGER
from zhiben.enterprises.models import Enterprise
from zhiben.imports.headers import find_header
from zhiben.tests_support import factories

from .test_imports import run

pytestmark = pytest.mark.django_db

BASIC = ["统一社会信用代码", "单位名称", "所在区划", "行业领域"]
PEOPLE = [("主要负责人", ("姓名", "联系电话")), ("安全管理联系人", ("姓名", "电话"))]


def _book(*, merged: bool, band: bool, title: bool = True, people: list[Any] = PEOPLE) -> tuple[bytes, str]:
    """A ledger whose header is BASIC merged down beside each person over their own sub-columns; with
    ``band`` a third row of group labels (基本情况 / 联系人) over all of it, merged across."""
    code = factories.credit_code()
    book = openpyxl.Workbook()
    ws = book.active
    width = len(BASIC) + sum(len(children) for _, children in people)
    rows: list[list[Any]] = []
    if title:
        rows.append(["2026年 企业基本情况台账", *([None] * (width - 1))])
    top = len(rows) + 1  # 1-based, as openpyxl counts
    if band:
        rows.append(["基本情况", *([None] * (len(BASIC) - 1)), "联系人", *([None] * (width - len(BASIC) - 1))])
    upper: list[Any] = list(BASIC)
    lower: list[Any] = [None] * len(BASIC)
    for parent, children in people:
        upper += [parent, *([None] * (len(children) - 1))]
        lower += list(children)
    rows += [upper, lower]
    rows.append([code, "叠表头有限公司", "秀山县", "商贸", "张三", "13900000001", "李四", "13900000002"][:width])
    for row in rows:
        ws.append(row)
    if title:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    if merged:
        head = top + (1 if band else 0)
        if band:
            ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=len(BASIC))
            ws.merge_cells(start_row=top, start_column=len(BASIC) + 1, end_row=top, end_column=width)
        for c in range(1, len(BASIC) + 1):
            ws.merge_cells(start_row=head, start_column=c, end_row=head + 1, end_column=c)
        c = len(BASIC) + 1
        for _, children in people:
            ws.merge_cells(start_row=head, start_column=c, end_row=head, end_column=c + len(children) - 1)
            c += len(children)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), code


@pytest.mark.parametrize(
    ("merged", "band"),
    [(True, False), (False, False), (True, True), (False, True)],
    ids=["2-rows-merged", "2-rows-unmerged", "3-rows-merged", "3-rows-band-merged-people-unmerged"],
)
def test_each_persons_name_and_phone_are_read_under_a_stacked_header(
    api_as, admin_user, merged: bool, band: bool
) -> None:
    data, code = _book(merged=merged, band=band)
    if band and not merged:
        # the band stays merged across (a band of group labels is written so); the people's groups are not
        book = openpyxl.load_workbook(io.BytesIO(data))
        ws = book.active
        width = ws.max_column
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(BASIC))
        ws.merge_cells(start_row=2, start_column=len(BASIC) + 1, end_row=2, end_column=width)
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
    job = run(api_as(admin_user), "enterprises", data)
    assert job["status"] == "done", job["report"]
    assert not job["report"].get("ignored_columns"), job["report"]
    firm = Enterprise.objects.get(credit_code=code)
    assert (firm.principal, firm.principal_phone) == ("张三", "13900000001")
    assert (firm.safety_contact, firm.safety_phone) == ("李四", "13900000002")


@pytest.mark.parametrize(
    ("children", "fields"),
    [
        (("姓名", "电话"), ("principal", "principal_phone")),
        (("名字", "手机"), ("principal", "principal_phone")),
        (("姓名", "手机号码"), ("principal", "principal_phone")),
    ],
)
def test_generic_child_labels_go_with_their_parent(children: tuple[str, str], fields: tuple[str, str]) -> None:
    rows: list[list[Any]] = [
        [*BASIC, "安全管理联系人", None, "主要负责人", None],
        [None] * len(BASIC) + [children[1], children[0], children[0], children[1]],
        ["x"] * (len(BASIC) + 4),
    ]
    found = find_header(LEDGER, rows)
    assert found is not None and found.header_rows == 2
    by_field = {c.field: i for i, c in found.columns.items()}
    assert by_field["safety_phone"] == 4 and by_field["safety_contact"] == 5  # not the principal's
    assert by_field[fields[0]] == 6 and by_field[fields[1]] == 7
    assert not found.ignored


def test_a_lone_phone_under_another_person_is_not_taken_for_the_principals() -> None:
    rows: list[list[Any]] = [
        [*BASIC, "安全管理联系人", None],
        [None] * len(BASIC) + ["姓名", "联系电话"],
        ["x"] * (len(BASIC) + 2),
    ]
    found = find_header(LEDGER, rows)
    assert found is not None
    fields = {c.field for c in found.columns.values()}
    assert {"safety_contact", "safety_phone"} <= fields and "principal_phone" not in fields


def test_a_generic_child_under_a_mere_group_keeps_its_own_meaning() -> None:
    rows: list[list[Any]] = [
        [*BASIC, "联系方式", None],
        [None] * len(BASIC) + ["主要负责人", "联系电话"],
        ["x"] * (len(BASIC) + 2),
    ]
    found = find_header(LEDGER, rows)
    assert found is not None
    assert {c.field for c in found.columns.values()} >= {"principal", "principal_phone"}


def test_three_rows_with_nothing_merged() -> None:
    rows: list[list[Any]] = [
        ["基本情况", None, None, None, "联系人", None, None, None],
        [*BASIC, "主要负责人", None, "安全管理联系人", None],
        [None] * len(BASIC) + ["姓名", "联系电话", "姓名", "电话"],
        ["x"] * (len(BASIC) + 4),
    ]
    found = find_header(LEDGER, rows)
    assert found is not None and found.data_start == 3 and not found.ignored
    assert [found.columns[i].field for i in range(len(BASIC), len(BASIC) + 4)] == [
        "principal",
        "principal_phone",
        "safety_contact",
        "safety_phone",
    ]
