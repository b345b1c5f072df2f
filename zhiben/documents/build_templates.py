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


TEMPLATES: dict[str, Callable[[], DocumentObject]] = {
    "hazards/documents/listing_notice.docx": listing_notice,
    "hazards/documents/closeout_form.docx": closeout_form,
    "tips/documents/reply.docx": tip_reply,
    "duties/documents/pressure.docx": pressure_notice,
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
