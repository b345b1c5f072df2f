"""The duty ledger as .xlsx (read back with python-calamine) and a list's items imported from .xlsx: headers
matched loosely, every bad row named with its row and column, all or nothing."""

from __future__ import annotations

import datetime
import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from zhiben.audit.models import Event
from zhiben.common.xlsx import Column, write_table
from zhiben.duties.models import DueKind, DutyItem
from zhiben.duties.services import duty_entry_add
from zhiben.tests_support import files

from .conftest import Duties, item, leader_list

pytestmark = pytest.mark.django_db
D = datetime.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(data: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def workbook(*rows, header=("序号", "职责内容", "完成时限"), caption=None) -> bytes:
    return write_table("清单", [Column(h) for h in header], rows, caption=caption)


def upload(client, list_id: int, data: bytes, name: str = "清单.xlsx"):
    return client.post(
        f"/api/v1/duty-lists/{list_id}/items/import", {"file": SimpleUploadedFile(name, data, content_type=XLSX)}
    )


def test_the_ledger_workbook_has_the_figures_on_top_and_a_row_per_entry(duties: Duties) -> None:
    duty_list = leader_list(duties)
    first = item(duties, duty_list, "1", due_on=D(2026, 3, 31))
    item(duties, duty_list, "2", due_on=D(2026, 6, 30))
    duty_entry_add(actor=duties.users["leader"], item=first, done_on=D(2026, 3, 20), text="召开常务会议研究")
    photo = files.jpeg()
    duty_entry_add(
        actor=duties.users["office"],
        item=first,
        done_on=D(2026, 4, 2),
        text="督导检查",
        files=[(io.BytesIO(photo), "现场.jpg", len(photo))],
    )
    r = duties.client("leader").get(f"/api/v1/duty-lists/{duty_list.pk}/ledger.xlsx?as_of=2026-07-01")
    assert r.status_code == 200
    assert r["Content-Type"] == XLSX
    rows = rows_of(r.content)
    assert "应履职 2 项（次），按期完成 1，逾期完成 0，未完成 1，按期完成率 50.0%" in rows[0][0]
    assert rows[1][:8] == ["序号", "清单事项", "完成时限", "完成情况", "履职日期", "履职情况", "记录人", "附件数"]
    assert rows[2][0] == "1" and rows[2][4] == D(2026, 3, 20) and rows[2][5] == "召开常务会议研究"
    assert rows[2][6] == "张三" and rows[2][7] == 0
    assert rows[3][4] == D(2026, 4, 2) and rows[3][7] == 1
    assert rows[4][0] == "2" and rows[4][3] == "未完成 1" and rows[4][5] == "无履职记录"


def test_the_ledger_is_404_out_of_scope(duties: Duties) -> None:
    duty_list = leader_list(duties)
    assert duties.client("outsider").get(f"/api/v1/duty-lists/{duty_list.pk}/ledger.xlsx").status_code == 404
    assert duties.client("housing").get(f"/api/v1/duty-lists/{duty_list.pk}/ledger.xlsx").status_code == 404


def test_items_are_imported_with_loosely_named_headers(duties: Duties) -> None:
    duty_list = leader_list(duties)
    data = workbook(
        (1, "研究部署安全生产工作", "每季度"),
        (2, "带队督导检查", "2026年6月底前"),
        (None, None, None),  # an empty row is skipped
        ("3", "签订安全生产责任书", D(2026, 3, 31)),
        ("", "落实“三管三必须”", "长期坚持"),
        header=(" 序 号 ", "工作任务（内容）", "*完成时限："),
        caption="县长安全生产职责清单",
    )
    r = upload(duties.client("office"), duty_list.pk, data)
    assert r.status_code == 201, r.content
    assert r.json()["count"] == 4
    got = [(i.number, i.due_kind, i.due_on, i.period) for i in DutyItem.objects.order_by("position")]
    assert got == [
        ("1", DueKind.ONGOING, None, "quarter"),
        ("2", DueKind.MONTH_END, D(2026, 6, 30), ""),
        ("3", DueKind.DATE, D(2026, 3, 31), ""),
        ("4", DueKind.ONGOING, None, "quarter"),
    ]


def test_every_bad_row_is_named_and_nothing_is_imported(duties: Duties) -> None:
    duty_list = leader_list(duties)
    data = workbook(
        ("1", "研究部署安全生产工作", "每季度"),
        ("2", "", "2026年6月底前"),
        ("3", "督导检查", "尽快"),
        ("4", "签订责任书", "2027年3月底前"),
    )
    r = upload(duties.client("office"), duty_list.pk, data)
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert set(errors) == {"rows.3.text", "rows.4.due_text", "rows.5.due_text"}
    assert errors["rows.3.text"].startswith("第 3 行「职责内容」")
    assert errors["rows.4.due_text"].startswith("第 4 行「完成时限」")
    assert "清单年度" in errors["rows.5.due_text"]
    assert not DutyItem.objects.exists()
    assert not Event.objects.filter(kind="item_added").exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "空"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        ("序号,职责内容\n1,x\n".encode(), "不是 Excel"),
        (b"PK\x03\x04broken", "无法读取"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_naming_the_file(duties: Duties, data, words) -> None:
    duty_list = leader_list(duties)
    r = upload(duties.client("office"), duty_list.pk, data)
    assert r.status_code == 422
    assert words in r.json()["errors"]["file"]


def test_a_workbook_without_the_headers_or_items_is_refused(duties: Duties) -> None:
    duty_list = leader_list(duties)
    office = duties.client("office")
    r = upload(office, duty_list.pk, workbook(("甲", "乙"), header=("名称", "备注")))
    assert "找不到表头" in r.json()["errors"]["file"]
    r = upload(office, duty_list.pk, workbook())
    assert "没有事项" in r.json()["errors"]["file"]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    book.add_worksheet("空")
    book.close()
    r = upload(office, duty_list.pk, out.getvalue())
    assert r.status_code == 422 and "没有数据" in r.json()["errors"]["file"]


def test_a_missing_file_is_named(duties: Duties) -> None:
    duty_list = leader_list(duties)
    r = duties.client("office").post(f"/api/v1/duty-lists/{duty_list.pk}/items/import", {})
    assert r.status_code == 422 and "file" in r.json()["errors"]


def test_import_is_403_for_who_may_see_but_not_keep_and_404_outside(duties: Duties) -> None:
    duty_list = leader_list(duties)
    data = workbook(("1", "研究部署安全生产工作", "每季度"))
    assert upload(duties.client("leader"), duty_list.pk, data).status_code == 403
    assert upload(duties.client("outsider"), duty_list.pk, data).status_code == 404
    assert not DutyItem.objects.exists()


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(duties: Duties, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "IMPORT_MAX_MB": 1}
    duty_list = leader_list(duties)
    r = upload(duties.client("office"), duty_list.pk, b"PK\x03\x04" + b"\0" * (1024 * 1024 + 1))
    assert r.status_code == 422 and "过大" in r.json()["errors"]["file"]
    assert not DutyItem.objects.exists()
