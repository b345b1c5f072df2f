"""Writes of the penalties register (行政处罚), with their typed inputs (DESIGN.md §8).

A penalty is recorded from an inspection (``POST /api/v1/inspections/{id}/penalties``: its enterprise, unit and
findings are the inspection's, and its team must have two certified officers, 行政处罚法 第四十二条) or on its own
(``POST /api/v1/penalties``: a decision recorded from a ledger or made without an inspection, naming the
enterprise). Either way, in one transaction: the row, the enforcement tallies (``tallies.enforcement_add``:
one penalty and its amount in yuan, in the month of the decision, for the enterprise's region code and the
unit), the event (``penalty``/``recorded``), and — when the penalty names a tip — the tip's fine, which becomes
the sum of the amounts of every penalty linked to it (``tips.services.tip_fine_set``: the reward reads it).

The rules (安全生产法 2021, the articles cited in ``BASES``):

- ``decided_on``: a Beijing day, not in the future, not before the inspection;
- ``amount``: yuan, ≥ 0, two decimals; a fine (罚款) fines the unit (``amount`` > 0) or, where the article fines
  the person only (第一百一十条: the principal's income), the person (``person_amount`` > 0);
- ``basis``: the article applied, required (the pages offer ``BASES``);
- ``hazard``: one of the inspection's findings (on its own: a hazard of the enterprise); a major one makes the
  penalty a major-hazard penalty (``major_hazard``, counted for 第一百一十三条);
- ``daily`` (第一百一十二条, 按日连续处罚): a fine continued by the day from ``daily_from`` — the day after the
  order to correct, so after the inspection — at ``daily_amount`` yuan a day (the original penalty's amount);
- ``external_ref``: the decision's number (决定书文号), once per unit.

Who may record and keep penalties: the unit's own officers, the committee office over the unit's region,
officers in scope who belong to no unit, and admins.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from django.db import transaction
from django.db.models import Count, Sum
from ninja import Field
from pydantic import BeforeValidator

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import region_in_scope, scoped
from zhiben.audit.services import NewEvent, event_append_many
from zhiben.common import dates
from zhiben.common.errors import Conflict, ErrorCollector, FieldErrors, NotFound, PermissionDenied
from zhiben.common.inputs import Input, choice, parse, required, text
from zhiben.common.ledgers import filter_in_chunks
from zhiben.common.names import name_key
from zhiben.common.validators import clean_credit_code, clean_decimal
from zhiben.departments.models import Department
from zhiben.departments.selectors import department_list, department_match
from zhiben.departments.services import can_manage
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.models import Hazard, Level
from zhiben.regions.resolve import resolve_region
from zhiben.tips.models import Outcome
from zhiben.tips.selectors import tip_get
from zhiben.tips.services import tip_fine_set

from .. import rules
from ..models import Finding, Inspection, PaymentStatus, Penalty, PenaltyKind
from ..selectors import inspection_get
from ..tallies import enforcement_add
from .pools import record_id

EARLIEST = datetime.date(2000, 1, 1)
MAX_AMOUNT = Decimal("999999999999.99")  # the column's 14 digits


@dataclass(frozen=True)
class Basis:
    """A common article of 安全生产法 (2021) and what it provides, in a line (read against the law's text)."""

    article: str
    gist: str
    kind: str = PenaltyKind.FINE

    @property
    def text(self) -> str:
        """The basis as a penalty cites it: ``安全生产法 第一百零二条``."""
        return f"安全生产法 {self.article}"


BASES: tuple[Basis, ...] = (
    Basis(
        "第九十七条",
        "安全管理机构和人员、考核、教育培训及其记录、隐患排查记录与通报、应急预案与演练、特种作业持证等基础管理缺失："
        "限期改正，可处10万元以下罚款；逾期未改正的停产停业整顿，并处10万–20万元，对直接责任人员处2万–5万元",
    ),
    Basis(
        "第九十九条",
        "安全警示标志、安全设备的安装使用检测和维护、监控报警设备（关闭、破坏或篡改数据）、劳动防护用品、淘汰工艺设备、"
        "餐饮等场所燃气报警装置等不符合规定：限期改正，可处5万元以下罚款；逾期未改正的处5万–20万元，"
        "对直接责任人员处1万–2万元，情节严重的停产停业整顿",
    ),
    Basis(
        "第一百零一条",
        "危险物品无专门安全管理制度或可靠措施、重大危险源未登记建档监控、危险作业无专人现场管理、未建立风险分级管控"
        "或隐患排查治理制度、重大事故隐患未按规定报告：限期改正，可处10万元以下罚款；逾期未改正的停产停业整顿，"
        "并处10万–20万元，对直接责任人员处2万–5万元",
    ),
    Basis(
        "第一百零二条",
        "未采取措施消除事故隐患：责令立即或限期消除，处5万元以下罚款；拒不执行的停产停业整顿，"
        "对直接负责的主管人员和其他直接责任人员处5万–10万元",
    ),
    Basis(
        "第一百一十条",
        "事故发生时主要负责人不立即组织抢救、调查处理期间擅离职守或逃匿，或对事故隐瞒不报、谎报、迟报："
        "降级、撤职处分，由应急管理部门处其上一年年收入60%–100%的罚款，逃匿的处15日以下拘留",
    ),
    Basis(
        "第一百一十二条",
        "被责令改正且受到罚款处罚后拒不改正：自作出责令改正之日的次日起，按原处罚数额按日连续处罚",
    ),
    Basis(
        "第一百一十三条",
        "存在重大事故隐患，180日内三次或者一年内四次受到本法规定的行政处罚等情形：提请地方人民政府予以关闭，"
        "依法吊销有关证照，主要负责人五年内不得担任任何生产经营单位的主要负责人",
        PenaltyKind.CLOSURE,
    ),
)


# --- inputs -----------------------------------------------------------------------------------------------------


def _money(raw: Any, *, label: str) -> Decimal | None:
    """Yuan, ≥ 0, at most two decimals (more are refused, never rounded away); None for blank."""
    return clean_decimal(raw, label=label, minimum=Decimal(0), maximum=MAX_AMOUNT, places=2)


def _decided_on(raw: Any) -> datetime.date | None:
    day = dates.parse_day(raw, label="决定日期")
    if day is None:
        raise ValueError("请填写处罚决定日期")
    if day > dates.today():
        raise ValueError("决定日期不能晚于今天")
    if day < EARLIEST:
        raise ValueError("决定日期不能早于2000年")
    return day


def _past_day(raw: Any, *, label: str) -> datetime.date | None:
    day = dates.parse_day(raw, label=label)
    if day is not None and day > dates.today():
        raise ValueError(f"{label}不能晚于今天")
    if day is not None and day < EARLIEST:
        raise ValueError(f"{label}不能早于2000年")
    return day


def _code(raw: Any) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    return clean_credit_code(raw)


class PenaltyIn(Input):
    """登记行政处罚决定 (from an inspection, or on its own)."""

    enterprise: Annotated[str, BeforeValidator(_code)] = Field(
        "", max_length=30, title="被处罚单位", description="统一社会信用代码（不依托检查登记时必填）"
    )
    department: Annotated[int | None, BeforeValidator(partial(record_id, label="处罚单位"))] = Field(
        None, title="处罚单位", description="成员单位编号；不填为本人所属单位（依托检查登记时为检查单位）"
    )
    kind: Annotated[str, choice("处罚种类", PenaltyKind.choices, allow_blank=False)] = Field(
        PenaltyKind.FINE, title="处罚种类"
    )
    decided_on: Annotated[datetime.date | None, BeforeValidator(_decided_on)] = required(title="决定日期")
    amount: Annotated[Decimal | None, BeforeValidator(partial(_money, label="罚款金额"))] = Field(
        None, title="罚款金额", description="对单位的罚款（元），两位小数"
    )
    basis: Annotated[str, text("处罚依据", 200, required=True)] = required(
        max_length=200, title="处罚依据", description="适用的法律条款，如“安全生产法 第一百零二条”"
    )
    facts: Annotated[str, text("违法事实", 4000)] = Field("", max_length=4000, title="违法事实")
    person: Annotated[str, text("被处罚人", 40)] = Field("", max_length=40, title="被处罚人")
    person_post: Annotated[str, text("职务", 40)] = Field("", max_length=40, title="职务")
    person_amount: Annotated[Decimal | None, BeforeValidator(partial(_money, label="对个人罚款"))] = Field(
        None, title="对个人罚款"
    )
    major_hazard: bool = Field(False, title="针对重大事故隐患")
    hazard: Annotated[int | None, BeforeValidator(partial(record_id, label="隐患编号"))] = Field(
        None, title="隐患编号", description="依托检查登记时须为该检查发现的隐患"
    )
    tip: Annotated[int | None, BeforeValidator(partial(record_id, label="举报编号"))] = Field(
        None, title="举报编号", description="由举报核查引起的处罚：举报的罚款金额按关联处罚合计"
    )
    daily: bool = Field(False, title="按日连续处罚")
    daily_from: Annotated[datetime.date | None, BeforeValidator(partial(_past_day, label="按日连续处罚起始日"))] = (
        Field(None, title="按日连续处罚起始日")
    )
    daily_amount: Annotated[Decimal | None, BeforeValidator(partial(_money, label="按日罚款"))] = Field(
        None, title="按日罚款", description="元/日：原处罚数额"
    )
    external_ref: Annotated[str, text("决定书文号", 80)] = Field("", max_length=80, title="决定书文号")


class PaymentIn(Input):
    """罚款缴纳与执行情况."""

    paid_amount: Annotated[Decimal | None, BeforeValidator(partial(_money, label="已缴金额"))] = Field(
        None, title="已缴金额"
    )
    paid_on: Annotated[datetime.date | None, BeforeValidator(partial(_past_day, label="缴纳日期"))] = Field(
        None, title="缴纳日期"
    )
    payment: Annotated[str, choice("缴纳情况", PaymentStatus.choices)] = Field(
        "", title="缴纳情况", description="不填时按已缴金额确定"
    )
    enforcement_note: Annotated[str, text("执行情况", 200)] = Field("", max_length=200, title="执行情况")


# --- who records ------------------------------------------------------------------------------------------------


def may_keep(actor: User, *, department_id: int | None, region_code: str) -> bool:
    """Whether ``actor`` may record and keep the penalties of unit ``department_id`` at ``region_code``: the
    unit's own officers, the committee office over the region, officers in scope without a unit, admins."""
    if actor.role == Role.ADMIN:
        return True
    if actor.role != Role.OFFICER or not region_in_scope(actor, region_code):
        return False
    if actor.department_id is None:
        return True
    return actor.department_id == department_id or can_manage(actor, region_code)


# --- checking ---------------------------------------------------------------------------------------------------


class Lookups:
    """What checking penalties reads, read once per actor (a ledger's thousand rows check against it): the
    enterprises and units in the actor's reach, and the decision numbers already used."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.firms: dict[str, Enterprise | None] = {}
        self.units: dict[int, Department | None] = {}
        self.units_by_name: dict[str, list[Department]] | None = None
        self.named: dict[str, Department | None] = {}

    def enterprise(self, code: str) -> Enterprise | None:
        if code not in self.firms:
            self.firms[code] = scoped(Enterprise.objects, self.actor).filter(credit_code=code).first()
        return self.firms[code]

    def preload(self, codes: Iterable[str]) -> None:
        """Read the enterprises of ``codes`` in a few queries (a ledger's rows name many)."""
        wanted = [c for c in set(codes) if c not in self.firms]
        for e in filter_in_chunks(scoped(Enterprise.objects, self.actor), "credit_code", wanted):
            self.firms[e.credit_code] = e
        for c in wanted:
            self.firms.setdefault(c, None)

    def unit(self, pk: int) -> Department | None:
        if pk not in self.units:
            self.units[pk] = department_list(actor=self.actor).filter(pk=pk).first()
        return self.units[pk]

    def unit_named(self, name: str) -> Department | None:
        """The unit a ledger's text names, among the active units the actor sees; None when none (or several
        equally) answers. Names are compared by ``name_key`` (（）and (), full-width letters, spaces). In order:
        a unit's name or alias; else a region as the region resolver reads it (秀山县, 秀山自治县, a slip in an
        autonomous county's name, a code) followed by the unit's name, alias or kind's usual name
        (``department_match``: 秀山县应急局); else, with no region written, a unit of the actor's own region
        (应急管理局). Several units answering (应急局 is an alias of the county's and the city's) are narrowed
        to the actor's own region: never the unit above, which the user did not write."""
        key = name_key(name)
        if key not in self.named:
            self.named[key] = self._unit_named(name, key)
        return self.named[key]

    def _unit_named(self, name: str, key: str) -> Department | None:
        if self.units_by_name is None:
            self.units_by_name = defaultdict(list)
            for u in department_list(actor=self.actor).filter(active=True).order_by("id"):
                for form in dict.fromkeys([name_key(u.name), *(name_key(a) for a in u.alias_list())]):
                    self.units_by_name[form].append(u)
        visible = {u.pk: u for units in self.units_by_name.values() for u in units}
        found = self._nearest(self.units_by_name.get(key, []))
        if found is not None or key in self.units_by_name:
            return found
        text = name.strip()
        for cut in range(len(text) - 1, 1, -1):  # the longest region the text starts with, then its unit
            try:
                code = resolve_region(text[:cut], within=self.actor.region_id)
            except ValueError:
                continue
            units = [visible[u.pk] for u in department_match(region_code=code, text=text[cut:]) if u.pk in visible]
            if units:
                return units[0] if len(units) == 1 else None
        if self.actor.region_id:
            units = department_match(region_code=self.actor.region_id, text=text)
            units = [visible[u.pk] for u in units if u.pk in visible]
            if len(units) == 1:
                return units[0]
        return None

    def _nearest(self, units: list[Department]) -> Department | None:
        """One unit of ``units``: the only one, or the only one of the actor's own region."""
        if len(units) <= 1:
            return units[0] if units else None
        own = [u for u in units if u.region_id == self.actor.region_id]
        return own[0] if len(own) == 1 else None


def ref_taken(*, department_id: int | None, enterprise_id: int, external_ref: str, exclude: int | None = None) -> bool:
    """Whether decision number ``external_ref`` is used already by the unit (by the enterprise's penalties
    when no unit is named)."""
    if not external_ref:
        return False
    qs = Penalty.objects.filter(external_ref=external_ref)
    qs = qs.filter(department_id=department_id) if department_id else qs.filter(enterprise_id=enterprise_id)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def check_penalty(
    given: PenaltyIn,
    *,
    actor: User,
    inspection: Inspection | None = None,
    lookups: Lookups | None = None,
    department: Department | None = None,
    exclude: int | None = None,
) -> dict[str, Any]:
    """Every rule of the module's docstring on ``given``; answers the model's fields (``enterprise_id``,
    ``region_id``, ``sector_id``, ``department_id``, ``inspection_id``, ``hazard_id``, ``tip_id`` and the values)
    or raises FieldErrors naming every bad field at once. ``department`` (a ledger's unit column, already
    resolved) takes the place of ``given.department``. Reads, never writes."""
    look = lookups or Lookups(actor)
    errors = ErrorCollector()
    firm: Enterprise | None = None
    if inspection is not None:
        firm = inspection.enterprise
        if given.enterprise and given.enterprise != firm.credit_code:
            errors.add("enterprise", "与检查的被检查单位不一致（依托检查登记时可不填）")
    elif not given.enterprise:
        errors.add("enterprise", "请填写被处罚单位的统一社会信用代码")
    else:
        firm = look.enterprise(given.enterprise)
        if firm is None:
            errors.add("enterprise", "未找到该统一社会信用代码对应的企业（须为您管辖范围内已登记的企业）")
    unit = _unit(actor, given, inspection, look, department, errors)
    amount = given.amount if given.amount is not None else Decimal(0)
    person_amount = given.person_amount if given.person_amount is not None else Decimal(0)
    if given.kind == PenaltyKind.FINE and amount <= 0 and person_amount <= 0:
        errors.add("amount", "罚款金额应大于0（只对个人罚款的，填写对个人罚款）")
    if person_amount > 0 and not given.person:
        errors.add("person", "对个人罚款时请填写被处罚人")
    decided_on = given.decided_on
    if inspection is not None and decided_on is not None and decided_on < inspection.on:
        errors.add("decided_on", f"决定日期不能早于检查日期（{inspection.on:%Y-%m-%d}）")
    major = given.major_hazard
    hazard_id = None
    if given.hazard is not None and firm is not None:
        hazard = _hazard(actor, given.hazard, firm, inspection)
        if hazard is None:
            errors.add("hazard", "须为该检查发现的隐患" if inspection is not None else "隐患不存在，或不是该企业的隐患")
        else:
            hazard_id = hazard.pk
            major = major or hazard.level == Level.MAJOR
    tip_id = None
    if given.tip is not None:
        tip = tip_get(actor=actor, tip_id=given.tip)
        if tip is None:
            errors.add("tip", "举报不存在或不在您的管辖范围内")
        elif tip.outcome == Outcome.UNFOUNDED:
            errors.add("tip", "该举报经核查不属实，不能关联处罚")
        elif firm is not None and tip.enterprise_id is not None and tip.enterprise_id != firm.pk:
            errors.add("tip", "该举报的被举报单位不是被处罚单位")
        else:
            tip_id = tip.pk
    _daily(given, amount, inspection, errors)
    ref = given.external_ref
    unit_id = unit.pk if unit else None
    if (
        ref
        and firm is not None
        and ref_taken(department_id=unit_id, enterprise_id=firm.pk, external_ref=ref, exclude=exclude)
    ):
        errors.add("external_ref", f"决定书文号 {ref} 已登记")
    errors.raise_if_any()
    assert firm is not None
    assert decided_on is not None
    return {
        "enterprise_id": firm.pk,
        "region_id": firm.region_id,
        "sector_id": firm.sector_id,
        "department_id": unit.pk if unit else None,
        "inspection_id": inspection.pk if inspection is not None else None,
        "hazard_id": hazard_id,
        "tip_id": tip_id,
        "kind": given.kind,
        "decided_on": decided_on,
        "amount": amount,
        "basis": given.basis,
        "facts": given.facts,
        "person": given.person,
        "person_post": given.person_post,
        "person_amount": person_amount,
        "major_hazard": major,
        "daily": given.daily,
        "daily_from": given.daily_from if given.daily else None,
        "daily_amount": given.daily_amount if given.daily else None,
        "external_ref": ref,
    }


def _unit(
    actor: User,
    given: PenaltyIn,
    inspection: Inspection | None,
    look: Lookups,
    resolved: Department | None,
    errors: ErrorCollector,
) -> Department | None:
    """The deciding unit: the inspection's; else the ledger's, the one named, or the actor's own."""
    if inspection is not None:
        return inspection.department
    if resolved is not None:
        unit: Department | None = resolved
    elif given.department is not None:
        unit = look.unit(given.department)
        if unit is None:
            errors.add("department", f"成员单位 {given.department} 不存在或不在您的辖区内")
            return None
    else:
        unit = look.unit(actor.department_id) if actor.department_id else None
    if (
        unit is not None
        and actor.role != Role.ADMIN
        and not may_keep(actor, department_id=unit.pk, region_code=unit.region_id)
    ):
        errors.add("department", f"您不能登记{unit.name}的行政处罚")
    return unit


def _hazard(actor: User, pk: int, firm: Enterprise, inspection: Inspection | None) -> Hazard | None:
    if inspection is not None:
        found = Finding.objects.filter(inspection=inspection, hazard_id=pk).select_related("hazard").first()
        return found.hazard if found is not None else None
    return scoped(Hazard.objects, actor).filter(pk=pk, enterprise_id=firm.pk).first()


def _daily(given: PenaltyIn, amount: Decimal, inspection: Inspection | None, errors: ErrorCollector) -> None:
    """第一百一十二条: a continuing fine counts from the day after the order to correct (made at the inspection
    at the earliest), at the original penalty's amount a day."""
    if not given.daily:
        if given.daily_from is not None:
            errors.add("daily_from", "未选择按日连续处罚时不填")
        if given.daily_amount is not None:
            errors.add("daily_amount", "未选择按日连续处罚时不填")
        return
    if given.kind != PenaltyKind.FINE:
        errors.add("daily", "按日连续处罚的处罚种类应为罚款")
    if given.daily_from is None:
        errors.add("daily_from", "请填写按日连续处罚起始日（责令改正之日的次日）")
    elif given.decided_on is not None and given.daily_from > given.decided_on:
        errors.add("daily_from", "按日连续处罚起始日不能晚于决定日期")
    elif inspection is not None and given.daily_from <= inspection.on:
        errors.add("daily_from", f"按日连续处罚自责令改正之日的次日起计算，应晚于检查日期（{inspection.on:%Y-%m-%d}）")
    if given.daily_amount is None or given.daily_amount <= 0:
        errors.add("daily_amount", "请填写按日罚款金额（原处罚数额，元/日）")


def daily_days(penalty: Penalty) -> int | None:
    """Days of a continuing fine from ``daily_from`` to the decision, both counted; None when not daily."""
    if not penalty.daily or penalty.daily_from is None:
        return None
    return (penalty.decided_on - penalty.daily_from).days + 1


# --- payment ----------------------------------------------------------------------------------------------------


def check_payment(given: PaymentIn, *, amount: Decimal, decided_on: datetime.date, prefix: str = "") -> dict[str, Any]:
    """The payment fields (``payment``, ``paid_amount``, ``paid_on``, ``enforcement_note``) of a penalty of
    ``amount`` yuan decided on ``decided_on``, consistent with each other; FieldErrors naming each bad field
    otherwise. Without ``payment`` the state follows the amount paid (nothing: 未缴纳, or 无需缴纳 for a penalty
    without a fine; part: 部分缴纳; all: 已缴纳); 已缴纳 without an amount means the whole amount."""
    errors = ErrorCollector()
    status = given.payment
    paid = given.paid_amount
    if status == PaymentStatus.PAID and paid is None:
        paid = amount
    paid = paid if paid is not None else Decimal(0)
    if paid > amount:
        errors.add(f"{prefix}paid_amount", f"已缴金额不能超过罚款金额（{amount} 元）")
    if not status:
        if amount == 0:
            status = PaymentStatus.EXEMPT
        elif paid == 0:
            status = PaymentStatus.UNPAID
        else:
            status = PaymentStatus.PAID if paid >= amount else PaymentStatus.PARTLY
    if status == PaymentStatus.PAID and paid != amount:
        errors.add(f"{prefix}paid_amount", f"已缴纳时已缴金额应等于罚款金额（{amount} 元）")
    if status == PaymentStatus.PARTLY and not 0 < paid < amount:
        errors.add(f"{prefix}paid_amount", "部分缴纳时已缴金额应大于0且小于罚款金额")
    if status == PaymentStatus.UNPAID and paid != 0:
        errors.add(f"{prefix}payment", "已有缴纳金额，不能标为未缴纳")
    if status == PaymentStatus.EXEMPT and amount != 0:
        errors.add(f"{prefix}payment", "有罚款的处罚不能标为无需缴纳")
    if status == PaymentStatus.ENFORCED and not given.enforcement_note:
        errors.add(f"{prefix}enforcement_note", "申请强制执行时请填写执行情况（如申请日期、受理法院）")
    if paid > 0 and given.paid_on is None:
        errors.add(f"{prefix}paid_on", "请填写缴纳日期")
    if given.paid_on is not None and paid == 0:
        errors.add(f"{prefix}paid_on", "没有缴纳金额时不填缴纳日期")
    if given.paid_on is not None and given.paid_on < decided_on:
        errors.add(f"{prefix}paid_on", f"缴纳日期不能早于决定日期（{decided_on:%Y-%m-%d}）")
    errors.raise_if_any()
    return {
        "payment": status,
        "paid_amount": paid,
        "paid_on": given.paid_on,
        "enforcement_note": given.enforcement_note,
    }


# --- writing ----------------------------------------------------------------------------------------------------


def _snapshot(p: Penalty) -> dict[str, Any]:
    """What a penalty's event records (no person's name: the chain is kept for ever)."""
    return {
        "enterprise": p.enterprise.credit_code if p.enterprise_id else "",
        "kind": p.kind,
        "decided_on": p.decided_on,
        "amount": p.amount,
        "basis": p.basis,
        "person_amount": p.person_amount,
        "major_hazard": p.major_hazard,
        "inspection": p.inspection_id,
        "hazard": p.hazard_id,
        "tip": p.tip_id,
        "daily": p.daily,
        "daily_from": p.daily_from,
        "daily_amount": p.daily_amount,
        "external_ref": p.external_ref,
        "payment": p.payment,
    }


def _tally(rows: Iterable[tuple[str, int | None, datetime.date, int, Decimal]]) -> None:
    """Add ``(region code, unit, day, penalties, amount)`` to the enforcement tallies, one write per month row."""
    sums: dict[tuple[str, int, str], list[Any]] = defaultdict(lambda: [0, Decimal(0), None])
    for region, unit, day, n, amount in rows:
        key = (region, unit or 0, f"{day:%Y-%m}")
        sums[key][0] += n
        sums[key][1] += amount
        sums[key][2] = day
    for (region, unit, _), (n, amount, day) in sums.items():
        enforcement_add(region_code=region, department_id=unit or None, day=day, penalties=n, penalty_amount=amount)


def tips_refresh(actor: User, tip_ids: Iterable[int | None]) -> None:
    """Set each tip's fine to the sum of the amounts of the penalties linked to it (``tip_fine_set``), in the
    caller's transaction."""
    wanted = sorted({t for t in tip_ids if t})
    if not wanted:
        return
    sums = {
        r["tip_id"]: (r["total"] or Decimal(0), r["n"])
        for r in Penalty.objects.filter(tip_id__in=wanted).values("tip_id").annotate(total=Sum("amount"), n=Count("pk"))
    }
    for tip_id in wanted:
        total, n = sums.get(tip_id, (Decimal(0), 0))
        tip_fine_set(actor=actor, tip_id=tip_id, fine=total, penalties=n)


def penalty_create_many(
    *, actor: User, rows: Sequence[Mapping[str, Any]], context: Iterable[Mapping[str, Any]] | None = None
) -> list[Penalty]:
    """Record many penalties at once (a ledger import; ``penalty_record`` is a batch of one); returns them in
    the order of ``rows``.

    ``rows`` are ``check_penalty``'s fields, optionally with the payment fields of ``check_payment``; each gets
    a ``recorded`` event (plus, for each row in order, ``context``'s additions: the import's job and row), the
    tallies their penalty and amount, and the tips named their fine — one transaction (the caller's, if any)."""
    extras = iter(context) if context is not None else None
    made = [Penalty(created_by=actor, **dict(row)) for row in rows]
    with transaction.atomic():
        Penalty.objects.bulk_create(made, batch_size=1000)
        firms = {e.pk: e for e in Enterprise.objects.filter(pk__in={p.enterprise_id for p in made})}
        for p in made:
            p.enterprise = firms[p.enterprise_id]
        events = [
            NewEvent("penalty", str(p.pk), "recorded", {**_snapshot(p), **(next(extras) if extras else {})})
            for p in made
        ]
        event_append_many(actor=actor, events=events)
        _tally((p.region_id, p.department_id, p.decided_on, 1, p.amount) for p in made)
        tips_refresh(actor, (p.tip_id for p in made))
    return made


# the fields a re-imported ledger row may change on a penalty it recorded before
UPDATABLE = (
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
    "payment",
    "paid_amount",
    "paid_on",
    "enforcement_note",
)


def penalty_update_many(
    *,
    actor: User,
    rows: Sequence[tuple[Penalty, Mapping[str, Any]]],
    context: Iterable[Mapping[str, Any]] | None = None,
    kind: str = "updated",
) -> int:
    """Change many penalties at once (a ledger re-import): ``rows`` are ``(penalty, fields)`` with the fields of
    ``UPDATABLE`` that change. Each changed penalty is saved with an event (``kind``: ``updated``, or
    ``payment_recorded`` for a payment) naming each field's before and after; the tallies move its amount (and
    its count, when the decision's month changes); the tips linked get their fine again. Returns how many
    changed. One transaction."""
    extras = iter(context) if context is not None else None
    tally: list[tuple[str, int | None, datetime.date, int, Decimal]] = []
    events = []
    tips: set[int] = set()
    changed = 0
    with transaction.atomic():
        current = {p.pk: p for p in Penalty.objects.select_for_update().filter(pk__in=[p.pk for p, _ in rows])}
        for given, fields in rows:
            extra = next(extras) if extras is not None else {}
            p = current.get(given.pk)
            if p is None:
                raise NotFound("行政处罚记录不存在")
            before = {k: getattr(p, k) for k in UPDATABLE}
            tally.append((p.region_id, p.department_id, p.decided_on, -1, -p.amount))
            for k, v in fields.items():
                if k not in UPDATABLE:
                    raise ValueError(f"not a field a ledger changes: {k}")
                setattr(p, k, v)
            tally.append((p.region_id, p.department_id, p.decided_on, 1, p.amount))
            changes = {k: [before[k], getattr(p, k)] for k in UPDATABLE if str(before[k]) != str(getattr(p, k))}
            if not changes:
                tally = tally[:-2]
                continue
            p.save(update_fields=list(changes))
            changed += 1
            if p.tip_id and "amount" in changes:
                tips.add(p.tip_id)
            events.append(NewEvent("penalty", str(p.pk), kind, {"changes": changes, **extra}))
        event_append_many(actor=actor, events=events)
        _tally(tally)
        tips_refresh(actor, tips)
    return changed


def _inspection_for(actor: User, inspection_id: int) -> Inspection:
    found = inspection_get(actor=actor, inspection_id=inspection_id)
    if found is None:
        raise NotFound("检查不存在")
    return found


def penalty_record(*, actor: User, data: PenaltyIn | Mapping[str, Any], inspection_id: int | None = None) -> Penalty:
    """Record one penalty decision, from inspection ``inspection_id`` or on its own (see the module's docstring).

    Raises NotFound for an inspection ``actor`` may not see; PermissionDenied for a role or unit that records no
    penalties here; Conflict when the inspection's team has fewer than two officers with certificates
    (``rules.issue_refusal``, 行政处罚法 第四十二条) or the decision number is used; FieldErrors naming every bad
    field."""
    with transaction.atomic():
        inspection = None
        if inspection_id is not None:
            inspection = _inspection_for(actor, inspection_id)
            if not may_keep(actor, department_id=inspection.department_id, region_code=inspection.region_id):
                raise PermissionDenied("只有检查单位的执法人员、安委会办公室或系统管理员可以登记该检查的行政处罚")
            refusal = rules.issue_refusal(list(inspection.team.all()))
            if refusal:
                raise Conflict(refusal)
        elif actor.role not in (Role.ADMIN, Role.OFFICER):
            raise PermissionDenied("您的角色不能登记行政处罚")
        given = parse(PenaltyIn, data)
        try:
            cleaned = check_penalty(given, actor=actor, inspection=inspection)
        except FieldErrors as exc:
            ref = exc.errors.get("external_ref", "")
            if ref.endswith("已登记") and len(exc.errors) == 1:
                raise Conflict(ref, field="external_ref") from None
            raise
        if inspection is None and not may_keep(
            actor, department_id=cleaned["department_id"], region_code=cleaned["region_id"]
        ):
            raise PermissionDenied("您不能登记该单位的行政处罚")
        (made,) = penalty_create_many(actor=actor, rows=[cleaned])
    return made


def penalty_payment(*, actor: User, penalty: Penalty, data: PaymentIn | Mapping[str, Any]) -> Penalty:
    """Record a penalty's payment and enforcement (``{paid_amount, paid_on, payment, enforcement_note}``, see
    ``check_payment``); ``penalty`` is one ``actor`` may see (the caller's 404). Raises PermissionDenied unless
    ``actor`` keeps the unit's penalties, FieldErrors naming each bad field."""
    with transaction.atomic():
        locked = Penalty.objects.select_for_update().select_related("enterprise").get(pk=penalty.pk)
        if not may_keep(actor, department_id=locked.department_id, region_code=locked.region_id):
            raise PermissionDenied("只有处罚单位的执法人员、安委会办公室或系统管理员可以登记缴纳情况")
        given = parse(PaymentIn, data)
        fields = check_payment(given, amount=locked.amount, decided_on=locked.decided_on)
        penalty_update_many(actor=actor, rows=[(locked, fields)], kind="payment_recorded")
        locked.refresh_from_db()
    return locked
