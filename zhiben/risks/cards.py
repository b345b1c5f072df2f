"""Printable documents drawn from the register (issue 15), as Word files (python-docx), A4, each with a QR code
(segno) that opens its page on a phone:

- ``post_cards_docx``: a post's 两单两卡 — 岗位风险清单 · 岗位职责清单 · 岗位风险管控卡 · 应急处置卡 — the QR code
  opening the post's page;
- ``four_lists_docx``: a major risk unit's 4张清单 — 基本情况清单 · 责任分工清单 · 管控措施清单 · 应急处置清单 —
  the QR code opening the enterprise's four-colour map. Only for a unit with a red (重大) event: ``refusal``
  says why not otherwise.

Text from the register goes through ``_clean``: a control character typed into a name would corrupt the XML.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import segno
from django.http import HttpResponse
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from zhiben.common import dates
from zhiben.common.xlsx import content_disposition

from . import rules
from .checks import cycle_text
from .models import UnitKind
from .selectors.posts import FourLists, PostCards, classify_name, lines

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
NO_MAJOR = "该风险分析单元没有重大风险（红色）事件：4张清单只为重大风险编制"


def _clean(value: Any) -> str:
    return _UNSAFE.sub("", "" if value is None else str(value))


def _document(title: str, subtitle: str) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(1.8)
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")  # Chinese text's own font
    style.font.size = Pt(10.5)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(_clean(title))
    run.bold = True
    run.font.size = Pt(16)
    sub = doc.add_paragraph(_clean(subtitle))
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return doc


def _heading(doc: DocumentObject, text: str) -> None:
    para = doc.add_paragraph()
    run = para.add_run(_clean(text))
    run.bold = True
    run.font.size = Pt(13)


def _table(doc: DocumentObject, header: Sequence[str], rows: Sequence[Sequence[Any]], empty: str = "无") -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    if not rows:
        cells = table.add_row().cells
        cells[0].merge(cells[-1]).text = empty
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = _clean(value)


def _qr(doc: DocumentObject, url: str, caption: str) -> None:
    """A QR code of ``url`` (segno, PNG at scale 4) with the address and a caption beneath, centred."""
    buf = io.BytesIO()
    segno.make(url).save(buf, kind="png", scale=4)
    buf.seek(0)
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run().add_picture(buf, width=Cm(3.2))
    note = doc.add_paragraph(f"{caption}\n{url}")
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in note.runs:
        run.font.size = Pt(8)


def _save(doc: DocumentObject) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _event_row(e: Any, with_unit: bool) -> list[str]:
    row = [e.unit.name] if with_unit else []
    return [*row, e.name, e.consequence, rules.value_text(e.score), rules.GRADE_NAMES.get(e.grade, e.grade)]


def _cycle(task: Any) -> str:
    return cycle_text(task.cycle_value, task.cycle_unit, task.working_days_only)


def _contacts(firm: Any) -> str:
    return (
        f"主要负责人：{firm.principal or '—'} {firm.principal_phone}　"
        f"安全管理联系人：{firm.safety_contact or '—'} {firm.safety_phone}"
    )


def post_cards_docx(cards: PostCards, url: str) -> bytes:
    """The post's 两单两卡 as one A4 Word document: the four parts in order, and a QR code opening ``url`` (the
    absolute address of the post's page). ``cards`` from ``selectors.posts.post_cards``."""
    post = cards.post
    firm = post.enterprise
    units = "、".join(u.name for u in cards.units) or "（未关联风险分析单元）"
    doc = _document(
        f"{firm.name}\n{post.name}岗位“两单两卡”", f"涉及风险分析单元：{units}　编制日期：{dates.today():%Y-%m-%d}"
    )
    _heading(doc, "一、岗位风险清单")
    _table(
        doc,
        ("风险分析单元", "风险事件", "可能导致的事故", "风险值", "风险等级"),
        [_event_row(e, True) for e in cards.events],
    )
    _heading(doc, "二、岗位职责清单")
    for i, line in enumerate(cards.duties, 1):
        doc.add_paragraph(f"{i}. {_clean(line)}")
    if not cards.duties:
        doc.add_paragraph("（未填写岗位安全职责）")
    doc.add_paragraph("岗位须完成的隐患排查任务：")
    _table(
        doc,
        ("排查内容", "周期", "管控措施"),
        [(t.content, _cycle(t), t.measure.description if t.measure else "") for t in cards.tasks],
    )
    _heading(doc, "三、岗位风险管控卡")
    _table(
        doc,
        ("管控方式", "管控措施", "排查内容", "责任人"),
        [(classify_name(m), m.description, m.content, m.responsible or m.department) for m in cards.controls],
    )
    _heading(doc, "四、应急处置卡")
    _table(
        doc,
        ("应急措施", "说明", "责任人"),
        [(classify_name(m), m.description, m.responsible) for m in cards.emergency_measures],
    )
    for i, line in enumerate(cards.emergency, 1):
        doc.add_paragraph(f"{i}. {_clean(line)}")
    doc.add_paragraph(_clean(_contacts(firm)))
    _qr(doc, url, "手机扫码查看本岗位两单两卡")
    return _save(doc)


def refusal(data: FourLists) -> str | None:
    """Why a unit has no 4张清单 (it has no live red event), or None."""
    return None if data.major else NO_MAJOR


def four_lists_docx(data: FourLists, url: str) -> bytes:
    """The 4张清单 of a major risk unit as one A4 Word document (基本情况 · 责任分工 · 管控措施 · 应急处置) from the
    register — the unit, its events with scores and grades, its measures by class with their departments and
    persons, the enterprise's principal and safety contact, the emergency lines of the posts at the unit — and a QR
    code opening ``url`` (the enterprise's four-colour map). Call only when ``refusal`` is None."""
    unit = data.unit
    firm = unit.enterprise
    doc = _document(f"{firm.name}\n{unit.name}重大安全风险“4张清单”", f"编制日期：{dates.today():%Y-%m-%d}")
    _heading(doc, "一、基本情况清单")
    kinds = dict(UnitKind.choices)
    facts = [
        ("企业名称", firm.name),
        ("统一社会信用代码", firm.credit_code),
        ("风险分析单元", unit.name),
        ("单元类型", kinds.get(unit.kind, unit.kind)),
        ("重大危险源编码", unit.hazard_source_code or "—"),
        ("单元风险等级", rules.GRADE_NAMES.get(unit.grade, "未评价")),
        ("重大风险事件", "、".join(e.name for e in data.major)),
    ]
    _table(doc, ("项目", "内容"), facts)
    doc.add_paragraph("风险事件及评价：")
    methods = {"lec": "LEC", "ls": "L×S"}
    rows = [
        (
            e.name,
            e.consequence,
            methods.get(e.method, e.method),
            rules.value_text(e.score),
            rules.GRADE_NAMES.get(e.grade, e.grade),
        )
        for e in data.events
    ]
    _table(doc, ("风险事件", "可能导致的事故", "评价方法", "风险值", "风险等级"), rows)
    _heading(doc, "二、责任分工清单")
    duty_rows = [
        ("主要负责人", firm.principal or "—", firm.principal_phone, "对本单位重大安全风险管控全面负责"),
        ("安全管理联系人", firm.safety_contact or "—", firm.safety_phone, "组织风险辨识评估、管控措施落实情况检查"),
        ("单元责任部门 · 责任人", f"{unit.department} · {unit.responsible}", "", "落实本单元风险管控措施"),
    ]
    seen = set()
    for m in [*data.controls, *data.emergency_measures]:
        key = (m.department, m.responsible)
        if (m.department or m.responsible) and key not in seen:
            seen.add(key)
            duty_rows.append(
                ("措施责任部门 · 责任人", f"{m.department or '—'} · {m.responsible or '—'}", "", classify_name(m))
            )
    _table(doc, ("职责", "部门 · 人员", "联系电话", "职责内容"), duty_rows)
    _heading(doc, "三、管控措施清单")
    _table(
        doc,
        ("风险事件", "管控方式", "管控措施", "排查内容", "责任部门 · 责任人"),
        [
            (m.event.name, classify_name(m), m.description, m.content, f"{m.department} · {m.responsible}")
            for m in data.controls
        ],
    )
    _heading(doc, "四、应急处置清单")
    _table(
        doc,
        ("风险事件", "应急措施", "说明", "责任人"),
        [(m.event.name, classify_name(m), m.description, m.responsible) for m in data.emergency_measures],
    )
    for post in data.posts:
        for line in lines(post.emergency):
            doc.add_paragraph(f"{_clean(post.name)}：{_clean(line)}")
    doc.add_paragraph(_clean(f"应急联系：{_contacts(firm)}"))
    _qr(doc, url, "手机扫码查看企业安全风险四色分布图")
    return _save(doc)


def docx_response(data: bytes, filename: str, *, fallback: str) -> HttpResponse:
    """A Word file as a download that is not cached (it is drawn from the register now)."""
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
