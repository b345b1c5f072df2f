"""The year-end report of a duty list (年度履职情况报告) as a Word document (python-docx): the list's items, what
was done against each (dates and text), the completion rate by the rule of rules.py, and the signature line.

Not on the documents engine: a report carries no 文号 (it is the leader's or unit's own account, not a
numbered document of an office), so it is built here, as the filings' 统计分析表 is.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

from django.http import HttpResponse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from zhiben.common.xlsx import content_disposition

from .models import DutyList
from .selectors import item_tally, list_tally

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Characters XML 1.0 cannot carry (a control character in a user's text would corrupt the file).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def _clean(text: Any) -> str:
    return _UNSAFE.sub("", str(text))


def _cn(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _percent(rate: float | None) -> str:
    return "—（尚无到期事项）" if rate is None else f"{rate * 100:.1f}%"


def report_docx(duty_list: DutyList, as_of: datetime.date) -> bytes:
    """The report of ``duty_list`` (items and entries prefetched: selectors.with_items) as of ``as_of``:
    title, the owner and year, a table of the items (序号, 事项, 完成时限, 履职情况: each entry's date and text,
    完成情况), the completion figures, and the signature line of the leader or the unit's head."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")  # Chinese text's own font
    style.font.size = Pt(12)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(f"{_clean(duty_list.title)}\n{duty_list.year}年度履职情况报告")
    run.bold = True
    run.font.size = Pt(16)
    filed = f"；已于{_cn(duty_list.filed_on)}报上级安委办备案" if duty_list.filed_on else ""
    doc.add_paragraph(
        _clean(
            f"清单所属：{duty_list.owner}（{duty_list.region.name}）；清单类别：{duty_list.get_kind_display()}"
            f"{filed}；统计截止：{_cn(as_of)}。"
        )
    )
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "事项", "完成时限", "履职情况", "完成情况"), strict=True):
        cell.text = text
    for item in duty_list.items.all():
        item.duty_list = duty_list
        tally = item_tally(item, as_of)
        entries = "\n".join(f"{_cn(e.done_on)}：{e.text}" for e in item.entries.all()) or "（无记录）"
        if tally.due == 0:
            state = "未到期"
        elif tally.missing:
            state = f"应履职 {tally.due} 次，未完成 {tally.missing} 次"
        elif tally.late:
            state = f"已完成（逾期 {tally.late} 次）"
        else:
            state = "按期完成"
        cells = table.add_row().cells
        period = f"（{item.get_period_display()}报告）" if item.period else ""
        for cell, value in zip(
            cells, (item.number, item.text, f"{item.due_text}{period}", entries, state), strict=True
        ):
            cell.text = _clean(value)
    total = list_tally(duty_list, as_of)
    doc.add_paragraph("")
    doc.add_paragraph(
        f"完成情况：截至{_cn(as_of)}，应履职 {total.due} 项（次），按期完成 {total.on_time} 项（次），"
        f"逾期完成 {total.late} 项（次），未完成 {total.missing} 项（次）；"
        f"按期完成率 {_percent(total.rate)}，完成率 {_percent(total.done_rate)}。"
    )
    doc.add_paragraph(
        "计算口径：有完成时限的事项，在时限当日及以前有履职记录的为按期完成；长期事项按报告周期（月、季度、年）"
        "逐期计算，期内有履职记录的为按期完成。"
    )
    doc.add_paragraph("")
    signer = "单位主要负责人（签字）" if duty_list.department_id else "本人（签字）"
    doc.add_paragraph(f"{signer}：＿＿＿＿＿＿　　　　日期：　　　　年　　月　　日")
    if duty_list.department_id:
        doc.add_paragraph("单位（盖章）：")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_response(data: bytes, filename: str, *, fallback: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
