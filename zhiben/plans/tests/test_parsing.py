"""The plan-document parser (issue 13, "Plan documents in"): the two seed plans against expectations written
by reading them (fixtures/*_expected.json), the same plans as .docx, plans of other shapes, deadlines and
units as plans write them, and bad input. Pure: no database."""

from __future__ import annotations

import calendar
import codecs
import datetime
import io
import json
import struct
import textwrap
import zipfile
import zlib
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiben.plans.parsing import (
    MAX_BYTES,
    DueRule,
    ParsedPlan,
    ParsedTask,
    PlanParseError,
    parse_due,
    parse_plan,
    split_units,
    to_preview,
)

FIXTURES = Path(__file__).parent / "fixtures"
TOWNSHIP = FIXTURES / "township-plan-2024-2026.txt"
CHONGQING = FIXTURES / "chongqing-plan-2024-2026.txt"
D = datetime.date


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def expected(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def by_number(plan: ParsedPlan) -> dict[str, ParsedTask]:
    return {t.number: t for t in plan.tasks}


def units(task: ParsedTask) -> tuple[list[str], list[str]]:
    return [u.text for u in task.lead_units], [u.text for u in task.co_units]


def mismatches(number: str, want: dict[str, Any], task: ParsedTask | None) -> list[str]:
    """Every difference between a task as read by hand and as parsed, one readable line each."""
    if task is None:
        return [f"任务 {number}: 未找到"]
    got = {
        "due_text": task.due_text,
        "due": task.due.due.isoformat() if task.due.due else None,
        "kind": task.due.kind,
        "years": list(task.due.years),
        "lead": units(task)[0],
        "co": units(task)[1],
        "inherited": list(task.inherited),
        "action_number": task.action_number,
        "every": task.due.every,
        "month": task.due.month,
        "day": task.due.day,
        "text": task.text,
    }
    differ = [key for key in got if key in want and want[key] != got[key]]
    return [f"任务 {number}: {key} 应为 {want[key]!r}，实为 {got[key]!r}" for key in differ]


# ------------------------------------------------------------------------------------------ the township
def test_the_township_plan_gives_its_21_tasks_as_read_by_hand() -> None:
    want = expected("township_expected.json")
    plan = parse_plan(TOWNSHIP.read_bytes(), "大井镇安全生产治本攻坚三年行动方案（2024—2026年）.txt")
    source = lines_of(TOWNSHIP)
    found = by_number(plan)
    problems: list[str] = []
    for task in want["tasks"]:
        problems += mismatches(task["number"], task, found.get(task["number"]))
        paragraph = source[task["line"] - 1]
        got = found.get(task["number"])
        # the task's text is its paragraph without the number and without the trailing （完成时限：…）
        written = paragraph.startswith(f"{task['number']}．{got.text}") if got else False
        if got is not None and not (written and "完成时限" not in got.text):
            problems.append(f"任务 {task['number']}: 正文不是第 {task['line']} 行的内容：{got.text[:30]!r}")
    assert not problems, "\n".join(problems)
    assert [t.number for t in plan.tasks] == [str(n) for n in range(1, 22)]
    assert [list(a) for a in plan.actions] == want["actions"]
    assert plan.issuer == want["issuer"]
    assert plan.title == "大井镇安全生产治本攻坚三年行动方案（2024—2026年）"  # no title line: the file's name
    assert any("未识别到方案标题" in w for w in plan.warnings)
    assert any("未见（八）" in w for w in plan.warnings)  # the plan skips from （七） to （九）
    assert plan.source == "text" and plan.doc_number == "" and plan.issued_on is None


@pytest.mark.parametrize("width", [20, 37, 60])
def test_the_township_plan_hard_wrapped_as_copied_from_a_pdf_reads_the_same(width: int) -> None:
    text = TOWNSHIP.read_text(encoding="utf-8")
    wrapped = "\n".join(part for line in text.split("\n") for part in (textwrap.wrap(line, width) or [""]))
    assert to_preview(parse_plan(wrapped.encode(), "t.txt")) == to_preview(parse_plan(text.encode(), "t.txt"))


def test_the_township_plan_keeps_general_requirements_and_safeguards_out_of_its_tasks() -> None:
    plan = parse_plan(TOWNSHIP.read_bytes(), "plan.txt")
    texts = " ".join(t.text for t in plan.tasks)
    assert "加强组织领导" not in texts and "指导思想" not in texts
    assert all(t.action != "加强组织领导" for t in plan.tasks)


# ----------------------------------------------------------------------------------------- Chongqing
@pytest.fixture(scope="module")
def chongqing() -> ParsedPlan:
    return parse_plan(CHONGQING.read_bytes(), "重庆市安全生产治本攻坚三年行动实施方案.txt")


def test_every_row_of_the_chongqing_task_list_is_found_as_read_by_hand(chongqing: ParsedPlan) -> None:
    want = expected("chongqing_expected.json")
    source = lines_of(CHONGQING)
    found = by_number(chongqing)
    problems: list[str] = []
    for row in want["rows"]:
        problems += mismatches(row["number"], row, found.get(row["number"]))
        got = found.get(row["number"])
        if got is not None and got.text != source[row["line"] - 1].strip():
            problems.append(f"任务 {row['number']}: 正文应为第 {row['line']} 行：{got.text[:30]!r}")
        if got is not None and got.parent != row["number"].split(".")[0]:
            problems.append(f"任务 {row['number']}: parent 为 {got.parent!r}")
    assert not problems, "\n".join(problems)
    assert len(want["rows"]) == 89
    assert len(chongqing.tasks) == 89 + 22  # each row, and the 22 main tasks they sit under


def test_the_chongqing_main_tasks_carry_the_latest_date_and_the_units_of_their_rows(chongqing: ParsedPlan) -> None:
    want = expected("chongqing_expected.json")
    source = lines_of(CHONGQING)
    found = by_number(chongqing)
    problems: list[str] = []
    for main in want["main_tasks"]:
        got = found[main["number"]]
        problems += mismatches(main["number"], main, got)
        if source[main["line"] - 1] != f"{main['number']}.{main['text']}":
            problems.append(f"主任务 {main['number']}: 第 {main['line']} 行不是它")
        rows = [r for r in want["rows"] if r["number"].split(".")[0] == main["number"]]
        lead = list(dict.fromkeys(u for r in rows for u in r["lead"]))
        co = [u for u in dict.fromkeys(u for r in rows for u in r["co"]) if u not in lead]
        if units(got) != (lead, co):
            problems.append(f"主任务 {main['number']}: 单位应为 {lead}/{co}，实为 {units(got)}")
        if got.due_text or got.parent or got.inherited:
            problems.append(f"主任务 {main['number']}: due_text/parent/inherited 应为空")
    assert not problems, "\n".join(problems)
    assert [t.number for t in chongqing.tasks if not t.parent] == [str(n) for n in range(1, 23)]


def test_the_chongqing_plan_says_who_issued_it_and_when(chongqing: ParsedPlan) -> None:
    want = expected("chongqing_expected.json")
    assert chongqing.title == want["title"]
    assert chongqing.doc_number == want["doc_number"]
    assert chongqing.issuer == want["issuer"]
    assert chongqing.issued_on == D.fromisoformat(want["issued_on"])
    assert [list(a) for a in chongqing.actions] == want["actions"]  # 七、 printed twice is one action


def test_the_web_page_around_the_chongqing_plan_is_ignored(chongqing: ParsedPlan) -> None:
    texts = "".join(t.text + "".join(u.text for u in t.lead_units + t.co_units) for t in chongqing.tasks)
    for chrome in ("版权所有", "政策推荐", "热门词汇", "印发", "ICP", "注册", "首页"):
        assert chrome not in texts
    assert chongqing.tasks[-1].number == "22.2"


def test_the_preview_has_the_shape_of_the_api(chongqing: ParsedPlan) -> None:
    preview = to_preview(chongqing)
    json.dumps(preview)  # JSON-ready
    assert {"title", "doc_number", "actions", "tasks", "warnings"} <= preview.keys()
    row = next(t for t in preview["tasks"] if t["number"] == "5.2")
    assert row["due"] == "2025-12-31" and row["due_rule"] == {
        "kind": "year_end",
        "month": None,
        "day": None,
        "every": None,
        "years": [2025, 2026],
    }
    assert row["lead_units"] == ["市安委会有关成员单位"] and row["co_units"] == ["各区县政府"]
    assert next(t for t in preview["tasks"] if t["number"] == "1.2")["inherited"] == ["due"]
    assert preview["actions"][0] == {"number": "一", "title": "开展重大安全风险源头管控行动"}


# ---------------------------------------------------------------------------------------------- .docx
def docx_bytes(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def township_docx() -> bytes:
    document = docx.Document()
    for line in lines_of(TOWNSHIP):
        document.add_paragraph(line)
    return docx_bytes(document)


def chongqing_docx() -> bytes:
    """The Chongqing plan as Word has it: its text as paragraphs up to the annex, the annex a 4-column table
    (行动名称 | 重点任务 | 完成时间 | 责任单位) with the action cell merged down its rows, each main task's row
    spanning three columns, and the time and units cells merged down where the list shares them. The two
    parts of action 七 are two cells (the table broke across a page)."""
    want = expected("chongqing_expected.json")
    source = lines_of(CHONGQING)
    document = docx.Document()
    for line in source[:135]:
        document.add_paragraph(line)
    document.add_paragraph("附件")
    document.add_paragraph("全市安全生产治本攻坚三年行动重点任务清单")
    rows: list[tuple[str, str, Any]] = []  # (action title, task text, fixture row or None)
    actions = dict(want["actions"])
    for main in want["main_tasks"]:
        action = f"{main['action_number']}、{actions[main['action_number']]}"
        rows.append((action, f"{main['number']}.{main['text']}", None))
        under = [r for r in want["rows"] if r["number"].split(".")[0] == main["number"]]
        rows += [(action, source[r["line"] - 1], r) for r in under]
    table = document.add_table(rows=len(rows) + 1, cols=4)
    for c, head in enumerate(("行动名称", "重点任务", "完成时间", "责任单位")):
        table.cell(0, c).text = head
    spans: dict[int, list[int]] = {0: [], 2: [], 3: []}  # per column: rows that are a merged cell's first
    for i, (action, text, row) in enumerate(rows, start=1):
        # a new action cell for each action, and again at task 21 (the page break: 七、 again)
        if i == 1 or action != rows[i - 2][0] or (row is None and text.startswith("21.")):
            table.cell(i, 0).text = action
            spans[0].append(i)
        if row is None:
            table.cell(i, 1).merge(table.cell(i, 3)).text = text
            continue
        table.cell(i, 1).text = text
        if "due" not in row["inherited"]:
            table.cell(i, 2).text = "\n".join(row["due_text"].split())
            spans[2].append(i)
        if "units" not in row["inherited"]:
            table.cell(i, 3).text = "、".join(row["lead"] + row["co"])
            spans[3].append(i)
    for col, starts in spans.items():
        for first in starts:
            last = first
            while last + 1 <= len(rows) and (last + 1) not in starts and not (col and rows[last][2] is None):
                last += 1
            if last > first:
                table.cell(first, col).merge(table.cell(last, col))
    for line in source[694:]:
        document.add_paragraph(line)
    return docx_bytes(document)


def comparable(plan: ParsedPlan) -> dict[str, Any]:
    preview = to_preview(plan)
    preview.pop("source")
    return preview


def test_the_township_plan_as_docx_reads_as_its_text() -> None:
    as_docx = parse_plan(township_docx(), "大井镇方案.docx")
    as_text = parse_plan(TOWNSHIP.read_bytes(), "大井镇方案.docx")
    assert as_docx.source == "docx" and as_text.source == "text"
    assert comparable(as_docx) == comparable(as_text)


def test_the_chongqing_task_list_as_a_word_table_with_merged_cells_reads_as_its_text(chongqing: ParsedPlan) -> None:
    as_docx = parse_plan(chongqing_docx(), "渝安委〔2024〕6号.docx")
    assert as_docx.source == "docx"
    got, want = comparable(as_docx), comparable(chongqing)
    for a, b in zip(got["tasks"], want["tasks"], strict=True):
        assert a == b, f"任务 {b['number']}"
    assert got == want


def test_word_numbering_reads_like_typed_numbers() -> None:
    """Tasks numbered by Word (a list style) and chapters numbered 一、 by a Chinese-counting list."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        p = document.add_paragraph(text)
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )

    document.add_paragraph("某县安全生产治本攻坚三年行动方案")
    numbered("总体要求", 0)
    document.add_paragraph("通过三年努力，……")
    numbered("重点任务", 0)
    numbered("开展隐患排查。（完成时限：2024年6月底前；责任单位：县应急局、县消防救援大队）", 1)
    numbered("开展执法检查。（完成时限：2024年第四季度；责任单位：县市场监管局）", 1)
    numbered("保障措施", 0)
    numbered("加强组织领导。（完成时限：长期坚持；责任单位：县政府办）", 1)
    plan = parse_plan(docx_bytes(document), "x.docx")
    assert [(t.number, t.due.due) for t in plan.tasks] == [("1", D(2024, 6, 30)), ("2", D(2024, 12, 31))]
    assert units(plan.tasks[0]) == (["县应急局"], ["县消防救援大队"])
    assert plan.title == "某县安全生产治本攻坚三年行动方案"


# --------------------------------------------------------------------------------- plans of other shapes
def test_a_county_plan_with_lead_and_co_units_on_lines_of_their_own() -> None:
    plan = parse_plan((FIXTURES / "county-plan-fields-on-lines.txt").read_bytes(), "x.txt")
    got = [(t.number, t.action_number, t.due_text, t.due.kind, t.due.due, t.due.every, *units(t)) for t in plan.tasks]
    assert got == [
        ("1", "一", "2025年6月底前", "month_end", D(2025, 6, 30), None, ["县应急局"], ["县公安局", "县交通运输局"]),
        ("2", "一", "每季度", "ongoing", None, "quarter", ["县住房城乡建设局"], ["各乡镇（街道）"]),
        ("3", "二", "2025年三季度", "quarter_end", D(2025, 9, 30), None, ["县市场监管局"], []),
        ("4", "二", "每年11月底前", "annual", None, "year", ["各乡镇（街道）"], ["县应急局"]),
        ("5", "二", "长期坚持，每月报送进展", "ongoing", None, "month", ["县消防救援大队"], ["各乡镇（街道）"]),
    ]
    assert plan.tasks[3].due.month == 11 and plan.tasks[3].due.day == 30
    assert plan.title == "某县安全生产治本攻坚三年行动实施方案（2024—2026年）"
    assert plan.doc_number == "某安委〔2024〕3号" and plan.issuer == "某县安全生产委员会"
    assert plan.issued_on == D(2024, 4, 2)
    assert plan.tasks[0].text == "开展道路运输企业重大事故隐患专项排查整治。"
    # labelled lead and co units: no convention applied, so no warning about it
    assert not any("排在第一位" in w for w in plan.warnings)


def test_a_city_task_list_pasted_with_tabs() -> None:
    plan = parse_plan((FIXTURES / "city-task-list-tabs.txt").read_bytes(), "x.txt")
    got = [(t.number, t.action_number, t.due.kind, t.due.due, *units(t), t.inherited) for t in plan.tasks]
    assert got == [
        ("1", "一", "month_end", D(2024, 12, 31), ["市应急局"], ["市发展改革委"], ()),
        ("2", "一", "month_end", D(2024, 12, 31), ["市住房城乡建设局"], ["各县（市、区）政府"], ("due",)),
        ("3", "二", "ongoing", None, ["市交通运输局"], ["市公安局交警支队"], ()),
        ("4", "二", "year_end", D(2025, 12, 31), ["市交通运输局"], ["市公安局交警支队"], ("units",)),
    ]
    assert plan.tasks[3].due.years == (2025, 2026)
    assert [a[1] for a in plan.actions] == ["重大风险源头管控行动", "交通运输安全治理行动"]


def test_a_plan_numbering_afresh_in_each_action_with_sub_items() -> None:
    plan = parse_plan((FIXTURES / "district-plan-sub-items.txt").read_bytes(), "x.txt")
    got = [(t.number, t.parent, t.due.due, *units(t)) for t in plan.tasks]
    assert got == [
        ("一.1", "", D(2024, 9, 30), ["区应急局"], ["区经信局"]),
        ("一.2", "", D(2024, 12, 31), ["区应急局", "区经信局"], ["区人社局", "各街道办事处"]),
        ("一.2.1", "一.2", D(2024, 6, 30), ["区应急局"], ["区人社局"]),
        ("一.2.2", "一.2", D(2024, 12, 31), ["区经信局"], ["各街道办事处"]),
        ("二.1", "", D(2025, 3, 31), ["区住房城乡建委"], []),
    ]
    # its sub-points carry no fields: they stay its text, and the fields after them are the task's
    assert plan.tasks[0].text == (
        "开展危险化学品企业重大事故隐患排查。主要包括：（1）储存场所安全距离；（2）自动化控制系统。"
    )


def test_a_plan_that_says_its_units_are_in_no_order_leaves_them_all_leading() -> None:
    text = (
        "某镇重点工作安排\n二、重点任务\n（一）排查整治行动\n"
        "1．开展燃气安全排查。（完成时限：2024年底前；责任单位：镇安办、镇规建办）\n"
        "注：责任单位排名不分先后。\n"
    )
    plan = parse_plan(text.encode(), "x.txt")
    assert units(plan.tasks[0]) == (["镇安办", "镇规建办"], [])
    assert any("不分先后" in w for w in plan.warnings)


def test_bracketed_headings_with_their_own_fields_are_tasks() -> None:
    text = (
        "某市2024年安全生产重点工作安排\n一、重点任务\n"
        "（一）开展重大事故隐患排查整治。（牵头单位：市应急局；配合单位：市住建局、市交通局；完成时限：2024年12月底前）\n"
        "（二）开展燃气安全专项整治。（责任单位：市城管局（牵头）、市市场监管局；完成时限：2024年6月底前）\n"
        "二、工作要求\n（一）加强领导。各地要高度重视。（责任单位：各区政府）\n"
    )
    plan = parse_plan(text.encode(), "x.txt")
    got = [(t.number, t.text, t.due.due, *units(t)) for t in plan.tasks]
    assert got == [
        ("一", "开展重大事故隐患排查整治。", D(2024, 12, 31), ["市应急局"], ["市住建局", "市交通局"]),
        ("二", "开展燃气安全专项整治。", D(2024, 6, 30), ["市城管局"], ["市市场监管局"]),
    ]
    assert plan.actions == ()


def test_fields_written_inline_after_the_task() -> None:
    text = (
        "某县方案\n二、主要任务\n"
        "1.开展企业主要负责人培训。牵头单位：县应急局；配合单位：县人社局；完成时限：2024年底。\n"
        "2.开展执法检查，责任单位：县应急局、县市场监管局，完成时间：每季度。\n"
    )
    plan = parse_plan(text.encode(), "x.txt")
    got = [(t.text, t.due_text, t.due.kind, *units(t)) for t in plan.tasks]
    assert got == [
        ("开展企业主要负责人培训。", "2024年底", "year_end", ["县应急局"], ["县人社局"]),
        ("开展执法检查", "每季度", "ongoing", ["县应急局"], ["县市场监管局"]),
    ]


def test_an_actions_own_fields_stand_for_its_tasks_that_name_none() -> None:
    text = (
        "二、重点任务\n（一）开展安全生产大检查行动（牵头单位：县应急局；完成时限：2024年12月）\n"
        "1．检查危化企业。\n2．检查建筑工地。（责任单位：县住建局）\n"
    )
    plan = parse_plan(text.encode(), "x.txt")
    got = [(t.number, t.due.due, *units(t), t.inherited) for t in plan.tasks]
    assert got == [
        ("1", D(2024, 12, 31), ["县应急局"], [], ("due", "units")),
        ("2", D(2024, 12, 31), ["县住建局"], [], ("due",)),
    ]
    assert plan.actions == (("一", "开展安全生产大检查行动"),)
    assert "责任单位沿用所属行动的责任单位" in plan.tasks[0].warnings


def test_a_word_table_with_a_two_row_header_and_numbered_rows() -> None:
    """序号 | 工作任务 | 完成时限 | 责任单位 (牵头单位 | 配合单位): the units header spans two columns; the
    deadline is merged over rows 2–3 and the co-operating units over rows 1–2; a second table carries on
    the list after a page break without repeating the header."""
    document = docx.Document()
    document.add_paragraph("某镇2024年安全生产工作任务分解表")
    table = document.add_table(rows=5, cols=5)
    for c, head in enumerate(("序号", "工作任务", "完成时限", "责任单位")):
        table.cell(0, c).text = head
    table.cell(0, 3).merge(table.cell(0, 4))
    table.cell(1, 3).text, table.cell(1, 4).text = "牵头单位", "配合单位"
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(0, 1).merge(table.cell(1, 1))
    table.cell(0, 2).merge(table.cell(1, 2))
    rows = [
        ("1", "开展九小场所消防安全检查", "2024年3月底前", "镇应急办", "派出所、市场监管所"),
        ("2", "开展自建房安全排查", "2024年三季度", "镇规建办", ""),
        ("3", "整治电动自行车违规充电", "", "镇综治办", "各村（社区）"),
    ]
    for r, (number, task, due, lead, co) in enumerate(rows, start=2):
        for c, text in enumerate((number, task, due, lead, co)):
            if text:
                table.cell(r, c).text = text
    table.cell(2, 4).merge(table.cell(3, 4))
    table.cell(3, 2).merge(table.cell(4, 2))
    more = document.add_table(rows=1, cols=5)
    for c, text in enumerate(("4", "开展燃气用户入户安检", "每季度", "镇安办", "燃气公司")):
        more.cell(0, c).text = text
    plan = parse_plan(docx_bytes(document), "x.docx")
    got = [(t.number, t.text, t.due_text, t.due.due, *units(t), t.inherited) for t in plan.tasks]
    assert got == [
        ("1", "开展九小场所消防安全检查", "2024年3月底前", D(2024, 3, 31), ["镇应急办"], ["派出所", "市场监管所"], ()),
        ("2", "开展自建房安全排查", "2024年三季度", D(2024, 9, 30), ["镇规建办"], ["派出所", "市场监管所"], ("units",)),
        ("3", "整治电动自行车违规充电", "2024年三季度", D(2024, 9, 30), ["镇综治办"], ["各村（社区）"], ("due",)),
        ("4", "开展燃气用户入户安检", "每季度", None, ["镇安办"], ["燃气公司"], ()),
    ]


# ----------------------------------------------------------------------------------------------- units
@pytest.mark.parametrize(
    ("text", "lead", "co"),
    [
        ("牵头单位：市应急局；配合单位：市公安局、市交通运输委", ["市应急局"], ["市公安局", "市交通运输委"]),
        ("牵头部门：县住建局  配合部门：县消防救援大队", ["县住建局"], ["县消防救援大队"]),
        ("责任单位（牵头）：市应急局；责任单位（配合）：市财政局", ["市应急局"], ["市财政局"]),
        ("（责任单位：镇安监站、镇党政办）", ["镇安监站"], ["镇党政办"]),
        ("镇安监站，镇党政办", ["镇安监站"], ["镇党政办"]),
        ("镇安监站", ["镇安监站"], []),
        (
            "市应急局、市司法局等市安委会有关成员单位，各区县政府",
            ["市应急局"],
            ["市司法局", "市安委会有关成员单位", "各区县政府"],
        ),
        ("市应急局等市安委会有关成员单位", ["市应急局"], ["市安委会有关成员单位"]),
        ("市、区县安委会办公室", ["市安委会办公室"], ["区县安委会办公室"]),
        ("市、区县、乡镇（街道）应急管理部门", ["市应急管理部门"], ["区县应急管理部门", "乡镇（街道）应急管理部门"]),
        ("县应急局（牵头）、县公安局、县交通运输局", ["县应急局"], ["县公安局", "县交通运输局"]),
        ("县公安局、县应急局（牵头）", ["县应急局"], ["县公安局"]),
        ("市应急局牵头，市公安局、市交通运输委配合", ["市应急局"], ["市公安局", "市交通运输委"]),
        ("各乡镇（街道、园区），县应急局", ["各乡镇（街道、园区）"], ["县应急局"]),
        ("县教育局、县卫健委等部门", ["县教育局"], ["县卫健委"]),
        ("各高等院校、市教委", ["各高等院校"], ["市教委"]),  # 等 inside a name is no list
        ("市应急局、市应急局、市公安局", ["市应急局"], ["市公安局"]),
        ("", [], []),
    ],
)
def test_units_split_into_lead_and_co_units(text: str, lead: list[str], co: list[str]) -> None:
    got_lead, got_co = split_units(text)
    assert ([u.text for u in got_lead], [u.text for u in got_co]) == (lead, co)


def test_units_without_the_lead_first_convention_all_lead() -> None:
    lead, co = split_units("镇安办、镇规建办", first_is_lead=False)
    assert [u.text for u in lead] == ["镇安办", "镇规建办"] and co == ()


# ----------------------------------------------------------------------------------------- deadlines
@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("2024年12月", DueRule("month_end", D(2024, 12, 31))),
        ("2024年6月底前", DueRule("month_end", D(2024, 6, 30))),
        ("20246月底前", DueRule("month_end", D(2024, 6, 30))),  # 年 lost in extraction
        ("2024", DueRule("year_end", D(2024, 12, 31), years=(2024,))),
        ("2024年底前", DueRule("year_end", D(2024, 12, 31), years=(2024,))),
        ("2024年三季度", DueRule("quarter_end", D(2024, 9, 30))),
        ("2024年第三季度末", DueRule("quarter_end", D(2024, 9, 30))),
        ("2024Q1", DueRule("quarter_end", D(2024, 3, 31))),
        ("2024年上半年", DueRule("quarter_end", D(2024, 6, 30))),
        ("2024年9月15日前", DueRule("date", D(2024, 9, 15))),
        ("2024.9.15", DueRule("date", D(2024, 9, 15))),
        ("2024320日", DueRule("date", D(2024, 3, 20))),  # 年 and 月 lost
        ("2024年6月中旬", DueRule("date", D(2024, 6, 20))),
        ("2024年十二月底", DueRule("month_end", D(2024, 12, 31))),
        ("2025 2026", DueRule("year_end", D(2025, 12, 31), years=(2025, 2026))),
        ("2025\n2026", DueRule("year_end", D(2025, 12, 31), years=(2025, 2026))),
        ("2025—2026年", DueRule("year_end", D(2025, 12, 31), years=(2025, 2026))),
        ("2025、2026年", DueRule("year_end", D(2025, 12, 31), years=(2025, 2026))),
        ("20242026年", DueRule("year_end", D(2024, 12, 31), years=(2024, 2025, 2026))),
        ("长期坚持", DueRule("ongoing", every="quarter")),
        ("持续推进", DueRule("ongoing", every="quarter")),
        ("每季度", DueRule("ongoing", every="quarter")),
        ("每月", DueRule("ongoing", every="month")),
        ("每半年", DueRule("ongoing", every="half_year")),
        ("长期坚持，每月报送", DueRule("ongoing", every="month")),
        ("2024年6月底前建立，长期坚持", DueRule("ongoing", D(2024, 6, 30), every="quarter")),
        ("每年", DueRule("annual", None, 12, 31, "year")),
        ("每年6月底前", DueRule("annual", None, 6, 30, "year")),
        ("每年2月底前", DueRule("annual", None, 2, 29, "year")),
        ("每年一季度", DueRule("annual", None, 3, 31, "year")),
        ("2024年起每年", DueRule("annual", D(2024, 12, 31), 12, 31, "year")),
        ("完成时限：2024年12月", DueRule("month_end", D(2024, 12, 31))),
        ("（2024年12月）", DueRule("month_end", D(2024, 12, 31))),
        ("２０２４年６月", DueRule("month_end", D(2024, 6, 30))),  # full-width digits
        ("6月底前", DueRule("month_end", None, 6, 30)),
        ("立行立改", DueRule("unknown")),
        ("", DueRule("unknown")),
        ("2024111日", DueRule("unknown")),  # 1月11日 or 11月1日: not guessed
    ],
)
def test_deadlines_as_plans_write_them(text: str, rule: DueRule) -> None:
    assert parse_due(text) == rule


def test_a_deadline_without_its_year_takes_the_plans_year() -> None:
    assert parse_due("6月底前", reference_year=2025).due == D(2025, 6, 30)
    assert parse_due("年底前", reference_year=2025) == DueRule("year_end", D(2025, 12, 31), years=(2025,))
    assert parse_due("第三季度", reference_year=2025).due == D(2025, 9, 30)
    assert parse_due("2月底", reference_year=2024).due == D(2024, 2, 29)
    assert parse_due("2月底", reference_year=2025).due == D(2025, 2, 28)
    assert parse_due("2026年3月", reference_year=2025).due == D(2026, 3, 31)  # a written year wins


def test_an_annual_deadline_falls_in_each_year() -> None:
    rule = parse_due("每年2月底前")
    assert rule.due_in(2024) == D(2024, 2, 29) and rule.due_in(2025) == D(2025, 2, 28)
    assert parse_due("2025 2026").due_in(2026) == D(2026, 12, 31)
    assert parse_due("2025 2026").due_in(2024) is None


YEARS = st.integers(2000, 2100)
MONTHS = st.integers(1, 12)
CN_MONTH = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


@given(YEARS, MONTHS, st.sampled_from(["年", ""]), st.sampled_from(["", "底", "末", "底前", "末前", "前", "份"]))
def test_a_month_is_due_on_its_last_day(year: int, month: int, nian: str, tail: str) -> None:
    last = D(year, month, calendar.monthrange(year, month)[1])
    assert parse_due(f"{year}{nian}{month}月{tail}") == DueRule("month_end", last)
    assert parse_due(f"{year}年{CN_MONTH[month - 1]}月{tail}") == DueRule("month_end", last)
    assert parse_due(f"{year}.{month:02d}") == DueRule("month_end", last)


@given(st.integers(2000, 2100).filter(calendar.isleap))
def test_february_ends_on_the_29th_in_a_leap_year(year: int) -> None:
    assert parse_due(f"{year}年2月底前").due == D(year, 2, 29)
    assert parse_due(f"{year + 1}年2月底前").due == D(year + 1, 2, 28)


@given(YEARS, st.integers(1, 4), st.sampled_from(["第{q}季度", "{q}季度", "第{q}季度末", "{q}季度底前", "Q{q}"]))
def test_a_quarter_is_due_on_its_last_day(year: int, quarter: int, form: str) -> None:
    q = str(quarter) if form.startswith("Q") else "一二三四"[quarter - 1]
    end = D(year, quarter * 3, calendar.monthrange(year, quarter * 3)[1])
    assert parse_due(f"{year}年" + form.format(q=q)) == DueRule("quarter_end", end)
    assert parse_due(f"{year}年" + form.format(q=quarter)) == DueRule("quarter_end", end)


@given(YEARS, st.sampled_from(["", "年", "年底", "年底前", "年末", "年内", "年年底前"]))
def test_a_year_is_due_on_31_december(year: int, tail: str) -> None:
    assert parse_due(f"{year}{tail}") == DueRule("year_end", D(year, 12, 31), years=(year,))


DAY_FORMS = st.sampled_from(["{y}年{m}月{d}日", "{y}年{m}月{d}日前", "{y}-{m:02d}-{d:02d}", "{y}.{m}.{d}"])


@given(YEARS, MONTHS, st.integers(1, 31), DAY_FORMS)
def test_a_day_is_due_on_itself(year: int, month: int, day: int, form: str) -> None:
    day = min(day, calendar.monthrange(year, month)[1])
    assert parse_due(form.format(y=year, m=month, d=day)) == DueRule("date", D(year, month, day))


@given(
    YEARS,
    st.sampled_from([0, 13, 14, 19, 20, 99]),
    st.sampled_from(["{y}年{m}月底前", "{y}年{m}月", "{y}-{m}-01", "{y}年{m}月5日前", "每年{m}月底前"]),
)
def test_a_month_that_does_not_exist_is_not_read_as_another_day(year: int, month: int, form: str) -> None:
    """2026年13月底前 is a slip to be flagged for the user, not the end of 2026."""
    assert parse_due(form.format(y=year, m=month)).kind == "unknown"


@given(st.lists(st.integers(2000, 2099), min_size=2, max_size=3, unique=True), st.sampled_from([" ", "、", "\n"]))
def test_a_cell_listing_years_is_due_at_the_end_of_each(years: list[int], sep: str) -> None:
    years.sort()
    rule = parse_due(sep.join(map(str, years)) + "年")
    assert rule == DueRule("year_end", D(years[0], 12, 31), years=tuple(years))


@given(st.text(max_size=40))
def test_any_deadline_text_gives_a_rule(text: str) -> None:
    rule = parse_due(text, reference_year=2024)
    assert rule.kind in ("date", "month_end", "quarter_end", "year_end", "annual", "ongoing", "unknown")


# --------------------------------------------------------------------------------------------- bad input
def refused(data: bytes, name: str = "plan.txt") -> PlanParseError:
    with pytest.raises(PlanParseError) as caught:
        parse_plan(data, name)
    assert caught.value.field == "file" and caught.value.message
    return caught.value


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


def test_an_empty_file_is_refused() -> None:
    assert refused(b"").message == "文件为空"
    assert refused(b" \r\n\t ").message == "文件为空"


def test_a_file_over_the_limit_is_refused() -> None:
    assert "上限 5 MB" in refused(b"1." + b"a" * MAX_BYTES).message


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (png(), "图片"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "图片"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".doc"),
        (b"Rar!\x1a\x07\x00", "压缩包"),
    ],
)
def test_other_kinds_of_file_are_refused_by_their_content_not_their_name(data: bytes, says: str) -> None:
    assert says in refused(data, "方案.docx").message
    assert says in refused(data, "方案.txt").message


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert "不是 Word 文档" in refused(out.getvalue(), "方案.docx").message


def test_a_damaged_word_document_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>not xml")
    assert "已损坏" in refused(out.getvalue(), "方案.docx").message
    assert "已损坏" in refused(township_docx()[:3000], "方案.docx").message


def test_a_zip_bomb_is_refused_before_it_is_read() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<" + b"a" * 20_000_000)
    assert "拒绝读取" in refused(out.getvalue(), "方案.docx").message


def test_a_scanned_word_document_is_refused() -> None:
    document = docx.Document()
    path = io.BytesIO(png())
    document.add_picture(path)
    document.add_paragraph("")
    message = refused(docx_bytes(document), "扫描件.docx").message
    assert message == "未识别到文字，可能是扫描件，请上传可编辑的 .docx 或文本"


def test_a_word_document_without_tasks_is_refused() -> None:
    document = docx.Document()
    document.add_paragraph("会议纪要")
    document.add_paragraph("1. 与会人员讨论了明年的工作。")
    document.add_paragraph("2. 下次会议另行通知。")
    assert refused(docx_bytes(document), "纪要.docx").message.startswith("未识别到任务")


@pytest.mark.parametrize("text", ["hello world", "今天天气很好。\n我们去公园散步。", "1.a\n2.b", "一、概述\n内容。"])
def test_text_without_tasks_is_refused(text: str) -> None:
    assert refused(text.encode()).message.startswith("未识别到任务")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "gb2312", "utf-8-sig", "utf-16"])
def test_text_in_the_encodings_of_chinese_windows_reads_the_same(encoding: str) -> None:
    text = TOWNSHIP.read_text(encoding="utf-8")
    if encoding == "gb2312":  # GB2312 lacks a few characters of the plan
        text = text.encode("gb2312", errors="ignore").decode("gb2312")
    data = text.encode(encoding)
    plan = parse_plan(data, "plan.txt")
    assert len(plan.tasks) == 21
    assert units(plan.tasks[4]) == (["镇安监站"], ["镇党群服务中心", "市场监管所"])


def test_text_in_no_readable_encoding_is_refused() -> None:
    message = refused(bytes(range(0x80, 0x100)) * 40).message
    assert "编码" in message or "不是 .docx 或文本" in message


def test_the_chongqing_plan_with_a_byte_order_mark_and_windows_line_ends_reads_the_same(chongqing: ParsedPlan) -> None:
    data = codecs.BOM_UTF8 + CHONGQING.read_text(encoding="utf-8").replace("\n", "\r\n").encode()
    assert comparable(parse_plan(data, "x.txt")) == comparable(chongqing)


def plan_or_refusal(data: bytes, name: str) -> ParsedPlan | PlanParseError:
    try:
        return parse_plan(data, name)
    except PlanParseError as exc:
        return exc


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_plan_or_a_clear_refusal(data: bytes) -> None:
    answer = plan_or_refusal(data, "x.docx")
    assert answer.message if isinstance(answer, PlanParseError) else answer.tasks


SEED_LINES = [line for path in (TOWNSHIP, CHONGQING) for line in lines_of(path)[:300] if line.strip()][::3]
PIECES = st.one_of(
    st.sampled_from(SEED_LINES),
    st.sampled_from(["一、重点任务", "（一）开展行动", "1．任务", "（1）", "附件", "行动名称", "重点任务"]),
    st.sampled_from(["完成时间", "责任单位", "序号\t重点任务\t完成时限\t责任单位", "2\t\t任务\t2024年"]),
    st.sampled_from(["2025", "长期坚持", "每年", "市应急局、各区县政府", "牵头单位：", "（完成时限：", "）", "\t"]),
    st.text(max_size=30),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=30))
def test_any_text_gives_a_plan_or_a_clear_refusal(pieces: list[str]) -> None:
    answer = plan_or_refusal("\n".join(pieces).encode(), "x.txt")
    if isinstance(answer, PlanParseError):
        assert answer.message
    else:
        json.dumps(to_preview(answer))
        numbers = [t.number for t in answer.tasks]
        assert len(set(numbers)) == len(numbers) or any("重复" in w for w in answer.warnings)
