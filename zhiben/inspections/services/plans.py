"""Writes of yearly inspection plans (年度监督检查计划), with their typed input (DESIGN.md §8).

A plan is a member unit's for one year (one per unit and year: a second answers 409 naming ``year``) and one
region (the unit's own or one under it). Saving it lists its enterprises (``PlanItem``): those of the region
subtree, not closed, of the sectors the unit supervises there — the sectors it leads by the region's routing
(三管三必须, ``departments.selectors.lead_sectors``); a coordinating unit (安委办, 下级政府, 乡镇站所) leads no
sector and plans for the key sectors it names, or for every sector — each planned for the number of
inspections a year of its supervision class (``frequencies``, A–D, default ``ZHIBEN["INSPECTION_FREQUENCIES"]``,
provincial practice: FACTS §5). An enterprise with no class is planned for none: it is reached by the 双随机
draws only, as a D-class one is with the default of 0.

Who may save one: the unit's own officers, the committee office over the unit's region, admins.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from ninja import Field
from pydantic import BeforeValidator

from zhiben.accounts.models import Role, User
from zhiben.audit.services import event_append
from zhiben.common import dates
from zhiben.common.errors import Conflict, FieldErrors, PermissionDenied
from zhiben.common.inputs import Input, parse, required, text
from zhiben.common.validators import clean_decimal
from zhiben.departments.models import Department
from zhiben.departments.selectors import COORDINATING_KINDS, lead_sectors
from zhiben.departments.services import can_manage
from zhiben.enterprises.models import Enterprise, OperatingStatus
from zhiben.reference.models import Sector

from ..models import InspectionPlan, PlanItem
from .pools import department_in_reach, record_id, region_in_reach, sector_keys

CLASSES = ("A", "B", "C", "D")
MAX_FREQUENCY = 52  # once a week: more is not a plan


def default_frequencies() -> dict[str, int]:
    """Inspections a year per supervision class, from the settings (A–D)."""
    found = settings.ZHIBEN["INSPECTION_FREQUENCIES"]
    return {c: int(found.get(c, 0)) for c in CLASSES}


def _frequencies(raw: Any) -> dict[str, int] | None:
    """``{"A": 4, "B": 2 …}``: classes A–D (any case), whole numbers 0–52; the classes left out take the
    default. ValueError in Chinese naming the class otherwise."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, dict):
        raise ValueError('检查频次应为按监管分类填写的对象，如 {"A": 4, "B": 2, "C": 1, "D": 0}')
    out: dict[str, int] = {}
    for key, value in raw.items():
        cls = str(key).strip().upper()
        if cls not in CLASSES:
            raise ValueError(f"监管分类“{str(key)[:10]}”不正确，可选：A、B、C、D")
        number = value.strip() if isinstance(value, str) else value
        if isinstance(number, bool) or not (isinstance(number, int) or (isinstance(number, str) and number.isdigit())):
            raise ValueError(f"{cls}类检查频次应为0–{MAX_FREQUENCY}的整数（次/年）")
        count = int(number)
        if not 0 <= count <= MAX_FREQUENCY:
            raise ValueError(f"{cls}类检查频次应为0–{MAX_FREQUENCY}的整数（次/年）")
        out[cls] = count
    return out


def _year(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    text_ = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    if not text_.isdigit() or not 2000 <= int(text_) <= 2100:
        raise ValueError("年度应为2000–2100之间的年份，如 2026")
    return int(text_)


def _draws(raw: Any) -> int:
    if raw is None or raw == "":
        return 0
    text_ = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    if not text_.isdigit() or int(text_) > 365:
        raise ValueError("双随机抽查次数应为0–365的整数")
    return int(text_)


def _ratio(raw: Any) -> Decimal | None:
    return clean_decimal(raw, label="双随机抽查比例", minimum=Decimal(0), maximum=Decimal(100), places=2)


def _approved_on(raw: Any) -> datetime.date | None:
    day = dates.parse_day(raw, label="批准日期")
    if day is not None and day > dates.today():
        raise ValueError("批准日期不能晚于今天")
    return day


class PlanIn(Input):
    """新建年度监督检查计划."""

    region: Annotated[str, text("计划区划", 12, required=True)] = required(max_length=12, title="计划区划")
    department: Annotated[int | None, BeforeValidator(partial(record_id, label="执法单位"))] = required(
        title="执法单位", description="成员单位编号"
    )
    year: Annotated[int | None, BeforeValidator(_year)] = required(title="年度")
    title: Annotated[str, text("计划名称", 120, required=True)] = required(max_length=120, title="计划名称")
    frequencies: Annotated[dict[str, int] | None, BeforeValidator(_frequencies)] = Field(
        None,
        title="分类检查频次",
        description='每类企业每年检查次数，如 {"A": 4, "B": 2, "C": 1, "D": 0}；不填的类别按系统设置',
    )
    key_sectors: Annotated[list[str], BeforeValidator(partial(sector_keys, label="重点行业领域"))] = Field(
        default_factory=list, title="重点行业领域"
    )
    random_draws: Annotated[int, BeforeValidator(_draws)] = Field(0, title="双随机抽查次数")
    random_ratio: Annotated[Decimal | None, BeforeValidator(_ratio)] = Field(None, title="双随机抽查比例（%）")
    approved_on: Annotated[datetime.date | None, BeforeValidator(_approved_on)] = Field(None, title="批准日期")


def may_plan(actor: User, unit: Department) -> bool:
    """Whether ``actor`` may save ``unit``'s plans: its own officers, the committee office over it, admins."""
    if actor.role == Role.ADMIN:
        return True
    return bool(actor.is_regulator and (actor.department_id == unit.pk or can_manage(actor, unit.region_id)))


def plan_sectors(unit: Department, key_sectors: list[str]) -> tuple[list[str], bool]:
    """The sectors a plan of ``unit`` covers, and whether they are the unit's led sectors (else: a coordinating
    unit's key sectors, or every sector)."""
    if unit.kind in COORDINATING_KINDS:
        return (list(key_sectors) or list(Sector.objects.values_list("key", flat=True))), False
    return lead_sectors(unit), True


@transaction.atomic
def plan_create(*, actor: User, data: PlanIn | Mapping[str, Any]) -> InspectionPlan:
    """Save a unit's yearly plan and its enterprises (see the module's docstring): ``{region, department, year,
    title, frequencies?, key_sectors?, random_draws?, random_ratio?, approved_on?}``.

    Raises FieldErrors naming the field (a region outside the caller's or not the unit's, a unit out of reach, a
    frequency that is not 0–52, a key sector the unit does not lead, a unit that leads no sector there),
    PermissionDenied when ``actor`` may not plan for the unit, Conflict naming ``year`` when the unit has a plan
    for that year."""
    given = parse(PlanIn, data)
    region = region_in_reach(actor, given.region)
    unit = department_in_reach(actor, given.department)
    if given.year is None:
        raise FieldErrors({"year": "请填写年度"})
    if not region.code.startswith(unit.region_id):
        raise FieldErrors({"region": f"计划区划应为{unit.name}所在区划或其下级区划"})
    if not may_plan(actor, unit):
        raise PermissionDenied("只有本单位执法人员、安委会办公室或系统管理员可以制定本单位的检查计划")
    if InspectionPlan.objects.filter(department=unit, year=given.year).exists():
        raise Conflict(f"{unit.name}已有{given.year}年度监督检查计划", field="year")
    sectors, led = plan_sectors(unit, given.key_sectors)
    if led and not sectors:
        raise FieldErrors({"department": f"{unit.name}在本区划不牵头任何行业领域，计划没有检查对象"})
    stray = [k for k in given.key_sectors if k not in sectors]
    if stray:
        names = dict(Sector.objects.filter(key__in=stray).values_list("key", "name"))
        raise FieldErrors(
            {"key_sectors": f"{'、'.join(names.get(k, k) for k in stray)}不是{unit.name}牵头监管的行业领域"}
        )
    frequencies = {**default_frequencies(), **(given.frequencies or {})}
    try:
        with transaction.atomic():
            plan = InspectionPlan.objects.create(
                region=region,
                department=unit,
                year=given.year,
                title=given.title,
                frequencies=frequencies,
                key_sectors=given.key_sectors,
                random_draws=given.random_draws,
                random_ratio=given.random_ratio,
                approved_on=given.approved_on,
                created_by=actor,
            )
    except IntegrityError:  # saved by someone else a moment ago
        raise Conflict(f"{unit.name}已有{given.year}年度监督检查计划", field="year") from None
    firms = (
        Enterprise.objects.filter(region__code__startswith=region.code, sector_id__in=sectors)
        .exclude(status=OperatingStatus.CLOSED)
        .order_by("id")
        .values_list("id", "supervision_class")
    )
    items = [
        PlanItem(plan=plan, enterprise_id=pk, supervision_class=cls or "", planned=frequencies[cls] if cls else 0)
        for pk, cls in firms.iterator(chunk_size=2000)
    ]
    PlanItem.objects.bulk_create(items, batch_size=2000)
    event_append(
        actor=actor,
        subject_type="inspection_plan",
        subject_id=str(plan.pk),
        kind="created",
        payload={
            "title": plan.title,
            "region": region.code,
            "department": unit.name,
            "year": plan.year,
            "enterprises": len(items),
            "planned": sum(i.planned for i in items),
            "frequencies": frequencies,
            "key_sectors": plan.key_sectors,
            "random_draws": plan.random_draws,
            "random_ratio": plan.random_ratio,
        },
    )
    return plan
