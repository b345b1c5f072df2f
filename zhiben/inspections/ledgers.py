"""The enforcement ledgers (执法台账) in and out as .xlsx: the inspection ledger (执法检查台账) and the penalty ledger
(行政处罚台账), each declared once for the import engine (``zhiben/imports``: loose Chinese headers, every bad cell
named by row and column, all or nothing) and written by the export with the same columns, so that a ledger
exported and imported again changes nothing.

A row is identified by its document number (检查文书编号 / 决定书文号) within its unit; without one, by the
enterprise, the day and the unit (for a penalty, its kind, basis and amounts too). A known row given again
unchanged is left alone; a row brought in by a ledger before and given with changes is changed (the tallies, the
events and a tip's fine follow); an inspection recorded in zhiben, or a row without a number, is never changed by
a ledger: a different row is refused, naming the column, so that nothing is silently taken as a correction.

The rows are checked by the penalties register's own rules (``services.penalties.check_penalty`` and
``check_payment``) and written by its bulk services (``services/ledgers.py``, ``penalty_create_many``,
``penalty_update_many``).
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from zhiben.accounts.models import Role, User
from zhiben.common import dates
from zhiben.common.errors import FieldErrors
from zhiben.common.inputs import parse
from zhiben.common.ledgers import (
    Checked,
    Column,
    Ledger,
    compact_text,
    filter_in_chunks,
    keep_text,
    labels,
    normal_text,
    parse_bool,
    parse_code,
    parse_date,
    parse_int,
)
from zhiben.common.validators import clean_choice, clean_credit_code, clean_text
from zhiben.common.xlsx import Column as XColumn
from zhiben.common.xlsx import write_table
from zhiben.departments.models import Department
from zhiben.enterprises.ledger import CREDIT_CODE_SYNONYMS
from zhiben.hazards.models import Level

from .models import (
    Inspection,
    InspectionFlag,
    InspectionKind,
    InspectionPlan,
    PaymentStatus,
    Penalty,
    PenaltyKind,
    TeamMember,
    TeamRole,
)
from .selectors.plans import Progress
from .selectors.pools import officers_visible
from .services.ledgers import UPDATABLE as INSPECTION_UPDATABLE
from .services.ledgers import inspection_ledger_create_many, inspection_ledger_update_many
from .services.penalties import (
    UPDATABLE as PENALTY_UPDATABLE,
)
from .services.penalties import (
    Lookups,
    PaymentIn,
    PenaltyIn,
    check_payment,
    check_penalty,
    may_keep,
    penalty_create_many,
    penalty_update_many,
)

WRITERS = frozenset({Role.ADMIN, Role.OFFICER})
YES, NO = "是", "否"
NONE_MARK = "无"  # a team member without a certificate number, in the 执法证号 column
_SPLIT = re.compile(r"[、,，;；/\n]+")


def _amount(raw: Any) -> Any:
    """A money cell as the API takes it: Excel's float without a binary tail (1234.56, not 1234.5599…)."""
    if isinstance(raw, float):
        return format(Decimal(repr(raw)), "f")
    return normal_text(raw)


def _yes_no(raw: Any, label: str) -> bool | None:
    """是/否 (√, ×, 有, 无 … by ``parse_bool``); None for blank; ValueError naming ``label`` otherwise."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip()
    if text in (YES, "true", "True", "1"):
        return True
    if text in (NO, "false", "False", "0"):
        return False
    raise ValueError(f"{label}应填写“是”或“否”")


def _names(raw: Any) -> list[str]:
    return [n.strip() for n in _SPLIT.split(keep_text(raw)) if n.strip()]


def _unit_name(lookups: Lookups, actor: User, raw: Any) -> Department | None:
    """The unit a ledger names (its name or an alias among the units the actor sees); the actor's own when blank.
    ValueError in Chinese when no unit answers."""
    name = keep_text(raw)
    if not name:
        return lookups.unit(actor.department_id) if actor.department_id else None
    unit = lookups.unit_named(name)
    if unit is None:
        raise ValueError(f"找不到名为“{name}”的成员单位（须为您辖区内已登记的成员单位）")
    return unit


def _problems(exc: FieldErrors, out: Checked, fields: dict[str, str] | None = None) -> None:
    for name, message in exc.errors.items():
        out.errors.setdefault((fields or {}).get(name, name), message)


def _same(a: Any, b: Any) -> bool:
    """Equal as a ledger shows them (a blank and None alike; 20000 and 20000.00 alike)."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except ArithmeticError:
            return False
    return str(a) == str(b)


# --- the penalty ledger -----------------------------------------------------------------------------------------

PENALTY_FIELDS = (
    "enterprise",
    "kind",
    "decided_on",
    "amount",
    "basis",
    "facts",
    "person",
    "person_post",
    "person_amount",
    "major_hazard",
    "daily",
    "daily_from",
    "daily_amount",
    "external_ref",
)
PAYMENT_FIELDS = ("paid_amount", "paid_on", "payment", "enforcement_note")


class PenaltyRows:
    """The penalty ledger's rows (``LedgerRows``), for one file and one actor."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.lookups = Lookups(actor)

    def prepare(self, rows: Sequence[dict[str, Any]]) -> None:
        codes = set()
        for r in rows:
            try:
                codes.add(clean_credit_code(r.get("enterprise")))
            except ValueError:
                continue
        self.lookups.preload(codes)
        ids = [e.pk for e in self.lookups.firms.values() if e is not None]
        self.by_ref: dict[tuple[int, str], Penalty] = {}
        self.by_natural: dict[tuple[Any, ...], Penalty] = {}
        for p in filter_in_chunks(Penalty.objects.select_related("enterprise").order_by("id"), "enterprise_id", ids):
            if p.external_ref:
                self.by_ref.setdefault((p.department_id or 0, p.external_ref), p)
            self.by_natural.setdefault(
                self._natural(
                    p.enterprise_id, p.decided_on, p.department_id, p.kind, p.basis, p.amount, p.person_amount
                ),
                p,
            )
        self.seen: dict[tuple[Any, ...], int] = {}

    @staticmethod
    def _natural(
        firm: int, day: Any, unit: int | None, kind: str, basis: str, amount: Any, person_amount: Any
    ) -> tuple[Any, ...]:
        """A penalty without a decision number: the same enterprise, day, unit, kind, basis and amounts."""
        money = tuple(Decimal(str(a or 0)).quantize(Decimal("0.01")) for a in (amount, person_amount))
        return ("natural", firm, day, unit or 0, kind, basis, *money)

    def check(self, row: int, data: dict[str, Any]) -> Checked:
        out = Checked(row=row)
        values: dict[str, Any] = {k: data.get(k) for k in (*PENALTY_FIELDS, *PAYMENT_FIELDS) if k in data}
        for name, label in (("major_hazard", "针对重大事故隐患"), ("daily", "按日连续处罚")):
            try:
                flag = _yes_no(values.get(name), label)
            except ValueError as exc:
                out.errors[name] = str(exc)
                flag = None
            values[name] = bool(flag)
        if not values.get("kind"):
            values.pop("kind", None)  # a fine, by default
        try:
            unit = _unit_name(self.lookups, self.actor, data.get("department"))
        except ValueError as exc:
            out.errors["department"] = str(exc)
            unit = None
        # an enterprise out of reach is named with the row's other problems, in one round (a code that is no code
        # is named by the input's own parser below)
        with contextlib.suppress(ValueError):
            if self.lookups.firms.get(clean_credit_code(values.get("enterprise"))) is None:
                out.errors["enterprise"] = "未找到该统一社会信用代码对应的企业（须为您管辖范围内已登记的企业）"
        try:
            given = parse(PenaltyIn, {k: v for k, v in values.items() if k not in PAYMENT_FIELDS})
        except FieldErrors as exc:
            _problems(exc, out)
            return out
        try:
            paid = parse(PaymentIn, {k: v for k, v in values.items() if k in PAYMENT_FIELDS})
        except FieldErrors as exc:
            _problems(exc, out)
            return out
        if out.errors:
            return out
        firm = self.lookups.firms.get(given.enterprise)
        unit_id = unit.pk if unit else None
        existing = None
        if firm is not None:
            key = (
                ("ref", unit_id or 0, given.external_ref)
                if given.external_ref
                else self._natural(
                    firm.pk, given.decided_on, unit_id, given.kind, given.basis, given.amount, given.person_amount
                )
            )
            if key in self.seen:
                out.errors["external_ref" if given.external_ref else "enterprise"] = f"与第 {self.seen[key]} 行重复"
                return out
            self.seen[key] = row
            existing = (
                self.by_ref.get((unit_id or 0, given.external_ref)) if given.external_ref else self.by_natural.get(key)
            )
            if existing is not None and existing.enterprise_id != firm.pk:
                out.errors["external_ref"] = (
                    f"决定书文号 {given.external_ref} 已登记为“{existing.enterprise.name}”的处罚"
                )
                return out
        try:
            cleaned = check_penalty(
                given,
                actor=self.actor,
                lookups=self.lookups,
                department=unit,
                exclude=existing.pk if existing else None,
            )
            money = check_payment(paid, amount=cleaned["amount"], decided_on=cleaned["decided_on"])
        except FieldErrors as exc:
            _problems(exc, out)
            return out
        if unit is not None and not may_keep(self.actor, department_id=unit.pk, region_code=cleaned["region_id"]):
            out.errors["department"] = f"您不能登记{unit.name}的行政处罚"
            return out
        cleaned.update(money)
        if existing is None:
            out.action, out.cleaned = "create", cleaned
            return out
        if existing.major_hazard and existing.hazard_id:
            cleaned["major_hazard"] = True  # linked to a major hazard: the ledger cannot say otherwise
        changes = {k: cleaned[k] for k in PENALTY_UPDATABLE if not _same(getattr(existing, k), cleaned[k])}
        if changes and not existing.external_ref:
            out.errors["external_ref"] = (
                "系统中已有该处罚，但台账内容与之不同：无决定书文号的记录不能由台账更正，请填写文号或在系统中更正"
            )
            return out
        out.target, out.cleaned = existing, changes
        out.action = "update" if changes else "unchanged"
        return out


def _kind_label(value: Any) -> str:
    return dict(PenaltyKind.choices).get(str(value), str(value or ""))


PENALTY_LEDGER = Ledger(
    kind="penalties",
    title="行政处罚台账",
    rows=PenaltyRows,
    create_many=penalty_create_many,
    update_many=penalty_update_many,
    writers=WRITERS,
    refusal="行政处罚台账由执法单位登记",
    instructions=(
        "1. 每行填写一份行政处罚决定，第一行为列名（列的顺序可以调整，多余的列会被忽略）。带 * 的列必填。",
        (
            "2. 以决定书文号识别处罚：已导入过的文号按表中内容更正（缴纳情况、金额等）；"
            "没有文号的按单位、日期、种类、依据和金额识别，只能原样重复导入。"
        ),
        "3. 处罚单位不填时为导入人所属单位。表中任何一行有错时整个文件都不导入，并给出标注了错误的工作簿。",
    ),
    columns=(
        Column(
            "external_ref",
            "决定书文号",
            ("处罚决定书文号", "文书编号", "决定书编号", "文号", "案号"),
            keep_text,
            width=22,
        ),
        Column("enterprise", "统一社会信用代码", CREDIT_CODE_SYNONYMS, parse_code, True, "18位", width=22),
        Column("enterprise_name", "被处罚单位", ("单位名称", "企业名称", "被处罚单位名称", "当事人"), width=28),
        Column(
            "department", "处罚单位", ("执法单位", "处罚机关", "作出处罚决定的单位", "执法部门"), keep_text, width=22
        ),
        Column("decided_on", "决定日期", ("处罚决定日期", "处罚日期", "作出决定日期"), parse_date, True, kind="date"),
        Column("kind", "处罚种类", ("处罚类型", "种类"), compact_text, choices=lambda: labels(PenaltyKind.choices)),
        Column("amount", "罚款金额（元）", ("罚款数额", "处罚金额", "罚没金额"), _amount, kind="number"),
        Column(
            "basis",
            "处罚依据",
            ("法律依据", "违法依据", "依据"),
            keep_text,
            True,
            "如：安全生产法 第一百零二条",
            width=30,
        ),
        Column("facts", "违法事实", ("违法行为", "主要违法事实", "案由"), keep_text, width=40),
        Column("person", "被处罚人", ("被处罚个人", "个人"), keep_text),
        Column("person_post", "职务", ("被处罚人职务",), keep_text),
        Column("person_amount", "对个人罚款（元）", ("个人罚款", "个人罚款金额"), _amount, kind="number"),
        Column(
            "major_hazard",
            "针对重大事故隐患",
            ("重大事故隐患", "是否重大事故隐患"),
            parse_bool,
            choices=lambda: [YES, NO],
        ),
        Column("daily", "按日连续处罚", ("是否按日连续处罚",), parse_bool, choices=lambda: [YES, NO]),
        Column("daily_from", "按日连续处罚起始日", ("按日处罚起始日",), parse_date, kind="date"),
        Column("daily_amount", "按日罚款（元/日）", ("按日罚款", "每日罚款"), _amount, kind="number"),
        Column(
            "payment",
            "缴纳情况",
            ("缴款情况", "罚款缴纳情况"),
            compact_text,
            choices=lambda: labels(PaymentStatus.choices),
        ),
        Column("paid_amount", "已缴金额（元）", ("缴纳金额", "实缴金额", "已缴罚款"), _amount, kind="number"),
        Column("paid_on", "缴纳日期", ("缴款日期",), parse_date, kind="date"),
        Column("enforcement_note", "执行情况", ("强制执行情况",), keep_text, width=30),
    ),
)


def penalty_ledger_rows(qs: QuerySet[Penalty]) -> Iterable[list[Any]]:
    """The ledger's row of each penalty of ``qs`` (the columns of ``PENALTY_LEDGER``, in order), streamed."""
    found = qs.select_related("enterprise", "department").order_by("decided_on", "id")
    for p in found.iterator(chunk_size=2000):
        yield [
            p.external_ref,
            p.enterprise.credit_code,
            p.enterprise.name,
            p.department.name if p.department is not None else "",
            p.decided_on,
            p.get_kind_display(),
            p.amount,
            p.basis,
            p.facts,
            p.person,
            p.person_post,
            p.person_amount,
            YES if p.major_hazard else NO,
            YES if p.daily else NO,
            p.daily_from,
            p.daily_amount,
            p.get_payment_display(),
            p.paid_amount,
            p.paid_on,
            p.enforcement_note,
        ]


def _xcolumns(ledger: Ledger) -> list[XColumn]:
    kinds = {"date": "date", "number": "decimal", "text": "text"}
    return [XColumn(c.header, c.width, kinds[c.kind]) for c in ledger.columns]  # type: ignore[arg-type]


def penalties_xlsx(qs: QuerySet[Penalty]) -> bytes:
    """The penalty ledger of ``qs`` as a workbook the import takes back."""
    return write_table(PENALTY_LEDGER.title, _xcolumns(PENALTY_LEDGER), penalty_ledger_rows(qs))


# --- the inspection ledger --------------------------------------------------------------------------------------

FLAG_COLUMNS = (
    ("unannounced", InspectionFlag.UNANNOUNCED, "四不两直"),
    ("covert", InspectionFlag.COVERT, "明察暗访"),
    ("cross_region", InspectionFlag.CROSS_REGION, "异地交叉执法"),
)


def _flags_text(raw: Any) -> list[str]:
    """检查形式: labels or keys separated by 、 or commas."""
    out = []
    for part in _names(raw):
        value = clean_choice(part, label="检查形式", choices=InspectionFlag.choices, allow_blank=False)
        if value not in out:
            out.append(value)
    return out


def _count(raw: Any, label: str) -> int:
    text = normal_text(raw).replace(",", "")
    if not text:
        return 0
    if not text.isdigit():
        raise ValueError(f"{label}应为0或正整数")
    return int(text)


class InspectionRows:
    """The inspection ledger's rows (``LedgerRows``), for one file and one actor."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.lookups = Lookups(actor)

    def prepare(self, rows: Sequence[dict[str, Any]]) -> None:
        codes: set[str] = set()
        certs: set[str] = set()
        for r in rows:
            with contextlib.suppress(ValueError):
                codes.add(clean_credit_code(r.get("enterprise")))
            certs.update(c for c in _names(r.get("certificates")) if c != NONE_MARK)
        self.lookups.preload(codes)
        ids = [e.pk for e in self.lookups.firms.values() if e is not None]
        known = (
            Inspection.objects.order_by("id")
            .prefetch_related(Prefetch("team", queryset=TeamMember.objects.order_by("id")), "penalties")
            .annotate(
                n_findings=Count("findings", distinct=True),
                n_major=Count("findings", filter=Q(findings__hazard__level=Level.MAJOR), distinct=True),
            )
        )
        self.by_ref: dict[tuple[int, str], Inspection] = {}
        self.by_natural: dict[tuple[Any, ...], Inspection] = {}
        self.penalties: dict[tuple[int, str], Penalty] = {}  # the known inspections' penalties, by unit and number
        for i in filter_in_chunks(known, "enterprise_id", ids):
            if i.ledger_ref:
                self.by_ref.setdefault((i.department_id or 0, i.ledger_ref), i)
            self.by_natural.setdefault((i.enterprise_id, i.on, i.department_id or 0), i)
            for p in i.penalties.all():
                if p.external_ref:
                    self.penalties.setdefault((p.department_id or 0, p.external_ref), p)
        self.officers = {
            o.certificate_no: o for o in filter_in_chunks(officers_visible(self.actor), "certificate_no", certs)
        }
        self.seen: dict[tuple[Any, ...], int] = {}

    def _team(self, data: dict[str, Any], out: Checked) -> list[dict[str, Any]]:
        names, certs = _names(data.get("officers")), _names(data.get("certificates"))
        if len(certs) > len(names):
            out.errors["certificates"] = (
                f"执法证号有{len(certs)}个，执法人员只有{len(names)}名：请按人员顺序填写，没有证号的写“无”"
            )
            return []
        team: list[dict[str, Any]] = []
        for n, name in enumerate(names):
            cert = certs[n] if n < len(certs) and certs[n] != NONE_MARK else ""
            member: dict[str, Any] = {
                "role": TeamRole.LEADER if n == 0 else TeamRole.OFFICER,
                "name": name[:40],
                "certificate_no": cert[:40],
            }
            officer = self.officers.get(cert) if cert else None
            if officer is not None:
                if officer.name != name:
                    out.errors["certificates"] = f"执法证号 {cert} 登记的是{officer.name}，不是{name}"
                member["officer_id"] = officer.pk
            team.append(member)
        team += [{"role": TeamRole.EXPERT, "name": n[:40], "certificate_no": ""} for n in _names(data.get("experts"))]
        return team

    def check(self, row: int, data: dict[str, Any]) -> Checked:
        out = Checked(row=row)
        firm = None
        try:
            code = clean_credit_code(data.get("enterprise"))
        except ValueError as exc:
            out.errors["enterprise"] = str(exc)
        else:
            firm = self.lookups.firms.get(code)
            if firm is None:
                out.errors["enterprise"] = "未找到该统一社会信用代码对应的企业（须为您管辖范围内已登记的企业）"
        on = data.get("on")
        if not isinstance(on, datetime.date):
            out.errors["on"] = "请填写检查日期，如 2024-03-01" if not on else f"检查日期“{on}”不是日期"
        elif on > dates.today() or on.year < 2000:
            out.errors["on"] = "检查日期应在2000年以后且不晚于今天"
        try:
            unit = _unit_name(self.lookups, self.actor, data.get("department"))
        except ValueError as exc:
            out.errors["department"] = str(exc)
            unit = None
        if (
            unit is not None
            and firm is not None
            and not may_keep(self.actor, department_id=unit.pk, region_code=firm.region_id)
        ):
            out.errors["department"] = f"您不能登记{unit.name}的执法检查"
        kind: str = InspectionKind.OTHER
        if data.get("kind"):
            try:
                kind = clean_choice(data["kind"], label="检查方式", choices=InspectionKind.choices, allow_blank=False)
            except ValueError as exc:
                out.errors["kind"] = str(exc)
        flags: list[str] = []
        try:
            flags = _flags_text(data.get("flags"))
        except ValueError as exc:
            out.errors["flags"] = str(exc)
        for name, flag, label in FLAG_COLUMNS:
            try:
                if _yes_no(data.get(name), label) and flag not in flags:
                    flags.append(flag)
            except ValueError as exc:
                out.errors[name] = str(exc)
        flags = [f for f in InspectionFlag.values if f in flags]  # one order, whatever the sheet's
        counts = {}
        for name, label in (("findings", "发现问题数"), ("major_findings", "重大事故隐患数")):
            try:
                counts[name] = _count(data.get(name), label)
            except ValueError as exc:
                out.errors[name] = str(exc)
                counts[name] = 0
        if counts["major_findings"] > counts["findings"]:
            out.errors["major_findings"] = "重大事故隐患数不能多于发现问题数"
        texts = {}
        for name, label, most in (("ledger_ref", "检查文书编号", 80), ("summary", "检查情况", 4000)):
            try:
                texts[name] = clean_text(keep_text(data.get(name)) or None, label=label, max_length=most)
            except ValueError as exc:
                out.errors[name] = str(exc)
                texts[name] = ""
        team = self._team(data, out)
        penalty = self._penalty(data, out, firm, unit, on)
        if out.errors or firm is None or not isinstance(on, datetime.date):
            return out
        unit_id = unit.pk if unit else None
        ref = texts["ledger_ref"]
        key = ("ref", unit_id or 0, ref) if ref else ("natural", firm.pk, on, unit_id or 0)
        if key in self.seen:
            out.errors["ledger_ref" if ref else "enterprise"] = f"与第 {self.seen[key]} 行重复"
            return out
        self.seen[key] = row
        existing = self.by_ref.get((unit_id or 0, ref)) if ref else self.by_natural.get((firm.pk, on, unit_id or 0))
        fields = {
            "enterprise_id": firm.pk,
            "region_id": firm.region_id,
            "sector_id": firm.sector_id,
            "department_id": unit_id,
            "kind": kind,
            "flags": flags,
            "on": on,
            "summary": texts["summary"],
            "ledger_ref": ref,
            "ledger_findings": counts["findings"],
            "ledger_major_findings": counts["major_findings"],
        }
        if existing is None:
            out.action = "create"
            out.cleaned = {"inspection": fields, "team": team, "penalty": penalty, "credit_code": firm.credit_code}
            return out
        return self._compare(out, existing, fields, team, penalty)

    def _penalty(
        self, data: dict[str, Any], out: Checked, firm: Any, unit: Department | None, on: Any
    ) -> dict[str, Any] | None:
        """The penalty a row gives its inspection (罚款金额, 处罚依据, 决定书文号, 决定日期), checked by the penalties
        register's rules; None when the row gives none."""
        given = {k: data.get(k) for k in ("penalty_amount", "basis", "penalty_ref", "decided_on")}
        if all(v in (None, "") for v in given.values()):
            return None
        if firm is None or not isinstance(on, datetime.date):
            return None
        decided = given["decided_on"] or on
        if isinstance(decided, datetime.date) and decided < on:
            out.errors["decided_on"] = f"处罚决定日期不能早于检查日期（{on:%Y-%m-%d}）"
            return None
        names = {"amount": "penalty_amount", "external_ref": "penalty_ref"}
        try:
            penalty = parse(
                PenaltyIn,
                {
                    "enterprise": firm.credit_code,
                    "decided_on": decided,
                    "amount": given["penalty_amount"],
                    "basis": given["basis"],
                    "external_ref": given["penalty_ref"] or "",
                },
            )
            ref = penalty.external_ref
            taken = self.penalties.get(((unit.pk if unit else 0), ref)) if ref else None
            cleaned = check_penalty(
                penalty, actor=self.actor, lookups=self.lookups, department=unit, exclude=taken.pk if taken else None
            )
        except FieldErrors as exc:
            _problems(exc, out, names)
            return None
        cleaned["payment"] = PaymentStatus.UNPAID if cleaned["amount"] else PaymentStatus.EXEMPT
        return cleaned

    def _compare(
        self,
        out: Checked,
        existing: Inspection,
        fields: dict[str, Any],
        team: list[dict[str, Any]],
        penalty: dict[str, Any] | None,
    ) -> Checked:
        """A row naming a known inspection: unchanged, a change of one brought in by a ledger, or refused."""
        if existing.enterprise_id != fields["enterprise_id"]:
            out.errors["ledger_ref"] = f"检查文书编号 {fields['ledger_ref']} 已登记为其他单位的检查"
            return out
        shown = inspection_ledger_values(existing)
        wanted = {
            "kind": fields["kind"],
            "flags": fields["flags"],
            "summary": fields["summary"],
            "findings": fields["ledger_findings"],  # the row's counts: what the ledger shows
            "major_findings": fields["ledger_major_findings"],
            "team": [(m["role"] != TeamRole.EXPERT, m["name"], m["certificate_no"]) for m in team],
            "penalty": (penalty["amount"], penalty["basis"]) if penalty else None,
        }
        differs = [k for k in wanted if not _same_value(shown[k], wanted[k])]
        if fields["on"] != existing.on:
            differs.append("on")
        if not differs:
            out.action, out.target = "unchanged", existing
            return out
        column = {"team": "officers", "penalty": "penalty_amount", "on": "on"}
        if not existing.ledger_ref:
            out.errors[column.get(differs[0], differs[0])] = (
                "系统中已有该单位当日对该企业的检查，但台账内容与之不同：没有检查文书编号的检查不能由台账更正，"
                "请填写文书编号，或在系统中更正"
            )
            return out
        # an inspection brought in by a ledger has no Finding rows: its counts are the ledger's
        fields["ledger_findings"] -= existing.n_findings  # type: ignore[attr-defined]
        fields["ledger_major_findings"] -= existing.n_major  # type: ignore[attr-defined]
        if fields["ledger_findings"] < 0 or fields["ledger_major_findings"] < 0:
            out.errors["findings"] = "发现问题数不能少于系统中已记录的该检查发现问题数"
            return out
        change: dict[str, Any] = {
            "inspection": {
                k: fields[k] for k in INSPECTION_UPDATABLE if not _same_value(getattr(existing, k), fields[k])
            },
            "team": team if "team" in differs else None,
            "penalty": None,
        }
        if "on" in differs:
            out.errors["on"] = "检查日期与已导入的记录不同：同一文书编号的检查不能改日期"
            return out
        if "penalty" in differs:
            current = list(existing.penalties.all())
            if penalty is None or len(current) > 1:
                out.errors["penalty_amount"] = "该检查已登记的行政处罚与台账不同：请在行政处罚台账中更正"
                return out
            if not current:
                change["penalty"] = ("create", penalty)
            else:
                moved = {
                    k: penalty[k]
                    for k in ("amount", "basis", "decided_on")
                    if not _same(getattr(current[0], k), penalty[k])
                }
                change["penalty"] = ("update", current[0], moved)
        out.action, out.target, out.cleaned = "update", existing, change
        return out


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return list(a or []) == list(b or [])
    return _same(a, b)


def inspection_ledger_values(i: Inspection) -> dict[str, Any]:
    """What the ledger shows of an inspection (its team, penalties and counts prefetched or annotated as by
    ``inspection_ledger_queryset``)."""
    team = sorted(i.team.all(), key=lambda m: (m.role == TeamRole.EXPERT, m.pk))
    penalties = list(i.penalties.all())
    return {
        "kind": i.kind,
        "flags": [f for f in InspectionFlag.values if f in (i.flags or [])],
        "summary": i.summary,
        "findings": i.ledger_findings + i.n_findings,  # type: ignore[attr-defined]
        "major_findings": i.ledger_major_findings + i.n_major,  # type: ignore[attr-defined]
        "team": [(m.role != TeamRole.EXPERT, m.name, m.certificate_no) for m in team],
        "penalty": (
            sum((p.amount for p in penalties), Decimal(0)),
            "；".join(dict.fromkeys(p.basis for p in penalties)),
        )
        if penalties
        else None,
    }


def inspection_ledger_queryset(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """``qs`` with what the ledger shows: enterprise, unit, team, penalties and the findings' counts."""
    return (
        qs.select_related("enterprise", "department")
        .prefetch_related(
            Prefetch("team", queryset=TeamMember.objects.order_by("id")),
            Prefetch("penalties", queryset=Penalty.objects.order_by("decided_on", "id")),
        )
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_major=Count("findings", filter=Q(findings__hazard__level=Level.MAJOR), distinct=True),
        )
        .order_by("on", "id")
    )


def inspection_ledger_rows(qs: QuerySet[Inspection]) -> Iterable[list[Any]]:
    """The ledger's row of each inspection of ``qs`` (the columns of ``INSPECTION_LEDGER``), streamed."""
    kinds = dict(InspectionKind.choices)
    for i in inspection_ledger_queryset(qs).iterator(chunk_size=1000):
        shown = inspection_ledger_values(i)
        officers = [m for m in i.team.all() if m.role != TeamRole.EXPERT]
        penalties = list(i.penalties.all())
        flags = set(shown["flags"])
        yield [
            i.ledger_ref,
            i.enterprise.credit_code,
            i.enterprise.name,
            i.on,
            i.department.name if i.department is not None else "",
            kinds.get(i.kind, i.kind),
            *(YES if flag in flags else NO for _, flag, _ in FLAG_COLUMNS),
            "、".join(m.name for m in officers),
            "、".join(m.certificate_no or NONE_MARK for m in officers)
            if any(m.certificate_no for m in officers)
            else "",
            "、".join(m.name for m in i.team.all() if m.role == TeamRole.EXPERT),
            shown["findings"],
            shown["major_findings"],
            shown["penalty"][0] if penalties else None,
            shown["penalty"][1] if penalties else "",
            "；".join(p.external_ref for p in penalties if p.external_ref),
            min(p.decided_on for p in penalties) if penalties else None,
            i.summary,
        ]


INSPECTION_LEDGER = Ledger(
    kind="inspections",
    title="执法检查台账",
    rows=InspectionRows,
    create_many=inspection_ledger_create_many,
    update_many=inspection_ledger_update_many,
    writers=WRITERS,
    refusal="执法检查台账由执法单位登记",
    instructions=(
        "1. 每行填写一次执法检查，第一行为列名（列的顺序可以调整，多余的列会被忽略）。带 * 的列必填。",
        "2. 执法人员按顺序用顿号分隔，执法证号按同一顺序填写，没有证号的写“无”；专家另列。",
        (
            "3. 以检查文书编号识别检查：已导入过的编号按表中内容更正；"
            "没有编号的按企业、日期和检查单位识别，只能原样重复导入。"
        ),
        "4. 填写了罚款金额或处罚依据的行，同时登记一项行政处罚（决定日期不填时为检查日期）。",
        "5. 表中任何一行有错时整个文件都不导入，并给出标注了错误的工作簿。",
    ),
    columns=(
        Column(
            "ledger_ref",
            "检查文书编号",
            ("文书编号", "检查记录编号", "现场检查记录编号", "台账编号", "编号"),
            keep_text,
            width=22,
        ),
        Column("enterprise", "统一社会信用代码", CREDIT_CODE_SYNONYMS, parse_code, True, "18位", width=22),
        Column("enterprise_name", "被检查单位", ("单位名称", "企业名称", "被检查单位名称", "检查对象"), width=28),
        Column("on", "检查日期", ("检查时间", "日期"), parse_date, True, kind="date"),
        Column("department", "检查单位", ("执法单位", "检查部门", "执法部门"), keep_text, width=22),
        Column(
            "kind",
            "检查方式",
            ("检查类型", "检查类别", "检查种类"),
            compact_text,
            choices=lambda: labels(InspectionKind.choices),
        ),
        *(
            Column(name, label, (f"是否{label}",), parse_bool, choices=lambda: [YES, NO])
            for name, _, label in FLAG_COLUMNS
        ),
        Column(
            "officers",
            "执法人员",
            ("检查人员", "执法人员姓名", "检查组成员"),
            keep_text,
            note="多人用顿号分隔",
            width=20,
        ),
        Column(
            "certificates",
            "执法证号",
            ("执法证件号", "执法证件号码", "证件号"),
            keep_text,
            note="与执法人员顺序一致",
            width=28,
        ),
        Column("experts", "专家", ("参加专家", "专家姓名"), keep_text),
        Column("findings", "发现问题数", ("发现问题", "问题数", "发现隐患数", "隐患数量"), parse_int, kind="number"),
        Column("major_findings", "其中重大事故隐患", ("重大隐患数", "重大事故隐患数"), parse_int, kind="number"),
        Column("penalty_amount", "罚款金额（元）", ("罚款数额", "处罚金额"), _amount, kind="number"),
        Column("basis", "处罚依据", ("法律依据",), keep_text, width=30),
        Column("penalty_ref", "处罚决定书文号", ("决定书文号", "处罚文书编号"), keep_text, width=22),
        Column("decided_on", "处罚决定日期", ("处罚日期",), parse_date, kind="date"),
        Column("summary", "检查情况", ("检查内容", "备注"), keep_text, width=40),
        Column("flags", "检查形式", ("执法方式",), keep_text, note="四不两直、明察暗访、异地交叉执法，多项用顿号分隔"),
    ),
)


def inspections_xlsx(qs: QuerySet[Inspection]) -> bytes:
    """The inspection ledger of ``qs`` as a workbook the import takes back (检查形式 shown as its three 是/否
    columns)."""
    columns = [c for c in INSPECTION_LEDGER.columns if c.field != "flags"]
    kinds = {"date": "date", "number": "decimal", "text": "text"}
    head = [XColumn(c.header, c.width, kinds[c.kind]) for c in columns]  # type: ignore[arg-type]
    return write_table(INSPECTION_LEDGER.title, head, inspection_ledger_rows(qs))


# --- the yearly plan's workbook ---------------------------------------------------------------------------------


def plan_xlsx(plan: InspectionPlan, progress: Progress, items: Iterable[Any]) -> bytes:
    """A plan and its progress as a workbook: a caption with the totals, then one row per enterprise (its class,
    inspections planned and made, the remainder)."""
    rate = progress.totals["rate"]
    caption = (
        f"{plan.title}（{plan.department.name}，{plan.year}年）：计划检查 {progress.totals['planned']} 次，"
        f"已完成 {progress.totals['done']} 次"
        + (f"（{rate:.0%}）" if rate is not None else "")
        + f"；双随机抽查计划 {progress.draws['planned']} 次，已开展 {progress.draws['done']} 次"
    )
    head = [
        XColumn("统一社会信用代码", 22),
        XColumn("企业名称", 30),
        XColumn("所在区划", 14),
        XColumn("行业领域", 14),
        XColumn("监管分类", 8),
        XColumn("计划检查次数", 10, "int"),
        XColumn("已检查次数", 10, "int"),
        XColumn("尚欠次数", 10, "int"),
        XColumn("说明", 30),
    ]

    def rows() -> Iterable[list[Any]]:
        for item in items:
            e = item.enterprise
            note = "" if item.planned else "未分类或D类：通过双随机抽查覆盖"
            yield [
                e.credit_code,
                e.name,
                e.region.name,
                e.sector.name,
                item.supervision_class or "未分类",
                item.planned,
                item.done,
                max(item.planned - item.done, 0),
                note,
            ]

    return write_table("年度监督检查计划", head, rows(), caption=caption)
