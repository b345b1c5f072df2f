"""The dual-prevention ledgers in .xlsx (issue 15): the 风险分级管控清单 (risk register, one row per control measure)
in and out, and the 隐患排查记录台账 (check records of a period) out.

The 风险分级管控清单 is declared once for the import engine (``zhiben/imports``: loose Chinese headers, stacked
two-row headers, merged cells, dates and full-width text read as for every ledger, every bad cell named by row
and column, all or nothing) and written by the export with the same columns, so that a list exported and imported
again changes nothing. A row names its unit and event by name within the enterprise (created when new); a measure
is found by its 措施编号 (the id the export writes), else by its text within its event. Scores and grades follow
from the factors by the enterprise's method (``rules.score``, ``rules.grade_for``); a 风险值 or 风险等级 column
that disagrees is refused, naming it. The rows are written by ``services.interface.register_ledger_write``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.common.errors import FieldErrors
from zhiben.common.ledgers import Checked, Column, Ledger, compact_text, keep_text, labels, normal_text, parse_code
from zhiben.common.names import name_key
from zhiben.common.validators import clean_text
from zhiben.common.xlsx import Column as XColumn
from zhiben.common.xlsx import write_table
from zhiben.enterprises.ledger import CREDIT_CODE_SYNONYMS
from zhiben.enterprises.models import Enterprise

from . import rules
from .models import CheckResult, ControlMeasure, Grade, Method, RecordStatus, RiskEvent, RiskUnit, UnitKind
from .selectors import events_visible, may_edit, measures_visible, profiles_visible, units_visible
from .selectors.interface import records_ledger, register_ledger_rows
from .services.interface import register_ledger_write

WRITERS = frozenset({Role.ADMIN, Role.ENTERPRISE})
FACTORS = {"l": "l", "e": "e", "c": "c", "likelihood": "l", "severity": "s"}  # our factor → its column
_GRADES = {
    **{label: value for value, label in Grade.choices},
    **{rules.GRADE_NAMES[g]: g for g in rules.GRADES},
    **{name[:2]: g for g, name in rules.GRADE_NAMES.items()},  # 重大 较大 一般 低风
    "低": "blue",
    "红": "red",
    "橙": "orange",
    "黄": "yellow",
    "蓝": "blue",
    **{g: g for g in rules.GRADES},
}
_KINDS = {**{str(label): value for value, label in UnitKind.choices}, **{v: v for v in UnitKind.values}}


def _number(raw: Any) -> Any:
    """A factor or score cell: Excel's float without a binary tail (0.5, not 0.5000001)."""
    if isinstance(raw, float):
        return format(Decimal(repr(raw)).normalize(), "f")
    return normal_text(raw)


def _classify1(raw: Any) -> str:
    """管控方式 by code (1–4), by name (工程技术 …) or as the export writes it (``1 工程技术``)."""
    text = compact_text(raw)
    by_name = {name: code for code, name in rules.CLASSIFY1.items()}
    if text in rules.CLASSIFY1:
        return text
    if text[:1] in rules.CLASSIFY1 and text[1:] == rules.CLASSIFY1[text[:1]]:
        return text[:1]
    return by_name.get(text, text)


def _classify2_text(raw: Any) -> str:
    return compact_text(raw).replace("－", "-").replace("—", "-")


def _classify2(classify1: str, text: str) -> str:
    """管控措施分类 by code (1-4), by ``1-4安全仪表`` (the export's), or by name within its 管控方式 (其他 is in
    each)."""
    codes = rules.CLASSIFY2.get(classify1, {})
    for code, name in codes.items():
        if text in (code, f"{code}{name}", name):
            return code
    return text


COLUMNS: tuple[Column, ...] = (
    Column(
        "enterprise", "统一社会信用代码", CREDIT_CODE_SYNONYMS, parse_code, note="企业用户可不填（即本企业）", width=22
    ),
    Column(
        "measure_id", "措施编号", ("管控措施编号", "编号"), normal_text, note="导出时生成；新增的措施留空", width=10
    ),
    Column("unit", "风险分析单元", ("风险分析单元名称", "单元名称", "风险点", "风险点名称"), keep_text, True, width=20),
    Column("unit_kind", "单元类型", ("风险点类型", "类型"), compact_text, choices=lambda: labels(UnitKind.choices)),
    Column("department", "责任部门", ("管控部门", "责任单位", "管控层级"), keep_text, True),
    Column("responsible", "责任人", ("管控责任人", "负责人"), keep_text, True, width=10),
    Column("event", "风险事件", ("风险事件名称", "危险有害因素", "危险源"), keep_text, True, width=24),
    Column("consequence", "可能导致的事故类型", ("事故类型", "可能导致的事故", "后果"), keep_text, width=16),
    Column("l", "L", ("L（可能性）", "L值", "可能性", "事故发生的可能性"), _number, kind="number", width=6),
    Column("e", "E", ("E值", "暴露频繁程度", "暴露于危险环境的频繁程度"), _number, kind="number", width=6),
    Column("c", "C", ("C值", "后果严重程度", "发生事故产生的后果"), _number, kind="number", width=6),
    Column("s", "S", ("S（严重性）", "S值", "严重性"), _number, kind="number", width=6),
    Column("score", "风险值", ("D", "R", "D值", "R值", "风险值D", "风险值R"), _number, kind="number", width=8),
    Column(
        "grade",
        "风险等级",
        ("风险级别", "风险分级"),
        compact_text,
        choices=lambda: [rules.GRADE_NAMES[g] for g in rules.GRADES],
        width=10,
    ),
    Column("measure", "管控措施", ("管控措施描述", "风险管控措施", "控制措施"), keep_text, width=36),
    Column(
        "classify1",
        "管控方式",
        ("管控措施分类1", "措施类别", "管控措施类别"),
        _classify1,
        note="1 工程技术、2 维护保养、3 操作行为、4 应急措施（代码或名称）",
        choices=lambda: list(rules.CLASSIFY1.values()),
    ),
    Column("classify2", "管控措施分类", ("管控措施分类2", "措施分类"), _classify2_text, note="代码（如 1-4）或名称"),
    Column("classify3", "管控措施细类", ("管控措施分类3",), keep_text),
    Column("content", "隐患排查内容", ("排查内容", "检查内容"), keep_text, width=36),
)


def _row_errors(exc: FieldErrors, out: Checked) -> None:
    for name, message in exc.errors.items():
        out.errors.setdefault(FACTORS.get(name, name), message)


class RegisterRows:
    """The 风险分级管控清单's row logic for one file and one actor."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.enterprises: dict[str, Enterprise] = {}
        self.methods: dict[int, str] = {}
        self.units: dict[tuple[int, str], RiskUnit] = {}
        self.events: dict[tuple[int, str], RiskEvent] = {}
        self.measures: dict[int, ControlMeasure] = {}
        self.by_text: dict[tuple[int, str], ControlMeasure] = {}
        self.seen: dict[tuple[Any, ...], int] = {}
        self.first: dict[tuple[Any, ...], tuple[int, dict[str, Any]]] = {}
        self.spelled: dict[tuple[Any, ...], str] = {}

    def prepare(self, rows: Sequence[dict[str, Any]]) -> None:
        codes = {str(r.get("enterprise") or "").upper() for r in rows}
        own = self.actor.enterprise if self.actor.role == Role.ENTERPRISE else None
        if own is not None:
            codes.add(own.credit_code)
        firms = scoped(Enterprise.objects, self.actor).filter(credit_code__in=[c for c in codes if c])
        self.enterprises = {f.credit_code: f for f in firms}
        ids = [f.pk for f in firms]
        self.methods = dict(
            profiles_visible(self.actor).filter(enterprise_id__in=ids).values_list("enterprise_id", "method")
        )
        actor = self.actor
        self.units = {
            (u.enterprise_id, name_key(u.name)): u
            for u in units_visible(actor).filter(enterprise_id__in=ids, deleted=False)
        }
        for e in events_visible(actor).filter(enterprise_id__in=ids, deleted=False, unit__deleted=False):
            self.events[(e.unit_id, name_key(e.name))] = e
        for m in measures_visible(actor).filter(enterprise_id__in=ids, deleted=False, event__deleted=False):
            self.measures[m.pk] = m
            self.by_text[(m.event_id, name_key(m.description))] = m

    def _enterprise(self, data: dict[str, Any], out: Checked) -> Enterprise | None:
        code = str(data.get("enterprise") or "").upper()
        own = self.actor.enterprise if self.actor.role == Role.ENTERPRISE else None
        if own is not None:
            if code and code != own.credit_code:
                out.errors["enterprise"] = f"只能导入本企业（{own.credit_code}）的风险分级管控清单"
                return None
            return own
        if not code:
            out.errors["enterprise"] = "请填写统一社会信用代码"
            return None
        firm = self.enterprises.get(code)
        if firm is None:
            out.errors["enterprise"] = f"辖区内没有统一社会信用代码为 {code} 的企业"
        elif not may_edit(self.actor, firm.pk):
            out.errors["enterprise"] = "风险分级管控清单由企业自行维护"
            return None
        return firm

    def _text(self, data: dict[str, Any], out: Checked, name: str, label: str, size: int, **kw: Any) -> str:
        try:
            return clean_text(data.get(name) or "", label=label, max_length=size, **kw)
        except ValueError as exc:
            out.errors[name] = str(exc)
            return ""

    def check(self, row: int, data: dict[str, Any]) -> Checked:
        out = Checked(row)
        firm = self._enterprise(data, out)
        unit = {
            "name": self._text(data, out, "unit", "风险分析单元", 100, required=True),
            "kind": _KINDS.get(str(data.get("unit_kind") or ""), ""),
            "department": self._text(data, out, "department", "责任部门", 60, required=True),
            "responsible": self._text(data, out, "responsible", "责任人", 40, required=True),
        }
        if data.get("unit_kind") and not unit["kind"]:
            out.errors["unit_kind"] = "单元类型应为 " + "、".join(labels(UnitKind.choices)) + " 之一"
        event = {
            "name": self._text(data, out, "event", "风险事件", 100, required=True),
            "consequence": self._text(data, out, "consequence", "可能导致的事故类型", 100),
        }
        event.update(self._scored(data, out, firm))
        measure = self._measure(data, out)
        if out.errors or firm is None:
            return out
        # names are matched as names are everywhere (（）and (), full-width letters, spaces: ``name_key``) and
        # keep the spelling already registered, or the file's first
        existing_unit = self.units.get((firm.pk, name_key(unit["name"])))
        unit["name"] = self.spelling(("unit", firm.pk, name_key(unit["name"])), existing_unit, unit["name"])
        known = self.events.get((existing_unit.pk, name_key(event["name"]))) if existing_unit is not None else None
        event_key = ("event", firm.pk, name_key(unit["name"]), name_key(event["name"]))
        event["name"] = self.spelling(event_key, known, event["name"])
        if not unit["kind"]:
            unit["kind"] = existing_unit.kind if existing_unit else UnitKind.INSTALLATION
        self._same_as_before(row, out, firm, unit, event)
        if out.errors:
            return out
        target = self._target(data, out, firm, unit, event, measure)
        if out.errors:
            return out
        out.cleaned = {
            "enterprise_id": firm.pk,
            "measure_id": target.pk if target is not None else None,
            "unit": unit,
            "event": event,
            "measure": measure,
        }
        new_row = target is None if measure is not None else known is None
        out.action = "create" if new_row else "update"
        if self._unchanged(existing_unit, unit, event, measure, target):
            out.action, out.target = "unchanged", target
        else:
            out.target = target
        return out

    def spelling(self, key: tuple[Any, ...], registered: Any, given: str) -> str:
        """The name a unit or event is kept under: as registered, else as the file first wrote it."""
        if registered is not None:
            return str(registered.name)
        return self.spelled.setdefault(key, given)

    def _scored(self, data: dict[str, Any], out: Checked, firm: Enterprise | None) -> dict[str, Any]:
        filled = {k for k in ("l", "e", "c", "s") if data.get(k) not in (None, "")}
        if "s" in filled and not filled & {"e", "c"}:
            method = Method.LS
        elif filled & {"e", "c"}:
            method = Method.LEC
        else:
            method = Method(self.methods.get(firm.pk, Method.LEC)) if firm else Method.LEC
        names = ("l", "e", "c") if method == Method.LEC else ("likelihood", "severity")
        try:
            factors, value = rules.score(method, {n: data.get(FACTORS[n]) for n in names})
        except FieldErrors as exc:
            _row_errors(exc, out)
            return {}
        grade = rules.grade_for(method, value)
        stated = data.get("score")
        if stated not in (None, ""):
            try:
                same = Decimal(str(stated)) == value
            except ArithmeticError:
                same = False
            if not same:
                out.errors["score"] = f"风险值应为各因子之积 {rules.value_text(value)}"
        given = str(data.get("grade") or "")
        if given and _GRADES.get(given) != grade:
            out.errors["grade"] = f"风险值 {rules.value_text(value)} 按{method.label}应为{rules.GRADE_NAMES[grade]}"
        empty: dict[str, Any] = {"l": None, "e": None, "c": None, "likelihood": None, "severity": None}
        return {**empty, **factors, "method": str(method), "score": value, "grade": grade}

    def _measure(self, data: dict[str, Any], out: Checked) -> dict[str, Any] | None:
        description = self._text(data, out, "measure", "管控措施", 500)
        if not description:
            if data.get("classify1") or data.get("classify2") or data.get("content"):
                out.errors["measure"] = "填写了管控方式或排查内容的行须填写管控措施"
            return None
        c1 = str(data.get("classify1") or "")
        c2 = _classify2(c1, str(data.get("classify2") or ""))
        try:
            rules.check_classification(c1, c2)
        except FieldErrors as exc:
            _row_errors(exc, out)
        return {
            "description": description,
            "classify1": c1,
            "classify2": c2,
            "classify3": self._text(data, out, "classify3", "管控措施细类", 60),
            "content": self._text(data, out, "content", "隐患排查内容", 500),
        }

    def _same_as_before(
        self, row: int, out: Checked, firm: Enterprise, unit: dict[str, Any], event: dict[str, Any]
    ) -> None:
        """A unit (or event) given on several rows must read the same on each: the first row's values stand."""
        for key, values, fields in (
            (("unit", firm.pk, name_key(unit["name"])), unit, ("kind", "department", "responsible")),
            (
                ("event", firm.pk, name_key(unit["name"]), name_key(event["name"])),
                event,
                ("consequence", "method", "score"),
            ),
        ):
            seen = self.first.get(key)
            if seen is None:
                self.first[key] = (row, values)
                continue
            for name in fields:
                if seen[1].get(name) != values.get(name):
                    column = {"kind": "unit_kind", "method": "l", "score": "score"}.get(name, name)
                    out.errors[column] = (
                        f"与第 {seen[0]} 行的同一{'风险分析单元' if key[0] == 'unit' else '风险事件'}不一致"
                    )
                    return

    def _target(
        self,
        data: dict[str, Any],
        out: Checked,
        firm: Enterprise,
        unit: dict[str, Any],
        event: dict[str, Any],
        measure: dict[str, Any] | None,
    ) -> ControlMeasure | None:
        """The measure a row names (by 措施编号, else by its text within its event), once per file."""
        target = None
        ref = str(data.get("measure_id") or "")
        if ref:
            target = self.measures.get(int(ref)) if ref.isdigit() else None
            if target is None or target.enterprise_id != firm.pk:
                out.errors["measure_id"] = f"本企业没有编号为 {ref} 的管控措施（新增的措施请将编号留空）"
                return None
        elif measure is not None:
            u = self.units.get((firm.pk, name_key(unit["name"])))
            e = self.events.get((u.pk, name_key(event["name"]))) if u is not None else None
            target = self.by_text.get((e.pk, name_key(measure["description"]))) if e is not None else None
            if target is not None:
                measure["description"] = target.description  # as registered
        texts = (name_key(unit["name"]), name_key(event["name"]), measure and name_key(measure["description"]))
        key = ("measure", target.pk) if target else ("text", firm.pk, *texts)
        if key in self.seen:
            out.errors["measure" if measure else "event"] = f"与第 {self.seen[key]} 行重复"
            return None
        self.seen[key] = out.row
        return target

    def _unchanged(
        self,
        existing_unit: RiskUnit | None,
        unit: Mapping[str, Any],
        event: Mapping[str, Any],
        measure: Mapping[str, Any] | None,
        target: ControlMeasure | None,
    ) -> bool:
        if existing_unit is None or any(getattr(existing_unit, k) != v for k, v in unit.items()):
            return False
        known = self.events.get((existing_unit.pk, name_key(event["name"])))
        if known is None or any(getattr(known, k) != v for k, v in event.items()):
            return False
        if measure is None:
            return True
        return (
            target is not None
            and target.event_id == known.pk
            and all(getattr(target, k) == v for k, v in measure.items())
        )


def _create_many(
    *, actor: Any, rows: Sequence[Mapping[str, Any]], context: Iterable[Mapping[str, Any]] | None = None
) -> Any:
    return register_ledger_write(actor=actor, rows=rows)


def _update_many(
    *, actor: Any, rows: Sequence[tuple[Any, Mapping[str, Any]]], context: Iterable[Mapping[str, Any]] | None = None
) -> Any:
    return register_ledger_write(actor=actor, rows=[cleaned for _, cleaned in rows])


def _fixed_by_role(actor: User) -> frozenset[str]:
    """An enterprise user imports its own register: the credit code needs no column."""
    return frozenset({"enterprise"}) if actor.role == Role.ENTERPRISE else frozenset()


REGISTER_LEDGER = Ledger(
    kind="risks",
    title="风险分级管控清单",
    columns=COLUMNS,
    rows=RegisterRows,
    create_many=_create_many,
    update_many=_update_many,
    writers=WRITERS,
    refusal="风险分级管控清单由企业自行维护",
    fixed_by_role=_fixed_by_role,
    instructions=(
        "1. 每行填写一项管控措施及其所属的风险事件和风险分析单元；同一单元、同一事件的多项措施各占一行。",
        "2. 风险分析单元和风险事件按名称识别：本企业已有的沿用，没有的新建。措施编号为导出时生成，新增措施留空。",
        "3. LEC 法填写 L、E、C，风险矩阵法填写 L、S；风险值和风险等级可不填，填写的须与计算结果一致。",
        "4. 管控方式和管控措施分类按国家双重预防数据接口分类，可填代码（如 1、1-4）或名称。",
        "5. 表中任何一行有错时整个文件都不导入，并给出标注了错误的工作簿。",
    ),
)


def register_xlsx(*, actor: Any, enterprise: Enterprise) -> bytes:
    """The 风险分级管控清单 of an enterprise the actor sees, in the columns ``REGISTER_LEDGER`` imports back."""
    kinds = {"date": "date", "number": "decimal", "text": "text"}
    head = [XColumn(c.header, c.width, kinds[c.kind]) for c in COLUMNS]  # type: ignore[arg-type]
    unit_kinds = dict(UnitKind.choices)

    def rows() -> Iterable[list[Any]]:
        for item in register_ledger_rows(actor=actor, enterprise=enterprise):
            u, e, m = item["unit"], item["event"], item["measure"]
            lec = e.method == Method.LEC
            yield [
                enterprise.credit_code,
                str(m.pk) if m is not None else "",
                u.name,
                unit_kinds.get(u.kind, u.kind),
                u.department,
                u.responsible,
                e.name,
                e.consequence,
                e.l if lec else e.likelihood,
                e.e if lec else None,
                e.c if lec else None,
                None if lec else e.severity,
                e.score,
                rules.GRADE_NAMES.get(e.grade, ""),
                m.description if m else "",
                f"{m.classify1} {rules.CLASSIFY1.get(m.classify1, '')}" if m else "",
                f"{m.classify2} {rules.CLASSIFY2.get(m.classify1, {}).get(m.classify2, '')}" if m else "",
                m.classify3 if m else "",
                m.content if m else "",
            ]

    return write_table(REGISTER_LEDGER.title, head, rows())


RECORD_COLUMNS = (
    XColumn("排查日", 12, "date"),
    XColumn("排查内容", 36),
    XColumn("管控措施", 30),
    XColumn("排查人（任务）", 12),
    XColumn("周期开始", 17, "datetime"),
    XColumn("周期截止", 17, "datetime"),
    XColumn("状态", 16),
    XColumn("排查时间", 17, "datetime"),
    XColumn("排查人", 12),
    XColumn("排查结果", 10),
    XColumn("逾期上传", 8),
    XColumn("隐患编号", 10),
    XColumn("排查情况说明", 30),
)


def records_xlsx(
    *, actor: Any, enterprise: Enterprise, start: datetime.date | None, end: datetime.date | None
) -> bytes:
    """The 隐患排查记录台账 of an enterprise the actor sees for the Beijing days ``start``–``end`` (either open)."""
    statuses = dict(RecordStatus.choices)
    results = dict(CheckResult.choices)

    def name(user: User | None) -> str:
        return (user.full_name or user.username) if user is not None else ""

    def rows() -> Iterable[list[Any]]:
        for r in records_ledger(actor=actor, enterprise=enterprise, start=start, end=end):
            yield [
                r.day,
                r.task.content,
                r.task.measure.description if r.task.measure is not None else r.task.get_kind_display(),
                name(r.task.assignee),
                r.opens_at,
                r.due_at,
                statuses.get(r.status, r.status),
                r.done_at,
                name(r.done_by),
                results.get(r.result, ""),
                "是" if r.status == RecordStatus.LATE else "否",
                str(r.hazard_id or ""),
                r.note,
            ]

    period = f"{start or '最早'} 至 {end or '最近'}"
    caption = f"{enterprise.name} 隐患排查记录台账（{period}）"
    return write_table("隐患排查记录台账", RECORD_COLUMNS, rows(), caption=caption)
