"""The statistics as files: the enterprise's 统计分析表 (.xlsx and .docx, for the principal to sign and the unit
to seal, 16号令 第十四条) and the region's roll-up (.xlsx)."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from zhiben.common.xlsx import Column, content_disposition, write_table
from zhiben.enterprises.models import Enterprise

from .periods import Period
from .selectors import figure_rows

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "事故隐患排查治理情况统计分析表"
# Characters XML 1.0 cannot carry (a control character in a unit's name would corrupt the file).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def _clean(text: Any) -> str:
    return _UNSAFE.sub("", str(text))


def _funds(figures: dict[str, Any]) -> str:
    if figures.get("funds") is None:
        return "未录入"
    return f"{Decimal(figures['funds']):,.2f}（{figures['funds_recorded']} 项已录入）"


def _heading(enterprise: Enterprise, period: Period) -> str:
    return (
        f"单位：{enterprise.name}　统一社会信用代码：{enterprise.credit_code}　统计期：{period.label}"
        f"（{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}）　报送期限：{period.due:%Y-%m-%d}"
    )


def statistics_xlsx(enterprise: Enterprise, period: Period, figures: dict[str, Any]) -> bytes:
    """The 统计分析表 as a workbook: a caption naming the unit and period, the figures by level, the funds,
    and lines for the principal's signature and the unit's seal."""
    columns = [
        Column("项目", 28),
        Column("一般隐患", 12, "int"),
        Column("重大隐患", 12, "int"),
        Column("合计", 12, "int"),
    ]
    rows: list[list[Any]] = [list(row) for row in figure_rows(figures)]
    rows.append(["本期发现隐患整改资金（元）", "", "", _funds(figures)])
    rows.append(["主要负责人（签字）", enterprise.principal or "", "", ""])
    rows.append(["单位（盖章）", "", "", ""])
    rows.append(["填报日期", "", "", ""])
    return write_table(f"{period.key}统计分析表", columns, rows, caption=f"{TITLE}　{_heading(enterprise, period)}")


def statistics_docx(enterprise: Enterprise, period: Period, figures: dict[str, Any]) -> bytes:
    """The 统计分析表 as a Word document: title, the unit and period, the figures table, the funds, and the
    signature line of the 主要负责人 and the unit's seal (16号令 第十四条: signed by the principal)."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")  # Chinese text's own font
    style.font.size = Pt(12)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{_clean(enterprise.name)}\n{period.label}{TITLE}")
    run.bold = True
    run.font.size = Pt(16)
    doc.add_paragraph(_clean(_heading(enterprise, period)))
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("项目", "一般隐患", "重大隐患", "合计"), strict=True):
        cell.text = text
    for row in figure_rows(figures):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    doc.add_paragraph(f"本期发现隐患整改资金（元）：{_funds(figures)}")
    doc.add_paragraph("依据：《安全生产事故隐患排查治理暂行规定》第十四条。本表由本单位主要负责人签字。")
    doc.add_paragraph("")
    doc.add_paragraph(f"主要负责人（签字）：{_clean(enterprise.principal) or '＿＿＿＿＿＿'}　　　　＿＿＿＿＿＿")
    doc.add_paragraph("单位（盖章）：")
    doc.add_paragraph("日期：　　　　年　　月　　日")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def rollup_xlsx(data: dict[str, Any]) -> bytes:
    """The roll-up as a workbook: by region, then by sector, then the total."""
    columns = [
        Column("分组", 8),
        Column("区划/行业", 24),
        Column("应报企业", 10, "int"),
        Column("已报送", 10, "int"),
        Column("其中逾期报送", 12, "int"),
        Column("未报送", 10, "int"),
        Column("逾期未报送", 12, "int"),
    ]

    def rows() -> Any:
        for group, items in (("区划", data["regions"]), ("行业", data["sectors"]), ("合计", [data["totals"]])):
            for r in items:
                yield [group, r["name"], r["due"], r["filed"], r["filed_late"], r["not_filed"], r["overdue"]]

    caption = f"{data['label']}隐患排查治理统计分析表报送情况（报送期限 {data['due']:%Y-%m-%d}）"
    return write_table(f"{data['period']}报送情况", columns, rows(), caption=caption)


def docx_response(data: bytes, filename: str, *, fallback: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
