"""The enforcement ledgers (执法台账) in and out: old ledgers imported through the import engine (loose Chinese
headers, all or nothing, each bad cell named by row and column, idempotent by document number), the same rows and
tallies as the API's writes, and the exports that the import takes back unchanged."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client

from zhiben.audit.models import Event
from zhiben.departments.models import Department
from zhiben.imports.tests.test_imports import errors_of, run, workbook
from zhiben.inspections.models import EnforcementTally, Inspection, Penalty, TeamMember
from zhiben.inspections.tests import factories_pen as f
from zhiben.tests_support import factories
from zhiben.tips.inputs import TipReport
from zhiben.tips.services import tip_submit

pytestmark = pytest.mark.django_db
COUNTY = "500241"


@pytest.fixture
def emergency() -> Any:
    return f.unit()


@pytest.fixture
def bureau_officer(emergency: Any) -> Any:
    return f.member("bureau1", emergency)


def rows_of(data: bytes) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def tally(firm: Any, unit: Any, month: str) -> EnforcementTally:
    return EnforcementTally.objects.get(region_code=firm.region_id, department_id=unit.pk, month=month)


# --- the penalty ledger -----------------------------------------------------------------------------------------

PENALTY_HEADER = [
    "序号",
    "处罚决定书文号",
    "信用代码",
    "当事人",
    "处罚日期",
    "处罚类型",
    "罚款数额",
    "法律依据",
    "缴款情况",
    "缴纳金额",
    "缴款日期",
]


def test_an_old_penalty_ledger_imports_with_its_tallies(api_as, bureau_officer, emergency, firm) -> None:
    data = workbook(
        [
            PENALTY_HEADER,
            [
                1,
                "秀应急罚〔2025〕3号",
                firm.credit_code,
                firm.name,
                "2025/6/3",
                "罚款",
                30000,
                "安全生产法第一百零二条",
                "已缴纳",
                30000,
                "2025-06-20",
            ],
            [
                2,
                "秀应急罚〔2025〕9号",
                firm.credit_code,
                firm.name,
                "2025年7月8日",
                "警告",
                None,
                "安全生产法第九十七条",
                None,
                None,
                None,
            ],
        ],
        title_rows=["2025年行政处罚台账（县应急局）"],
    )
    job = run(api_as(bureau_officer), "penalties", data)
    assert job["status"] == "done", job["report"]
    made = {p.external_ref: p for p in Penalty.objects.all()}
    assert made["秀应急罚〔2025〕3号"].payment == "paid" and made["秀应急罚〔2025〕3号"].paid_amount == 30000
    assert made["秀应急罚〔2025〕9号"].kind == "warning" and made["秀应急罚〔2025〕9号"].payment == "exempt"
    assert all(p.department_id == emergency.pk for p in made.values())
    assert (tally(firm, emergency, "2025-06").penalties, tally(firm, emergency, "2025-06").penalty_amount) == (1, 30000)
    assert tally(firm, emergency, "2025-07").penalties == 1
    event = Event.objects.filter(subject_type="penalty", kind="recorded").first()
    assert event is not None and event.payload["import"]["row"] in (3, 4)


def test_a_bad_row_imports_nothing_and_each_bad_cell_is_named(api_as, bureau_officer, firm, other_firm) -> None:
    data = workbook(
        [
            PENALTY_HEADER,
            [1, "A-1", firm.credit_code, "", "2025-06-03", "罚款", 30000, "安全生产法第一百零二条", "", None, None],
            [2, "A-2", firm.credit_code, "", "2025-06-04", "罚款", "三万", "", "", None, None],
            [3, "A-3", other_firm.credit_code, "", "2999-01-01", "拘留", 100, "x", "", None, None],
            [4, "A-1", firm.credit_code, "", "2025-06-05", "罚款", 1, "x", "", None, None],
        ]
    )
    job = run(api_as(bureau_officer), "penalties", data)
    assert job["status"] == "invalid"
    errors = errors_of(job)
    columns = {(row, column) for row, column, _ in errors}
    assert {(3, "G"), (3, "H"), (4, "C"), (4, "E"), (4, "F"), (5, "B")} <= columns, errors
    assert any("与第 2 行重复" in m for _, _, m in errors)
    assert not Penalty.objects.exists() and not EnforcementTally.objects.exists()


def test_a_unit_named_in_the_ledger_must_be_known_and_kept(api_as, bureau_officer, firm, emergency) -> None:
    f.unit("housing", "秀山县住房和城乡建设局")
    header = ["决定书文号", "统一社会信用代码", "处罚单位", "决定日期", "罚款金额（元）", "处罚依据"]
    rows = [
        header,
        ["B-1", firm.credit_code, "县应急局", "2025-06-03", 1000, "安全生产法第一百零二条"],
        ["B-2", firm.credit_code, "县交通局", "2025-06-03", 1000, "安全生产法第一百零二条"],
        ["B-3", firm.credit_code, "秀山县住房和城乡建设局", "2025-06-03", 1000, "安全生产法第一百零二条"],
    ]
    emergency.aliases = "县应急局"
    emergency.save()
    job = run(api_as(bureau_officer), "penalties", workbook(rows))
    assert job["status"] == "invalid"
    assert [(r, c) for r, c, _ in errors_of(job)] == [(3, "C"), (4, "C")]


@pytest.mark.parametrize(
    "written",
    [
        "秀山县应急局",  # the county as people write it, the unit by its alias
        "秀山县应急管理局",
        "秀山自治县应急管理局",
        "秀山土家苗族自治县应急管理局",  # a slip in the autonomous county's name
        "500241应急管理局",
        "应急管理局",  # no region: the user's own
        "应急局",  # an alias the city's unit has too: the user's own county's, never the city's
        "秀山土家族苗族自治县应急管理局(执法支队)",  # ASCII brackets for the registered name's （）
    ],
)
def test_a_unit_is_found_as_people_write_it_never_as_the_unit_above(api_as, firm, written) -> None:
    """The kind of the November field case T7 (region names as people write them), for the member unit of an
    enforcement ledger: the region part read as the region resolver reads it, the rest by the unit's name,
    alias or kind; an alias several units share is the user's own region's, never its parent's."""
    county = f.unit(
        name="秀山土家族苗族自治县应急管理局（执法支队）" if "执法支队" in written else "秀山土家族苗族自治县应急管理局"
    )
    county.aliases = "应急局"
    county.save()
    Department.objects.get_or_create(
        region_id="50", name="重庆市应急管理局", defaults={"kind": "emergency", "aliases": "应急局"}
    )
    officer = f.member("bureau9", county)
    header = ["决定书文号", "统一社会信用代码", "处罚单位", "决定日期", "罚款金额（元）", "处罚依据"]
    rows = [header, ["C-1", firm.credit_code, written, "2025-06-03", 1000, "安全生产法第一百零二条"]]
    job = run(api_as(officer), "penalties", workbook(rows))
    assert job["status"] == "done", errors_of(job)
    assert Penalty.objects.get().department_id == county.pk


def test_a_unit_the_ledger_names_that_is_not_registered_is_refused(api_as, firm) -> None:
    county = f.unit(name="秀山土家族苗族自治县应急管理局")
    officer = f.member("bureau9", county)
    header = ["决定书文号", "统一社会信用代码", "处罚单位", "决定日期", "罚款金额（元）", "处罚依据"]
    rows: list[list[Any]] = [header]
    for n, written in enumerate(["秀山县交通局", "秀山县梅江应急局", "酉阳县应急局", "秀山县"], start=1):
        rows.append([f"D-{n}", firm.credit_code, written, "2025-06-03", 1000, "安全生产法第一百零二条"])
    job = run(api_as(officer), "penalties", workbook(rows))
    assert job["status"] == "invalid"
    assert [(r, c) for r, c, _ in errors_of(job)] == [(2, "C"), (3, "C"), (4, "C"), (5, "C")]


def test_the_penalty_ledger_round_trips_and_a_reimport_corrects_by_number(
    api_as, bureau_officer, emergency, firm
) -> None:
    api = api_as(bureau_officer)
    tip, _ = tip_submit(
        report=TipReport.model_validate(
            {"region": COUNTY, "category": "violation", "description": "平凯街道某仓库违规储存危险化学品"}
        )
    )
    first = {
        "amount": "20000",
        "basis": "安全生产法 第一百零二条",
        "decided_on": "2026-03-10",
        "enterprise": firm.credit_code,
    }
    r = api.post(
        "/api/v1/penalties", {**first, "external_ref": "秀应急罚〔2026〕1号", "tip": tip.pk, "facts": "超量储存"}
    )
    assert r.status_code == 201, r.content
    r = api.post(
        "/api/v1/penalties", {**first, "amount": "5000", "kind": "fine", "person": "陈某", "person_amount": "5000"}
    )
    assert r.status_code == 201, r.content
    exported = api.get("/api/v1/penalties/export")
    assert exported.status_code == 200
    table = rows_of(exported.content)
    assert table[0][:3] == ("决定书文号", "统一社会信用代码", "被处罚单位")
    assert len(table) == 3
    events = Event.objects.count()
    # the export imports back: nothing to write
    job = run(api, "penalties", exported.content)
    assert job["status"] == "done", job["report"]
    assert (job["report"]["create"], job["report"]["update"], job["report"]["unchanged"]) == (0, 0, 2)
    assert Penalty.objects.count() == 2
    assert Event.objects.exclude(subject_type="import").count() == events
    assert rows_of(api.get("/api/v1/penalties/export").content) == table
    # the same ledger with the decision's amount corrected and its payment: changed by its number
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "秀应急罚〔2026〕1号":
            row[6].value = 40000
            row[16].value = "部分缴纳"
            row[17].value = 10000
            row[18].value = "2026-03-20"
    out = io.BytesIO()
    book.save(out)
    job = run(api, "penalties", out.getvalue())
    assert job["status"] == "done", job["report"]
    assert (job["report"]["update"], job["report"]["unchanged"]) == (1, 1)
    changed = Penalty.objects.get(external_ref="秀应急罚〔2026〕1号")
    assert (changed.amount, changed.payment, changed.paid_amount) == (
        Decimal("40000.00"),
        "partly",
        Decimal("10000.00"),
    )
    assert tally(firm, emergency, "2026-03").penalty_amount == Decimal("45000.00")
    assert tally(firm, emergency, "2026-03").penalties == 2
    tip.refresh_from_db()
    assert tip.fine == Decimal("40000.00")
    assert Event.objects.filter(subject_type="penalty", kind="updated").count() == 1


def test_a_penalty_without_a_number_is_never_corrected_by_a_ledger(api_as, bureau_officer, firm) -> None:
    api = api_as(bureau_officer)
    body = {
        "amount": "20000",
        "basis": "安全生产法 第一百零二条",
        "decided_on": "2026-03-10",
        "enterprise": firm.credit_code,
    }
    assert api.post("/api/v1/penalties", body).status_code == 201
    data = bytearray(api.get("/api/v1/penalties/export").content)
    book = openpyxl.load_workbook(io.BytesIO(bytes(data)))
    book.active.cell(row=2, column=9).value = "改写的违法事实"
    out = io.BytesIO()
    book.save(out)
    job = run(api, "penalties", out.getvalue())
    assert job["status"] == "invalid"
    assert "无决定书文号的记录不能由台账更正" in errors_of(job)[0][2]


# --- the inspection ledger --------------------------------------------------------------------------------------

INSPECTION_HEADER = [
    "文书编号",
    "信用代码",
    "被检查单位",
    "检查时间",
    "检查单位",
    "检查类型",
    "是否四不两直",
    "执法方式",
    "执法人员",
    "执法证件号",
    "参加专家",
    "发现隐患数",
    "重大隐患数",
    "罚款数额",
    "法律依据",
    "决定书文号",
]


def test_an_old_inspection_ledger_imports_with_team_penalty_and_tallies(
    api_as, bureau_officer, emergency, firm
) -> None:
    man = f.law_officer(emergency, "张三", "渝应急执500401")
    data = workbook(
        [
            INSPECTION_HEADER,
            [
                "秀应急检〔2025〕11号",
                firm.credit_code,
                firm.name,
                "2025-05-06",
                "",
                "计划检查",
                "是",
                "明察暗访",
                "张三、李四",
                "渝应急执500401、渝应急执500402",
                "王专家",
                3,
                1,
                20000,
                "安全生产法第一百零二条",
                "秀应急罚〔2025〕20号",
            ],
            [
                "秀应急检〔2025〕12号",
                firm.credit_code,
                firm.name,
                "2025-05-20",
                "",
                "双随机抽查",
                "否",
                "",
                "李四",
                "无",
                "",
                0,
                0,
                None,
                None,
                None,
            ],
        ]
    )
    job = run(api_as(bureau_officer), "inspections", data)
    assert job["status"] == "done", job["report"]
    first = Inspection.objects.get(ledger_ref="秀应急检〔2025〕11号")
    assert (first.status, first.kind, first.department_id) == ("done", "planned", emergency.pk)
    assert first.flags == ["unannounced", "covert"]
    assert (first.ledger_findings, first.ledger_major_findings) == (3, 1)
    team = list(
        TeamMember.objects.filter(inspection=first)
        .order_by("id")
        .values_list("role", "name", "certificate_no", "officer_id")
    )
    assert team == [
        ("leader", "张三", "渝应急执500401", man.pk),
        ("officer", "李四", "渝应急执500402", None),
        ("expert", "王专家", "", None),
    ]
    penalty = Penalty.objects.get()
    assert (penalty.inspection_id, penalty.amount, penalty.external_ref) == (first.pk, 20000, "秀应急罚〔2025〕20号")
    t = tally(firm, emergency, "2025-05")
    assert (t.inspections, t.unannounced, t.covert, t.with_experts, t.findings, t.major_findings) == (2, 1, 1, 1, 3, 1)
    assert (t.penalties, t.penalty_amount) == (1, 20000)
    assert Event.objects.filter(subject_type="inspection", kind="imported").count() == 2


def test_the_inspection_ledger_round_trips(api_as, bureau_officer, emergency, firm) -> None:
    api = api_as(bureau_officer)
    data = workbook(
        [
            INSPECTION_HEADER,
            [
                "J-1",
                firm.credit_code,
                firm.name,
                "2025-05-06",
                "",
                "计划检查",
                "是",
                "",
                "张三、李四",
                "渝应急执500401、无",
                "",
                2,
                0,
                3000,
                "安全生产法第九十九条",
                "",
            ],
        ]
    )
    assert run(api, "inspections", data)["status"] == "done"
    # an inspection recorded in zhiben, with a finding and a penalty, goes out and comes back too
    native = f.inspection(
        firm, bureau_officer, department=emergency, on="2026-02-03", flags=["cross_region"], experts=("赵专家",)
    )
    hazard = factories.hazard(bureau_officer, firm, discovered_on="2026-02-03", level="major")
    f.finding(native, hazard)
    r = api.post(
        f"/api/v1/inspections/{native.pk}/penalties",
        {"amount": "50000", "basis": "安全生产法 第一百零二条", "decided_on": "2026-02-10", "hazard": hazard.pk},
    )
    assert r.status_code == 201, r.content
    exported = api.get("/api/v1/inspections/export").content
    table = rows_of(exported)
    assert len(table) == 3
    by_ref = {row[0]: row for row in table[1:]}
    assert by_ref["J-1"][9:14] == ("张三、李四", "渝应急执500401、无", None, 2, 0)
    native_row = by_ref[None]
    assert native_row[8] == "是" and native_row[11] == "赵专家" and native_row[12:14] == (1, 1)
    tallies = list(EnforcementTally.objects.order_by("month").values())
    job = run(api, "inspections", exported)
    assert job["status"] == "done", job["report"]
    assert (job["report"]["create"], job["report"]["update"], job["report"]["unchanged"]) == (0, 0, 2)
    assert list(EnforcementTally.objects.order_by("month").values()) == tallies
    assert rows_of(api.get("/api/v1/inspections/export").content) == table
    # a corrected count under the same number changes the inspection and its tallies
    book = openpyxl.load_workbook(io.BytesIO(exported))
    for row in book.active.iter_rows(min_row=2):
        if row[0].value == "J-1":
            row[12].value = 5
    out = io.BytesIO()
    book.save(out)
    job = run(api, "inspections", out.getvalue())
    assert job["status"] == "done" and job["report"]["update"] == 1, job["report"]
    assert Inspection.objects.get(ledger_ref="J-1").ledger_findings == 5
    assert tally(firm, emergency, "2025-05").findings == 5


def test_an_inspection_recorded_here_is_not_changed_by_a_ledger(api_as, bureau_officer, emergency, firm) -> None:
    f.inspection(firm, bureau_officer, department=emergency, on="2026-02-03")
    data = workbook(
        [
            INSPECTION_HEADER,
            [
                "",
                firm.credit_code,
                "",
                "2026-02-03",
                "",
                "计划检查",
                "否",
                "",
                "张三、李四",
                "渝应急执500401、渝应急执500402",
                "",
                4,
                0,
                None,
                None,
                None,
            ],
        ]
    )
    job = run(api_as(bureau_officer), "inspections", data)
    assert job["status"] == "invalid"
    assert "没有检查文书编号的检查不能由台账更正" in errors_of(job)[0][2]


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ({8: "张三", 9: "渝应急执500401、渝应急执500402"}, "J", "执法人员只有1名"),
        ({9: "渝应急执500409、无"}, "J", "登记的是王五"),
        ({11: 1, 12: 2}, "M", "不能多于"),
        ({11: "三"}, "L", "应为0或正整数"),
        ({3: "下周"}, "D", "不是日期"),
        ({6: "也许"}, "G", "是”或“否"),
        ({7: "突击"}, "H", "检查形式取值不正确"),
        ({13: 100, 14: None}, "O", "请填写处罚依据"),
    ],
)
def test_bad_inspection_rows_are_named(api_as, bureau_officer, emergency, firm, cells, column, words) -> None:
    f.law_officer(emergency, "王五", "渝应急执500409")
    row = [
        "K-1",
        firm.credit_code,
        "",
        "2025-05-06",
        "",
        "计划检查",
        "否",
        "",
        "张三、李四",
        "渝应急执500401、无",
        "",
        0,
        0,
        None,
        None,
        None,
    ]
    for index, value in cells.items():
        row[index] = value
    job = run(api_as(bureau_officer), "inspections", workbook([INSPECTION_HEADER, row]))
    assert job["status"] == "invalid"
    found = [(c, m) for _, c, m in errors_of(job)]
    assert any(c == column and words in m for c, m in found), found
    assert not Inspection.objects.exists()


def test_the_ledgers_templates_and_the_import_page_know_them(api_as, bureau_officer) -> None:
    api = api_as(bureau_officer)
    for kind, header in (("penalties", "决定书文号"), ("inspections", "检查文书编号")):
        r = api.get(f"/api/v1/imports/templates/{kind}")
        assert r.status_code == 200
        assert header in rows_of(r.content)[0]
    c = Client()
    c.force_login(bureau_officer)
    page = c.get("/imports/").content.decode()
    assert "行政处罚台账" in page and "执法检查台账" in page
