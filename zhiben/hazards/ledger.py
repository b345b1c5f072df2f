"""The hazard register's ledger (隐患清单): its columns, and how a row becomes a new hazard, an update of a
known one's description, or nothing. Validation is ``validate_hazard``'s (with the file's enterprises and
criteria looked up once); the rows are written by ``hazard_create_many`` / ``hazard_update_many``, the same
row, events and summary counts as ``hazard_create`` (DESIGN.md §5: the import engine reads, maps and
reports; the register checks and writes)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.common.errors import FieldErrors
from zhiben.common.ledgers import (
    Checked,
    Column,
    Ledger,
    Reference,
    compact_text,
    filter_in_chunks,
    keep_text,
    labels,
    parse_choice,
    parse_code,
    parse_date,
)
from zhiben.common.validators import clean_credit_code
from zhiben.enterprises.ledger import CREDIT_CODE_SYNONYMS
from zhiben.enterprises.models import Enterprise, enterprise_name_key
from zhiben.reference.models import Criterion
from zhiben.reference.selectors import criteria_for, criterion_lookup

from . import rules
from .inputs import parse_date as parse_iso_date
from .models import Hazard, Level, Source, Status
from .services import HazardLookups, hazard_create_many, hazard_input, hazard_update_many, validate_hazard


class _PreloadedLookups(HazardLookups):
    """The file's enterprises and the criteria it cites, looked up once; the rules are validate_hazard's."""

    def __init__(self, enterprises: dict[str, Enterprise]) -> None:
        self.enterprises = enterprises
        self.criteria: dict[str, Criterion | None] = {}

    def enterprise(self, actor: User, credit_code: str) -> Enterprise | None:
        return self.enterprises.get(credit_code)

    def criterion(self, code: str) -> Criterion | None:
        # each clause cited looked up once; its sector and dates are checked per row (discovered_on)
        if code not in self.criteria:
            self.criteria[code] = criterion_lookup(code)
        return self.criteria[code]


# fields an existing hazard may take from a re-import; the rest follow the lifecycle, on its page
UPDATABLE = ("description", "location")
# fields the lifecycle owns that a re-import may still fill in when the register has them blank (a ledger
# first imported without its deadlines); a different value is refused
ADDABLE = ("deadline", "criterion_id")
FIXED = {
    "level": "隐患级别",
    "source": "隐患来源",
    "discovered_on": "发现日期",
    "deadline": "整改期限",
    "criterion_id": "判定依据",
}


# 整改状态: what ledgers write for an item already dealt with, and for one still open.
CLOSED_WORDS = ("已整改", "已销号", "已完成", "整改完成", "已闭环", "完成", "已消除", "已整改销号", "是")
OPEN_WORDS = ("未整改", "整改中", "未完成", "待整改", "正在整改", "未销号", "否")
STATUS_ALIASES = {
    **dict.fromkeys(CLOSED_WORDS, Status.CLOSED.value),
    **dict.fromkeys(OPEN_WORDS, Status.OPEN.value),
    "已销号（历史）": Status.CLOSED.value,
}


def historical_close(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A row's 整改状态 and 销号日期 (popped from ``values``): the fields a closed historical row is stored
    with (``status`` closed, ``closed_on`` and ``submitted_on`` the sheet's close-out date, ``historical``),
    ``{}`` for an open row, or errors by field. A closed row needs its close-out date (business dates, not
    the day of the import: DESIGN.md §3); a close-out date says the row is closed unless the status says
    otherwise. The close-out date against the discovery is the caller's check."""
    status = values.pop("status", None) or ""
    raw_closed = values.pop("closed_on", None)
    try:
        closed_on = parse_iso_date(raw_closed, "销号日期")
    except ValueError as exc:
        return {}, {"closed_on": str(exc)}
    if status not in ("", Status.CLOSED, Status.OPEN):
        words = "、".join(CLOSED_WORDS[:3] + OPEN_WORDS[:2])
        return {}, {"status": f"整改状态“{status}”无法识别，可填：{words}"}
    if status == Status.OPEN and closed_on is not None:
        return {}, {"closed_on": "整改状态为未整改，却填写了销号日期（整改完成时间）"}
    if status == Status.CLOSED and closed_on is None:
        return {}, {"closed_on": "已整改（已销号）的隐患须填写销号日期（整改完成时间或销号时间）"}
    if closed_on is None:
        return {}, {}
    if closed_on > rules.today():
        return {}, {"closed_on": "销号日期不能晚于今天"}
    fields = {"status": Status.CLOSED, "closed_on": closed_on, "submitted_on": closed_on, "historical": True}
    return fields, {}


class HazardRows:
    """The hazard ledger's rows (``LedgerRows``): identified by enterprise + 隐患编号, or without one by
    enterprise + title + discovery day; a known hazard takes only its descriptive fields from a re-import,
    a cancelled one is never re-created."""

    def __init__(self, actor: User) -> None:
        self.actor = actor

    def prepare(self, rows: Sequence[dict[str, Any]]) -> None:
        codes, names = set(), set()
        if self.actor.role == Role.ENTERPRISE and self.actor.enterprise is not None:
            codes.add(self.actor.enterprise.credit_code)  # its rows may leave the enterprise out
        for r in rows:
            try:
                codes.add(clean_credit_code(r.get("enterprise")))
            except ValueError:
                if r.get("enterprise_name"):
                    names.add(enterprise_name_key(r["enterprise_name"]))
        visible = scoped(Enterprise.objects, self.actor).only(
            "id", "credit_code", "name", "name_key", "region_id", "sector_id"
        )
        by_code = {e.credit_code: e for e in filter_in_chunks(visible, "credit_code", codes)}
        self.by_name: dict[str, list[Enterprise]] = defaultdict(list)
        for e in filter_in_chunks(visible, "name_key", names):  # names compared as name_key makes them
            self.by_name[e.name_key].append(e)
            by_code.setdefault(e.credit_code, e)
        self.lookups = _PreloadedLookups(by_code)
        ids = [e.pk for e in by_code.values()]
        # plain rows, not model instances: a county's ledger meets tens of thousands of earlier hazards
        known = Hazard.objects.order_by().values(
            "status",
            "id",
            "enterprise_id",
            "external_ref",
            "title",
            "discovered_on",
            "description",
            "location",
            *FIXED,
        )
        self.by_ref: dict[tuple[int, str], dict[str, Any]] = {}
        self.by_natural: dict[tuple[int, str, datetime.date], dict[str, Any]] = {}
        for h in filter_in_chunks(known, "enterprise_id", ids):
            if h["external_ref"]:
                self.by_ref[(h["enterprise_id"], h["external_ref"])] = h
            self.by_natural.setdefault((h["enterprise_id"], h["title"], h["discovered_on"]), h)
        self.seen: dict[tuple[Any, ...], int] = {}

    def _own(self, out: Checked, values: dict[str, Any]) -> None:
        """An enterprise user's rows are its own self-checks: a blank or missing 统一社会信用代码 / 企业名称 /
        隐患来源 is filled from its account; a different one is refused, naming the column."""
        own: Enterprise | None = self.actor.enterprise
        if own is None:
            return
        code, name = values.get("enterprise"), str(values.get("enterprise_name") or "")
        if code:
            try:
                given = clean_credit_code(code)
            except ValueError:
                given = str(code)
            if given != own.credit_code:
                out.errors["enterprise"] = (
                    f"只能导入本企业的隐患：表中的统一社会信用代码 {given} 不是本企业（{own.name}）的"
                )
        elif name and enterprise_name_key(name) != own.name_key:
            out.errors["enterprise_name"] = f"只能导入本企业的隐患：表中的企业名称“{name}”不是本企业（{own.name}）"
        values["enterprise"], values["enterprise_name"] = own.credit_code, own.name
        source = values.get("source")
        if source in (None, ""):
            values["source"] = Source.SELF_CHECK
        elif source not in (Source.SELF_CHECK, Source.SELF_CHECK.label):
            out.errors["source"] = f"企业只能导入自查发现的隐患：隐患来源应为“{Source.SELF_CHECK.label}”（可不填此列）"

    def check(self, row: int, data: dict[str, Any]) -> Checked:
        out = Checked(row=row)
        values = dict(data)
        if self.actor.role == Role.ENTERPRISE:
            self._own(out, values)
            if out.errors:
                return out
        name = values.pop("enterprise_name", "") or ""
        if not values.get("enterprise"):
            matches = self.by_name.get(enterprise_name_key(name), []) if name else []
            if not name:
                out.errors["enterprise"] = "请填写企业的统一社会信用代码或企业名称"
                return out
            if len(matches) != 1:
                out.errors["enterprise"] = (
                    f"辖区内没有名为“{name}”的企业"
                    if not matches
                    else f"辖区内有 {len(matches)} 家企业名为“{name}”：请填写统一社会信用代码"
                )
                return out
            values["enterprise"] = matches[0].credit_code
        closed, closing_errors = historical_close(values)
        try:
            report = hazard_input(values, actor=self.actor, lookups=self.lookups)
            cleaned = validate_hazard(report, actor=self.actor, lookups=self.lookups)
        except FieldErrors as exc:
            out.errors.update(closing_errors)
            out.errors.update(exc.errors)
            return out
        if closing_errors:
            out.errors.update(closing_errors)
            return out
        if closed and closed["closed_on"] < cleaned["discovered_on"]:
            out.errors["closed_on"] = "销号日期不能早于发现日期"
            return out
        enterprise: Enterprise = cleaned["enterprise"]
        ref = cleaned.get("external_ref") or ""
        key: tuple[Any, ...] = (
            (enterprise.pk, ref) if ref else (enterprise.pk, cleaned["title"], cleaned["discovered_on"])
        )
        if key in self.seen:
            out.errors["external_ref" if ref else "title"] = f"与第 {self.seen[key]} 行是同一条隐患"
            return out
        self.seen[key] = row
        existing = self.by_ref.get(key) if ref else self.by_natural.get(key)
        out.cleaned = cleaned
        if existing is None:
            out.cleaned.update(closed)  # an old ledger's closed item: stored closed, flagged historical
            out.action = "create"
            return out
        if existing["status"] == "cancelled":
            out.errors["external_ref" if ref else "title"] = (
                f"同一隐患（ID {existing['id']}）已撤销：撤销的隐患不能再导入，请改用新的编号或名称"
            )
            return out
        # a blank cell says nothing; a value where the register has none is an addition; a different value
        # of a field the lifecycle owns is refused
        fixed = [
            label
            for f, label in FIXED.items()
            if cleaned.get(f) not in (None, "") and existing[f] not in (None, "") and cleaned[f] != existing[f]
        ]
        if fixed:
            out.errors[next(f for f, label in FIXED.items() if label == fixed[0])] = (
                f"已导入过的隐患（ID {existing['id']}）的{'、'.join(fixed)}与表中不同："
                "请在隐患页面处理，导入只更新描述和部位"
            )
            return out
        updatable = (*UPDATABLE, "title") if ref else UPDATABLE
        # a blank cell says nothing: it never clears what the register holds
        changed = {f: cleaned[f] for f in updatable if cleaned.get(f) and cleaned[f] != existing[f]}
        changed.update({f: cleaned[f] for f in ADDABLE if cleaned.get(f) and existing[f] in (None, "")})
        out.target, out.cleaned = existing["id"], changed
        out.action = "update" if changed else "unchanged"
        return out


def _criteria_rows() -> list[tuple[str, str, str, str, str]]:
    """Every clause, for the template's 判定标准条款 sheet: code, the sectors it applies to, standard and
    article, the dates it is in force (a row cites a clause in force on its discovery date), text."""

    def dates(c: Criterion) -> str:
        start, end = c.effective_from, c.effective_to
        return f"{start or ''}至{end or '今'}"

    return [
        (
            c.code,
            "所有行业领域" if c.all_sectors else "、".join(s.name for s in c.sectors.all()),
            f"{c.standard.title}（{c.standard.number}） {c.article}{c.part}".strip(),
            dates(c),
            c.text if c.text_available else f"{c.text}（{c.label}）",
        )
        for c in criteria_for()
    ]


CRITERIA = Reference(
    sheet="判定标准条款",
    headers=("条款编码", "适用行业领域", "判定标准及条款", "有效期间", "内容"),
    rows=_criteria_rows,
    widths=(16, 28, 40, 24, 80),
)


def _fixed_by_role(actor: User) -> frozenset[str]:
    """An enterprise user imports its own self-checks: its enterprise and 企业自查 need no columns."""
    if actor.role == Role.ENTERPRISE:
        return frozenset({"enterprise", "enterprise_name", "source"})
    return frozenset()


LEDGER = Ledger(
    kind="hazards",
    fixed_by_role=_fixed_by_role,
    rows=HazardRows,
    create_many=hazard_create_many,
    update_many=hazard_update_many,
    writers=frozenset({Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER, Role.ENTERPRISE}),
    error_columns={"enterprise": ("enterprise", "enterprise_name"), "criterion_id": ("criterion",)},
    title="隐患清单",
    instructions=(
        "1. 在“隐患清单”工作表中每行填写一条隐患，第一行为列名（列的顺序可以调整，多余的列会被忽略）。",
        (
            "2. 带 * 的列必填。企业以统一社会信用代码识别；没有代码列时按企业名称在您的辖区内查找。"
            "重大隐患须填写判定依据（判定标准条款编号）。"
        ),
        (
            "3. 再次导入同一文件不会重复：有“隐患编号”的按企业+编号识别，没有的按企业+隐患名称+发现日期识别。"
            "已有隐患只更新隐患描述、部位（有编号时也更新名称）；级别、来源、日期等请在隐患页面处理。"
        ),
        (
            "4. 任何一行有错时整个文件都不导入，并给出标注了错误的工作簿。导入的隐患为“待整改”，此后按闭环流程办理；"
            "整改状态为“已整改”“已销号”等的历史隐患须填写销号日期（整改完成时间），按该日期记为已销号（历史台账）。"
        ),
    ),
    columns=(
        Column(
            "enterprise",
            "统一社会信用代码",
            (*CREDIT_CODE_SYNONYMS, "企业统一社会信用代码"),
            parse_code,
            note="企业的18位代码；不填时按企业名称查找",
            width=22,
        ),
        Column(
            "enterprise_name",
            "企业名称",
            ("单位名称", "企业", "单位", "生产经营单位", "被检查单位", "企业（单位）名称"),
            width=28,
        ),
        Column(
            "title",
            "隐患名称",
            ("隐患描述", "隐患内容", "隐患", "存在问题", "问题描述", "隐患情况"),
            required=True,
            width=36,
        ),
        Column(
            "level",
            "隐患级别",
            ("级别", "隐患等级", "等级", "隐患类别"),
            parse_choice(
                {"重大": "重大隐患", "一般": "一般隐患", "重大事故隐患": "重大隐患", "是": "重大隐患", "否": "一般隐患"}
            ),
            True,
            choices=lambda: labels(Level.choices),
        ),
        Column(
            "source",
            "隐患来源",
            ("来源", "发现方式", "发现途径", "排查方式"),
            parse_choice(
                {
                    "自查": "企业自查",
                    "企业自查自报": "企业自查",
                    "检查": "督导检查/执法检查",
                    "执法检查": "督导检查/执法检查",
                    "督导检查": "督导检查/执法检查",
                    "监管检查": "督导检查/执法检查",
                    "举报": "群众举报核查",
                    "群众举报": "群众举报核查",
                }
            ),
            True,
            choices=lambda: labels(Source.choices),
        ),
        Column(
            "discovered_on",
            "发现日期",
            ("排查日期", "检查日期", "发现时间", "排查时间", "检查时间"),
            parse_date,
            True,
            "如 2024-03-01",
            kind="date",
            width=12,
        ),
        Column(
            "deadline",
            "整改期限",
            (
                "整改时限",
                "整改完成期限",
                "要求整改完成时间",
                "整改期限（日期）",
                "完成时限",
                "整改完成时限",
                "整改限期",
            ),
            parse_date,
            note="如 2024-04-30；不填可在整改方案中确定",
            kind="date",
            width=12,
            groups=("整改情况", "整改落实情况", "隐患整改情况", "整改", "整改要求", "整改信息", "整改落实"),
        ),
        Column(
            "criterion",
            "判定依据",
            ("判定标准", "判定依据条款", "标准条款", "依据条款", "判定标准条款"),
            compact_text,
            note="重大隐患必填：判定标准条款编号，如 SAWS121C-1；可从下拉列表选择，条款内容见“判定标准条款”工作表",
            width=16,
            reference=CRITERIA,
        ),
        # GB 35181 综合判定: a determination (GB35181-D) lists its composite elements and the type of place
        Column(
            "elements",
            "综合判定要素",
            ("判定要素", "综合判定要素条款"),
            keep_text,
            note="仅引用综合判定条款（如 GB35181-D）时填写：综合判定要素条款编号，用顿号或换行分隔",
            width=24,
        ),
        Column(
            "place_type",
            "场所类别",
            ("综合判定场所类别",),
            compact_text,
            note="仅综合判定时填写：人员密集场所、易燃易爆化学物品场所、重要场所或其他场所",
            width=14,
        ),
        Column("location", "隐患部位", ("部位", "位置", "隐患位置", "所在部位", "具体部位")),
        # 隐患描述 names the title when a ledger has no 隐患名称 (the synonyms), else the description
        Column(
            "description", "详细描述", ("情况说明", "具体情况", "备注"), width=36, fallback=("隐患描述", "隐患内容")
        ),
        Column(
            "status",
            "整改状态",
            # not 整改情况: ledgers use it as the group heading over 整改措施/整改责任人/整改期限
            ("状态", "是否整改", "销号情况", "是否销号", "整改结果", "完成情况"),
            parse_choice(STATUS_ALIASES),
            note="已整改、已销号等：须同时填写销号日期；不填或未整改：记为待整改",
            choices=lambda: ["已整改", "已销号", "未整改"],
        ),
        Column(
            "closed_on",
            "销号日期",
            ("销号时间", "整改完成时间", "实际完成时间", "整改完成日期", "完成时间", "销号日期（整改完成时间）"),
            parse_date,
            note="已整改的历史隐患必填，如 2023-11-20",
            kind="date",
            width=12,
        ),
        Column(
            "external_ref",
            "隐患编号",
            ("编号", "台账编号", "外部编号"),
            compact_text,
            note="本台账中的编号，再次导入时据此识别",
        ),
    ),
    required_any=(("enterprise", "enterprise_name"),),
)
