"""The enforcement statistics page (执法统计, ``/inspections/stats/``): the figures by child region and by member unit,
the units that inspected without penalising highlighted, the 安全生产法 第一百一十三条 closure proposals and those
approaching, the 有问题查不出 list; ``?format=xlsx``: the same figures as a workbook. The figures and their rules are
``selectors/stats.py``'s, the same as ``GET /api/v1/stats/enforcement``."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhiben.accounts.models import Role, User
from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.common.middleware import page_field_labels
from zhiben.common.xlsx import FORMATS, HEADER_FILL, new_workbook, write_cell, xlsx_response
from zhiben.departments.selectors import department_list
from zhiben.regions.codes import InvalidRegionCode, normalize_code
from zhiben.regions.selectors import region_ancestors
from zhiben.regions.views import picker_context

from ..selectors.stats import enforcement_report, self_check_missed

LABELS = {"from": "起始月份", "to": "截止月份", "department": "成员单位", "region": "区划"}
page_field_labels("inspections", LABELS)
MISSED_ON_PAGE = 50
MISSED_IN_WORKBOOK = 10_000
MAX_ID = 2**31 - 1


def _department(raw: str) -> int | None:
    """The ``department`` filter: blank, or a unit id; FieldErrors (by its label) for anything else."""
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise FieldErrors({"department": "成员单位应从列表中选择"})
    return int(text)


def _region(raw: str) -> str | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return normalize_code(text)
    except InvalidRegionCode as exc:
        raise FieldErrors({"region": str(exc)}) from exc


@login_required
def stats_view(request: HttpRequest) -> HttpResponse:
    """The page, or its workbook (``format=xlsx``). Enterprise users are refused (403): these are the regulators'
    figures; a region or unit outside the officer's scope answers 404, like a missing one; a bad month or unit is
    said on the page."""
    actor = request_actor(request)
    if actor.role == Role.ENTERPRISE or not (actor.role == Role.ADMIN or actor.is_regulator):
        raise PermissionDenied("执法统计仅供监管人员查看")
    raw = {name: request.GET.get(name, "") for name in ("from", "to", "department", "region")}
    error = ""
    report: dict[str, Any] | None = None
    missed: dict[str, Any] | None = None
    region: str | None = None
    try:
        region = _region(raw["region"])
        department = _department(raw["department"])
        date_from, date_to = raw["from"] or None, raw["to"] or None
        report = enforcement_report(
            actor=actor, region=region, department=department, date_from=date_from, date_to=date_to
        )
        limit = MISSED_IN_WORKBOOK if request.GET.get("format") == "xlsx" else MISSED_ON_PAGE
        missed = self_check_missed(
            actor=actor, region=region, department=department, date_from=date_from, date_to=date_to, limit=limit
        )
    except NotFound as exc:
        raise Http404("区划或成员单位不存在，或不在您的管辖范围内") from exc
    except FieldErrors as exc:
        error = "；".join(f"{LABELS.get(field, '筛选条件')}：{message}" for field, message in exc.errors.items())
    if report is not None and missed is not None and request.GET.get("format") == "xlsx":
        name = f"执法统计-{report['region_name']}-{report['from']:%Y%m}-{report['to']:%Y%m}.xlsx"
        fallback = f"enforcement-{report['region'] or 'all'}-{report['from']:%Y%m}-{report['to']:%Y%m}.xlsx"
        return xlsx_response(stats_workbook(report, missed), name, fallback=fallback)
    code = report["region"] if report else region
    context = {
        "report": report,
        "missed": missed,
        "error": error,
        "raw": raw,
        "crumbs": _crumbs(actor, code),
        "units": _unit_choices(actor, code, report),
        "picker": picker_context(actor=actor, selected=raw["region"] or None, field_name="region", label="区划"),
        "query": request.GET.urlencode(),
        "own_units": [g for g in report["by_department"] if g["own"]] if report else [],
        "other_units": sum(1 for g in report["by_department"] if not g["own"]) if report else 0,
        "today": dates.today(),
    }
    return render(request, "inspections/stats_page.html", context)


def _crumbs(actor: User, code: str | None) -> list[Any]:
    """The path from the actor's own region down to ``code`` (an officer never sees above their region)."""
    if not code:
        return []
    root = len(actor.region_id) if actor.role != Role.ADMIN and actor.region_id else 0
    return [r for r in region_ancestors(code) if len(r.code) >= root]


def _unit_choices(actor: User, code: str | None, report: dict[str, Any] | None) -> list[tuple[int, str]]:
    """The units the filter offers: those of the region itself (an officer of a member unit: their own only)."""
    if report is not None and report["unit_default"]:
        unit = report["department"]
        return [(unit["id"], unit["name"])]
    if not code:
        return []
    units = department_list(actor=actor, region=code).filter(active=True).prefetch_related(None).select_related(None)
    return [(pk, name) for pk, name in units.values_list("pk", "name")]


# --- the workbook ----------------------------------------------------------------------------------------

FIGURE_COLUMNS: list[tuple[str, str, str]] = [
    ("inspections", "检查（次）", "int"),
    ("unannounced", "四不两直", "int"),
    ("unannounced_share", "四不两直占比", "percent"),
    ("covert", "明察暗访", "int"),
    ("cross_region", "异地交叉执法", "int"),
    ("with_experts", "执法+专家", "int"),
    ("findings", "发现隐患", "int"),
    ("major_findings", "其中重大事故隐患", "int"),
    ("penalties", "行政处罚（件）", "int"),
    ("penalty_amount", "罚款金额（元）", "decimal"),
    ("penalties_per_inspection", "每次检查处罚（件）", "decimal"),
    ("zero_penalty", "只检查不处罚", "text"),
]


def _sheet(
    book: Any,
    styles: dict[str, Any],
    title: str,
    caption: str,
    header: list[str],
    rows: list[list[Any]],
    numbers: dict[int, Any] | None = None,
) -> None:
    """One sheet: a caption line, the header (bold on the house fill, frozen), then the rows; ``numbers`` gives
    the columns' number formats by column index."""
    sheet = book.add_worksheet(title)
    sheet.write_string(0, 0, caption, styles["caption"])
    for col, text in enumerate(header):
        sheet.write_string(1, col, text, styles["head"])
        sheet.set_column(col, col, max(10, len(text) * 2 + 2))
    sheet.freeze_panes(2, 0)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row):
            write_cell(sheet, r, col, value, (numbers or {}).get(col), styles["date"])


def _figure_cells(group: dict[str, Any]) -> list[Any]:
    cells: list[Any] = []
    for key, _, kind in FIGURE_COLUMNS:
        value = group[key]
        if key == "zero_penalty":
            value = "是" if value else ""
        elif value is None:
            value = "—"
        elif kind == "decimal":
            value = float(value)
        cells.append(value)
    return cells


def stats_workbook(report: dict[str, Any], missed: dict[str, Any]) -> bytes:
    """The page's figures as an .xlsx (XlsxWriter through common/xlsx.py): by child region, by unit, by month, the
    closure proposals and those approaching, and the 有问题查不出 list — each sheet under a caption naming the
    region and the period."""
    out = io.BytesIO()
    book = new_workbook(out, {"in_memory": True})
    styles: dict[str, Any] = {
        "caption": book.add_format({"bold": True, "font_size": 12}),
        "head": book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": f"#{HEADER_FILL}", "border": 1}),
        "date": book.add_format({"num_format": FORMATS["date"]}),
    }
    number = {kind: book.add_format({"num_format": FORMATS[kind]}) for kind in ("int", "decimal", "percent")}
    numbers = {col: number[kind] for col, (_, _, kind) in enumerate(FIGURE_COLUMNS, start=1) if kind in number}
    span = f"{report['from']:%Y年%m月%d日}至{report['to']:%Y年%m月%d日}"
    unit = f"（{report['department']['name']}）" if report["department"] else ""
    caption = f"{report['region_name']}{unit}执法统计，{span}"
    figures_head = [label for _, label, _ in FIGURE_COLUMNS]
    for title, first, groups in (
        ("按区划", "区划", report["by_region"]),
        ("按单位", "成员单位", report["by_department"]),
        ("按月份", "月份", report["by_month"]),
    ):
        rows = [[g["name"], *_figure_cells(g)] for g in groups]
        rows.append(["合计", *_figure_cells(report["totals"])])
        _sheet(book, styles, title, caption, [first, *figures_head], rows, numbers)
    proposals = [
        [
            p["name"],
            p["credit_code"],
            p["region_name"],
            p["rule_label"],
            "、".join(f"{d:%Y-%m-%d}" for d in p["dates"]),
            p["window_start"],
            p["window_end"],
            p["reached_on"],
        ]
        for p in report["closure_proposals"]
    ]
    head = ["企业", "统一社会信用代码", "区划", "构成情形", "处罚决定日", "期间起", "期间止", "构成日"]
    _sheet(book, styles, "提请关闭", f"{caption}；{report['window_convention']}", head, proposals)
    near = [
        [
            a["name"],
            a["credit_code"],
            a["region_name"],
            a["rule_label"],
            "、".join(f"{d:%Y-%m-%d}" for d in a["dates"]),
            a["until"],
        ]
        for a in report["approaching"]
    ]
    head = ["企业", "统一社会信用代码", "区划", "差一次即构成", "已处罚日", "再受处罚即构成的最后一日"]
    _sheet(book, styles, "临近提请关闭", caption, head, near)
    items = [
        [
            i["enterprise"],
            i["credit_code"],
            i["region_name"],
            i["title"],
            i["criterion"],
            i["criterion_article"],
            i["on"],
            i["department_name"],
            i["hazard"],
            i["inspection"],
        ]
        for i in missed["items"]
    ]
    head = [
        "企业",
        "统一社会信用代码",
        "区划",
        "隐患",
        "判定标准条款",
        "条款",
        "检查日期",
        "检查单位",
        "隐患编号",
        "检查编号",
    ]
    note = f"{caption}；有问题查不出 {missed['count']} 项：{missed['rule']}"
    _sheet(book, styles, "有问题查不出", note, head, items)
    book.close()
    return out.getvalue()
