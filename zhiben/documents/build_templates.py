"""Writes the .docx templates of the registers' documents (python-docx), in the layout of Chinese official
documents (GB/T 9704-2012, 党政机关公文格式): A4, margins 37/35/28/26 mm, body in 仿宋 三号 (16 pt) on a
28.95 pt line, title in 宋体 二号 bold, issuing unit in red over a red rule, 文号 centred, signature and
date on the right. Fonts are set for East-Asian text (``w:eastAsia``), so Word and LibreOffice pick them
for Chinese; where 仿宋 is not installed they fall back to a CJK serif.

The templates hold docxtpl (Jinja2) tags: ``{{ issuer }}``, ``{{ number }}`` and ``{{ issued_on }}`` come
from the documents engine, the rest from the register's ``DocumentSpec.context``. Run after changing a
layout, and commit the generated files::

    .venv/bin/python -m zhiben.documents.build_templates
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
FANGSONG = "仿宋"
SONG = "宋体"
HEI = "黑体"
KAI = "楷体"
RED = RGBColor(0xC0, 0x00, 0x00)
BODY = Pt(16)  # 三号
LINE = Pt(28.95)  # 22 lines to the page (GB/T 9704 5.2.2)


def _fonts(element: object, east_asia: str, latin: str = "Times New Roman") -> None:
    """Set the run fonts of a style's or a run's properties, East-Asian text included."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)
    fonts.set(qn("w:hint"), "eastAsia")


def new_document() -> DocumentObject:
    """An empty A4 document whose default text is 仿宋 三号 on a fixed 28.95 pt line."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = BODY
    _fonts(normal.element, FANGSONG)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    # Chinese text: the language tag lets both Word and LibreOffice shape and break lines as Chinese
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    core = doc.core_properties
    core.author = core.last_modified_by = "治本"
    core.title = ""
    return doc


def add(
    doc: DocumentObject | _Cell,
    text: str = "",
    *,
    font: str = FANGSONG,
    size: Pt = BODY,
    bold: bool = False,
    color: RGBColor | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = True,
    right_chars: int = 0,
    line: Pt | None = None,
    before: Pt | None = None,
) -> Paragraph:
    """A paragraph of one run (docxtpl needs each tag inside one run). ``indent``: the first line
    indented two characters, as body text is."""
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    if align is not None:
        fmt.alignment = align
    if indent and align is None:
        fmt.first_line_indent = Pt(size.pt * 2)
    if right_chars:
        fmt.right_indent = Pt(BODY.pt * right_chars)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    if before is not None:
        fmt.space_before = before
    if text:
        run = paragraph.add_run(text)
        run.font.size = size
        run.bold = bold
        if color is not None:
            run.font.color.rgb = color
        _fonts(run._element, font)
    return paragraph


def heading(doc: DocumentObject, text: str) -> Paragraph:
    """A first-level heading of the body (一、…): 黑体, indented like body text (GB/T 9704 7.3.3)."""
    return add(doc, text, font=HEI)


def subheading_lines(doc: DocumentObject, loop: str, text: str) -> None:
    """A list of paragraphs, one per item: ``{%p for … %}`` around a body paragraph."""
    add(doc, "{%p for " + loop + " %}", indent=False)
    add(doc, text)
    add(doc, "{%p endfor %}", indent=False)


_AFTER_PBDR = (
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)


def red_head(doc: DocumentObject) -> None:
    """The issuing unit in red (版头), the 文号 under it, and the red rule (GB/T 9704 7.2). The unit's
    name is condensed to 80% width, as 版头 type is, so that a county's committee office (20 characters)
    stays on one line."""
    head = add(
        doc, "{{ issuer }}", font=SONG, size=Pt(26), bold=True, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(40)
    )
    rpr = head.runs[0]._element.get_or_add_rPr()
    scale = OxmlElement("w:w")
    scale.set(qn("w:val"), "80")
    size = rpr.find(qn("w:sz"))
    if size is not None:
        size.addprevious(scale)  # the schema's order: … color, spacing, w, kern, position, sz …
    else:
        rpr.append(scale)
    add(doc, "", indent=False)
    number = add(doc, "{{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "8"), ("w:color", "C00000")):
        bottom.set(qn(attr), value)
    border.append(bottom)
    # the schema's order (Word refuses a file otherwise): pBdr before shd, tabs, …, spacing, ind, jc
    ppr = number._p.get_or_add_pPr()
    ppr.insert_element_before(border, *(f"w:{t}" for t in _AFTER_PBDR))
    add(doc, "", indent=False)


def title(doc: DocumentObject, text: str) -> None:
    """The title, centred, 宋体 二号 bold (GB/T 9704 7.3.1), a blank line under it."""
    add(doc, text, font=SONG, size=Pt(22), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36))
    add(doc, "", indent=False)


def signature(doc: DocumentObject, unit: str = "{{ issuer }}") -> None:
    """The issuing unit and the date at the right, four characters in from the margin (GB/T 9704 7.3.5)."""
    add(doc, "", indent=False)
    add(doc, "", indent=False)
    add(doc, unit, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=2)
    add(doc, "{{ issued_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)


# --------------------------------------------------------------------------------------- documents
def listing_notice() -> DocumentObject:
    """重大事故隐患挂牌督办通知书 (hazards)."""
    doc = new_document()
    red_head(doc)
    title(doc, "重大事故隐患挂牌督办通知书")
    add(doc, "{{ enterprise }}：", indent=False)
    add(
        doc,
        "经核查，你单位存在重大事故隐患（{{ title }}）。依据《中华人民共和国安全生产法》第四十一条和"
        "《安全生产事故隐患排查治理暂行规定》（原国家安全生产监督管理总局令第16号）等规定，决定对该隐患实行"
        "{{ level_label }}。现将有关事项通知如下：",
    )
    heading(doc, "一、隐患基本情况")
    add(doc, "隐患名称：{{ title }}")
    add(doc, "隐患部位：{{ location }}")
    add(doc, "发现日期：{{ discovered_on }}")
    add(doc, "{%p if description %}", indent=False)
    add(doc, "隐患描述：{{ description }}")
    add(doc, "{%p endif %}", indent=False)
    add(doc, "所在区划：{{ region }}；行业领域：{{ sector }}；统一社会信用代码：{{ credit_code }}")
    heading(doc, "二、判定依据")
    add(doc, "{{ criterion }}")
    heading(doc, "三、督办事项")
    add(
        doc,
        "督办级别：{{ level_label }}；挂牌日期：{{ listed_on }}；督办期限：{{ supervision_deadline }}。"
        "你单位须在督办期限内完成整改，并申请销号。",
    )
    heading(doc, "四、整改要求（“五落实”）")
    add(doc, "（一）落实整改责任。你单位主要负责人对隐患整改负总责，{{ responsibility }}。")
    add(doc, "（二）落实整改措施。{{ measures }}")
    add(doc, "（三）落实整改资金。{{ funds }}")
    add(doc, "（四）落实整改时限。{{ time_limit }}")
    add(
        doc,
        "（五）落实应急预案。{{ contingency }}整改期间应当采取相应的安全防范措施，防止事故发生；"
        "隐患排除前或者排除过程中无法保证安全的，应当从危险区域内撤出作业人员，疏散可能危及的其他人员，"
        "设置警戒标志，暂时停产停业或者停止使用相关设施、设备。",
    )
    heading(doc, "五、销号和报告")
    add(
        doc,
        "隐患治理完成后，你单位应当对治理情况进行评估，向{{ issuer }}提出书面销号申请，并附整改佐证材料；"
        "经审核同意后予以销号。你单位应当将重大事故隐患排查治理情况，及时向负有安全生产监督管理职责的部门"
        "和职工大会或者职工代表大会报告（《中华人民共和国安全生产法》第四十一条第二款）。",
    )
    add(doc, "逾期未完成整改的，将依法依规予以处理，并视情况予以通报、约谈。")
    signature(doc)
    return doc


def _table_cell(cell: _Cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    for empty in cell.paragraphs:  # a new (or merged) cell holds empty paragraphs: start clean
        empty._p.getparent().remove(empty._p)
    for i, line in enumerate(text.split("\n")):
        add(
            cell,
            line,
            size=Pt(12),
            font=HEI if bold else FANGSONG,
            align=WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT,
            indent=False,
            line=Pt(20),
            before=Pt(3) if i == 0 else None,
        )


def closeout_form() -> DocumentObject:
    """隐患整改销号审批表 (hazards): a table of the hazard's whole course, for signature."""
    doc = new_document()
    title(doc, "{{ form_title }}")
    add(doc, "编号：{{ number }}", size=Pt(12), align=WD_ALIGN_PARAGRAPH.RIGHT)
    rows: list[tuple[str, ...]] = [
        ("企业名称", "{{ enterprise }}"),
        ("统一社会信用代码", "{{ credit_code }}", "所在区划", "{{ region }}"),
        ("隐患名称", "{{ title }}"),
        ("隐患级别", "{{ level }}", "挂牌督办", "{{ listing }}"),
        ("判定依据", "{{ criterion }}"),
        ("发现日期", "{{ discovered_on }}", "整改期限", "{{ deadline }}"),
        (
            "整改方案\n（五落实）",
            "责任：{{ responsible }}\n措施：{{ measures }}\n资金：{{ funds }}\n时限：{{ deadline }}\n"
            "预案：{{ contingency }}",
        ),
        (
            "销号申请",
            "整改情况：{{ summary }}\n佐证材料：{{ evidence_count }} 份\n申请人：{{ submitted_by }}　　"
            "申请日期：{{ submitted_on }}",
        ),
        ("审核意见", "{{ decision }}\n审核人：{{ reviewer }}　　审核日期：{{ reviewed_on }}"),
        ("销号日期", "{{ closed_on }}", "审批单位", "{{ issuer }}"),
    ]
    table = doc.add_table(rows=len(rows), cols=4)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Mm(30), Mm(50), Mm(26), Mm(50))  # the text width, 156 mm; a credit code fits on one line
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid (LibreOffice reads it) as well as each cell
    for r, row in enumerate(rows):
        cells = table.rows[r].cells
        for c, width in enumerate(widths):
            cells[c].width = width
        if len(row) == 2:
            merged = cells[1].merge(cells[3])
            _table_cell(cells[0], row[0], bold=True, center=True)
            _table_cell(merged, row[1])
        else:
            for c, text in enumerate(row):
                _table_cell(cells[c], text, bold=c % 2 == 0, center=c % 2 == 0)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    add(doc, "（审批单位盖章）", size=Pt(14), align=right, right_chars=4, line=Pt(24), before=Pt(18))
    add(doc, "{{ issued_on }}", size=Pt(14), align=right, right_chars=4, line=Pt(24))
    return doc


def tip_reply() -> DocumentObject:
    """举报答复书 (tips), addressed to 举报人 only: nothing in it names or reaches the tipster."""
    doc = new_document()
    red_head(doc)
    title(doc, "举报答复书")
    add(doc, "举报人：", indent=False)
    add(
        doc,
        "您于{{ accepted_on }}反映的{{ matter }}的问题（受理编号：第{{ reference }}号），"
        "我局已依法受理并组织核查。现将核查处理情况答复如下：",
    )
    heading(doc, "一、核查结果")
    add(doc, "{{ outcome }}")
    subheading_lines(doc, "line in findings", "{{ line }}")
    heading(doc, "二、答复意见")
    subheading_lines(doc, "line in reply", "{{ line }}")
    heading(doc, "三、举报奖励")
    add(doc, "{{ reward }}")
    add(
        doc,
        "如对本答复有异议，可自收到本答复之日起10日内向我局提出，我局将在30日内复查并答复。"
        "我局依法对举报人的身份和举报内容严格保密。感谢您对安全生产工作的关心和支持！",
    )
    signature(doc)
    return doc


def pressure_notice() -> DocumentObject:
    """警示通报 · 督促函 · 约谈通知书 · 检讨要求 · 挂牌督办通知书 (duties): one layout, the words by kind
    (zhiben/duties/document_data.py)."""
    doc = new_document()
    red_head(doc)
    title(doc, "{{ doc_title }}")
    add(doc, "{{ addressee }}：", indent=False)
    add(doc, "{{ opening }}")
    subheading_lines(doc, "line in reason", "{{ line }}")
    heading(doc, "整改要求")
    subheading_lines(doc, "line in demands", "{{ line }}")
    signature(doc)
    return doc


# ------------------------------------------------------------------------ enforcement documents (inspections)
# The national 安全生产行政执法文书 forms, in this project's layout: the unit's 版头 and 文号, the party, the body,
# the officers named with their certificate numbers (行政处罚法 第四十二条), the unit and the day of the act
# (``doc_date``: the inspection's, the order's, the re-inspection's or the decision's day).
def _dated_signature(doc: DocumentObject) -> None:
    """The unit (with the seal's place) and the day of the act, at the right."""
    add(doc, "", indent=False)
    add(doc, "{{ issuer }}（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=2)
    add(doc, "{{ doc_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)


def _signatures(doc: DocumentObject, party: str = "被检查单位负责人") -> None:
    add(doc, "", indent=False)
    add(doc, "安全生产行政执法人员（签名）：{{ officers }}", indent=False)
    add(doc, f"{party}（签名）：　　　　　　　　　　年　　月　　日", indent=False)


def _loop_table(
    doc: DocumentObject, headers: tuple[str, ...], loop: str, cells: tuple[str, ...], widths: tuple[Mm, ...]
) -> None:
    """A table with a header row and one row per item (docxtpl's ``{%tr for … %}`` rows around the item's row)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for c, width in enumerate(widths):
            row.cells[c].width = width
    for c, text in enumerate(headers):
        _table_cell(table.rows[0].cells[c], text, bold=True, center=True)
    first = table.rows[1].cells[0].merge(table.rows[1].cells[len(headers) - 1])
    _table_cell(first, "{%tr for " + loop + " %}")
    for c, text in enumerate(cells):
        _table_cell(table.rows[2].cells[c], text, center=c == 0)
    last = table.rows[3].cells[0].merge(table.rows[3].cells[len(headers) - 1])
    _table_cell(last, "{%tr endfor %}")


def _party(doc: DocumentObject, role: str = "被检查单位") -> None:
    add(doc, f"{role}：{{{{ enterprise }}}}", indent=False)
    add(doc, "统一社会信用代码：{{ credit_code }}", indent=False)
    add(doc, "地址：{{ address }}", indent=False)
    add(doc, "主要负责人：{{ principal }}", indent=False)


def inspection_record() -> DocumentObject:
    """现场检查记录 (inspections): the party, the team with certificate numbers, the flags, the checklist's
    results, the findings and the enterprise's acknowledgement."""
    doc = new_document()
    red_head(doc)
    title(doc, "现场检查记录")
    _party(doc)
    add(doc, "检查场所：{{ place }}", indent=False)
    add(doc, "检查时间：{{ on }}　　检查方式：{{ kind }}（{{ flags }}）", indent=False)
    add(doc, "检查人员：{{ officers }}", indent=False)
    add(doc, "参加检查的专家：{{ experts }}", indent=False)
    heading(doc, "一、检查组成员")
    _loop_table(
        doc,
        ("姓名", "身份", "执法证号"),
        "m in team",
        ("{{ m.name }}", "{{ m.role }}", "{{ m.certificate_no }}"),
        (Mm(40), Mm(40), Mm(76)),
    )
    heading(doc, "二、检查项目及结果")
    _loop_table(
        doc,
        ("序号", "检查内容", "结果", "说明"),
        "c in checks",
        ("{{ c.no }}", "{{ c.text }}", "{{ c.result }}", "{{ c.note }}"),
        (Mm(14), Mm(86), Mm(20), Mm(36)),
    )
    heading(doc, "三、发现的问题")
    subheading_lines(doc, "line in findings", "{{ line }}")
    heading(doc, "四、检查情况")
    add(doc, "{{ summary }}")
    heading(doc, "五、被检查单位确认")
    add(doc, "{{ acknowledgement }}")
    _signatures(doc, "被检查单位现场负责人")
    _dated_signature(doc)
    return doc


def _addressed(name: str) -> DocumentObject:
    """An enforcement document's opening: the red head, its title and the party addressed."""
    doc = new_document()
    red_head(doc)
    title(doc, name)
    add(doc, "{{ enterprise }}：", indent=False)
    return doc


def _note_rights_signed(doc: DocumentObject) -> DocumentObject:
    """An order's close: the officer's note when there is one, the party's rights, the signatures and the date."""
    add(doc, "{%p if note %}", indent=False)
    add(doc, "{{ note }}")
    add(doc, "{%p endif %}", indent=False)
    add(doc, "{{ rights }}")
    _signatures(doc)
    _dated_signature(doc)
    return doc


def rectify_order() -> DocumentObject:
    """责令限期整改指令书 (inspections): the findings, the deadline, the basis and the party's rights."""
    doc = _addressed("责令限期整改指令书")
    add(doc, "经{{ on }}现场检查，你单位存在下列问题：")
    subheading_lines(doc, "line in findings", "{{ line }}")
    add(
        doc,
        "依据{{ basis }}的规定，现责令你单位于{{ deadline }}前整改完毕，达到有关法律、法规、规章和国家标准或者"
        "行业标准规定的要求。由此造成事故的，依法追究有关人员的责任。",
    )
    add(doc, "整改期间，你单位应当采取措施，确保安全生产。对安全生产违法行为，将依法予以行政处罚。")
    return _note_rights_signed(doc)


def measures_order() -> DocumentObject:
    """现场处理措施决定书 (inspections): the findings, the measures (安全生产法 第六十五条) and the party's rights."""
    doc = _addressed("现场处理措施决定书")
    add(doc, "经{{ on }}现场检查，你单位存在下列事故隐患：")
    subheading_lines(doc, "line in findings", "{{ line }}")
    add(doc, "依据{{ basis }}的规定，现作出如下现场处理决定：")
    subheading_lines(doc, "line in measures", "{{ line }}")
    add(doc, "重大事故隐患排除后，经审查同意，方可恢复生产经营和使用。")
    return _note_rights_signed(doc)


def reinspection_opinion() -> DocumentObject:
    """整改复查意见书 (inspections): the order re-inspected, each finding's result, the opinion and what follows."""
    doc = _addressed("整改复查意见书")
    add(
        doc,
        "本机关于{{ order_date }}对你单位作出责令限期整改指令书{{ order_ref }}，责令你单位于{{ deadline }}前整改完毕。"
        "经{{ reinspected_on }}复查，意见如下：",
    )
    subheading_lines(doc, "line in results", "{{ line }}")
    add(doc, "复查意见：{{ verdict }}")
    add(doc, "{{ conclusion }}{{ consequence }}")
    _signatures(doc)
    _dated_signature(doc)
    return doc


def penalty_decision() -> DocumentObject:
    """行政处罚决定书 (penalties): the party, the facts, the basis, the penalty, payment and the party's rights."""
    doc = new_document()
    red_head(doc)
    title(doc, "行政处罚决定书")
    _party(doc, "被处罚单位")
    add(doc, "{%p if person %}", indent=False)
    add(doc, "被处罚人：{{ person }}（职务：{{ person_post }}）", indent=False)
    add(doc, "{%p endif %}", indent=False)
    heading(doc, "违法事实")
    subheading_lines(doc, "line in facts", "{{ line }}")
    heading(doc, "处罚依据和处罚决定")
    add(doc, "以上事实违反了安全生产法律、法规的规定，依据{{ basis }}的规定，本机关决定给予如下行政处罚：")
    subheading_lines(doc, "line in decision", "{{ line }}")
    add(doc, "{%p if payment %}", indent=False)
    heading(doc, "履行方式和期限")
    add(doc, "{{ payment }}")
    add(doc, "{%p endif %}", indent=False)
    heading(doc, "救济途径")
    add(doc, "{{ rights }}")
    _dated_signature(doc)
    return doc


TEMPLATES: dict[str, Callable[[], DocumentObject]] = {
    "hazards/documents/listing_notice.docx": listing_notice,
    "hazards/documents/closeout_form.docx": closeout_form,
    "tips/documents/reply.docx": tip_reply,
    "duties/documents/pressure.docx": pressure_notice,
    "inspections/documents/inspection_record.docx": inspection_record,
    "inspections/documents/rectify_order.docx": rectify_order,
    "inspections/documents/measures_order.docx": measures_order,
    "inspections/documents/reinspection_opinion.docx": reinspection_opinion,
    "inspections/documents/penalty_decision.docx": penalty_decision,
}


def build(root: Path = ROOT) -> list[Path]:
    """Write every template under ``root`` (the ``zhiben`` package); returns the paths written."""
    written = []
    for relative, make in TEMPLATES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        make().save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build():
        print(written_path.relative_to(ROOT.parent))
