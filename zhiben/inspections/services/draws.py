"""The writes of 双随机 draws (issue 14, "双随机, verifiable"): make a draw, publish it, discard it.

A draw is made once and never changed: its pools, seed and picks are what the algorithm (``inspections/draws.py``)
gave. Every draw is numbered in its unit's year without gaps (``serial``, under a lock) and written to the event
log with its seed, algorithm, pool digest and picks digest, so that no draw can be redone quietly: a redraw is
a new number, and a discarded draw stays public with its reason.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from django.db import transaction
from ninja import Field
from pydantic import BeforeValidator

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import actor_sector_keys, region_in_scope
from zhiben.audit.locks import hold
from zhiben.audit.services import event_append
from zhiben.common import dates
from zhiben.common.errors import FieldErrors, NotFound, PermissionDenied
from zhiben.common.inputs import Input, parse, required, text
from zhiben.common.validators import clean_decimal, clean_text, to_decimal
from zhiben.departments.models import Department
from zhiben.departments.selectors import department_get
from zhiben.enterprises.models import SupervisionClass
from zhiben.regions.codes import InvalidRegionCode, normalize_code
from zhiben.regions.models import Region

from .. import draws as algorithm
from ..declarations.draws import DRAW_LIFECYCLE
from ..models import Draw, DrawStatus, InspectionPlan
from ..rules import MIN_OFFICERS
from ..selectors.draws import (
    draw_get,
    draw_number,
    enterprise_pool,
    inspector_pool,
    may_draw,
    next_serial,
    sector_exists,
)

MAX_TEAM = 10
MAX_COUNT = 1_000_000
ID_MAX = 2**63 - 1


def _whole(raw: Any, *, label: str, low: int, high: int, default: int | None = None) -> int | None:
    """A whole number from ``low`` to ``high`` as JSON or a form gives it (``5``, ``"5"``, ``"５"``); ``default``
    for blank; ValueError in Chinese naming ``label`` otherwise (a yes/no, ``2.5``, text)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    value = to_decimal(raw)
    if value is None or not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"{label}应为整数")
    if not low <= value <= high:
        raise ValueError(f"{label}应在 {low}–{high} 之间")
    return int(value)


def _team(raw: Any) -> int:
    value = _whole(raw, label="每组执法人员数", low=0, high=MAX_TEAM, default=MIN_OFFICERS)
    assert value is not None
    if value < MIN_OFFICERS:
        raise ValueError(f"每组执法人员不得少于 {MIN_OFFICERS} 人（行政处罚法 第四十二条）")
    return value


def _region(raw: Any) -> str:
    if raw is None or not str(raw).strip():
        raise ValueError("请选择抽查区划")
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise ValueError("抽查区划应为行政区划代码")
    try:
        return normalize_code(str(raw))
    except InvalidRegionCode as exc:
        raise ValueError(str(exc)) from exc


def _classes(raw: Any) -> list[str]:
    """Supervision classes: a list (or text "A,B" from a form) of A–D, each once; empty: every class."""
    if raw is None or raw == "":
        return []
    items = raw.replace("，", ",").split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        raise ValueError('监管分类应为列表，如 ["A", "B"]')
    out: list[str] = []
    for item in items:
        value = str(item).strip().upper() if isinstance(item, str) else None
        if value not in SupervisionClass.values:
            raise ValueError(f"监管分类应为 {'、'.join(SupervisionClass.values)} 之一")
        if value not in out:
            out.append(value)
    return sorted(out)


def _seed(raw: Any) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return algorithm.check_seed(raw.strip() if isinstance(raw, str) else raw)
    except algorithm.DrawError as exc:
        raise ValueError(exc.message) from exc


def _id(raw: Any, *, label: str) -> int | None:
    return _whole(raw, label=label, low=1, high=ID_MAX)


class DrawRequest(Input):
    """A new draw (``POST /api/v1/draws``, the new-draw form): where, what and how many. Exactly one of
    ``enterprises`` (a count) and ``ratio`` (percent of the pool, rounded up, at least 1)."""

    region: Annotated[str, BeforeValidator(_region)] = required(title="抽查区划", description="行政区划代码（含下级）")
    sector: Annotated[str, text("行业领域", 40)] = Field("", title="行业领域", description="行业领域代码，空：全部")
    classes: Annotated[list[str], BeforeValidator(_classes)] = Field(
        default_factory=list, title="监管分类", description="A–D 中的若干类，空：全部"
    )
    enterprises: Annotated[int | None, BeforeValidator(partial(_whole, label="抽取企业数", low=1, high=MAX_COUNT))] = (
        Field(None, title="抽取企业数")
    )
    ratio: Annotated[
        Decimal | None,
        BeforeValidator(
            partial(clean_decimal, label="抽取比例", minimum=Decimal("0.01"), maximum=Decimal(100), places=2)
        ),
    ] = Field(None, title="抽取比例（%）")
    inspectors: Annotated[int, BeforeValidator(_team)] = Field(MIN_OFFICERS, title="每组执法人员数")
    seed: Annotated[str | None, BeforeValidator(_seed)] = Field(
        None, title="随机种子", description="1–128 位字母、数字、-、_；不填由系统生成"
    )
    department: Annotated[int | None, BeforeValidator(partial(_id, label="抽查单位"))] = Field(
        None, title="抽查单位", description="成员单位编号；不填为本人所在单位"
    )
    title: Annotated[str, text("抽查事项", 120)] = Field("", title="抽查事项")
    plan: Annotated[int | None, BeforeValidator(partial(_id, label="所属计划"))] = Field(None, title="所属计划")


def _unit(actor: User, department: int | None) -> Department:
    """The unit the draw is for: the one asked (404 if the actor cannot see it), else the actor's own."""
    if department is not None:
        unit = department_get(actor=actor, department_id=department)
        if unit is None:
            raise NotFound("成员单位不存在")
        return unit
    if actor.department_id is None or actor.department is None:
        raise FieldErrors({"department": "请选择抽查单位（您未加入成员单位）"})
    return actor.department


def _plan(unit: Department, plan: int | None, year: int) -> InspectionPlan | None:
    if plan is None:
        return None
    found = InspectionPlan.objects.filter(pk=plan, department=unit).first()
    if found is None:
        raise FieldErrors({"plan": "所属计划应为本单位的年度监督检查计划"})
    if found.year != year:
        raise FieldErrors({"plan": f"所属计划为 {found.year} 年度，抽查在 {year} 年"})
    return found


@transaction.atomic
def draw_create(
    *,
    actor: User,
    region: Any,
    department: Any = None,
    sector: Any = "",
    classes: Any = None,
    enterprises: Any = None,
    ratio: Any = None,
    inspectors: Any = MIN_OFFICERS,
    seed: Any = None,
    title: Any = "",
    plan: Any = None,
    today: datetime.date | None = None,
) -> Draw:
    """Draw ``enterprises`` enterprises (or ``ratio`` percent of the pool, rounded up, at least 1) of ``region``'s
    subtree — of ``sector`` (a key; blank: all) and supervision ``classes`` (A–D; empty: all), not closed — and for
    each a team of ``inspectors`` (≥ 2, 行政处罚法 第四十二条) of ``department``'s officers certified on the draw day
    (``today``, Beijing; default today), with ``seed`` (default: 16 random bytes as hex). Records the draw with the
    unit's next number of the year and a ``drawn`` event (seed, algorithm, pool and picks digests).

    Raises NotFound (404) for a region outside the actor's scope or a unit they cannot see; PermissionDenied (403)
    for an actor who is not an officer of the unit, of its committee office, or an admin; FieldErrors (422) naming
    the field for bad input, an empty pool, N above the pool, fewer certified officers than the team."""
    if actor.role not in (Role.ADMIN, Role.OFFICER):
        raise PermissionDenied("只有执法单位的执法人员、安委会办公室或管理员可以抽取")
    data = parse(
        DrawRequest,
        {
            "region": region,
            "department": department,
            "sector": sector or "",
            "classes": classes or [],
            "enterprises": enterprises,
            "ratio": ratio,
            "inspectors": inspectors,
            "seed": seed,
            "title": title or "",
            "plan": plan,
        },
    )
    code = data.region
    if not region_in_scope(actor, code):
        raise NotFound("该区划不在您的管辖范围内")
    if not Region.objects.filter(code=code).exists():
        raise FieldErrors({"region": f"行政区划代码 {code} 不存在"})
    unit = _unit(actor, data.department)
    if not may_draw(actor, unit):
        raise PermissionDenied(f"只有{unit.name}的执法人员、本级安委会办公室或管理员可以为其抽取")
    errors: dict[str, str] = {}
    if not code.startswith(unit.region_id):
        errors["region"] = f"抽查区划应在{unit.name}的辖区内"
    keys = actor_sector_keys(actor) if actor.role != Role.ADMIN else []
    if data.sector and not sector_exists(data.sector):
        errors["sector"] = f"行业领域“{data.sector}”不存在"
    elif keys and data.sector not in keys:
        errors["sector"] = "请选择您负责的行业领域"
    if (data.enterprises is None) == (data.ratio is None):
        errors["enterprises"] = "请填写抽取企业数或抽取比例（二选一）"
    if errors:
        raise FieldErrors(errors)
    day = today or dates.today()
    linked = _plan(unit, data.plan, day.year)
    firms = enterprise_pool(actor=actor, region=code, sector=data.sector, classes=data.classes)
    if not firms:
        raise FieldErrors({"region": "企业名录库为空：该区划内没有符合条件（行业、监管分类、未关闭）的企业"})
    count = data.enterprises
    if count is None:
        assert data.ratio is not None  # one of the two: checked above
        count = algorithm.count_from_ratio(len(firms), data.ratio)
    people = inspector_pool(actor=actor, department=unit, on=day)
    try:
        document = algorithm.run(
            seed=data.seed or algorithm.new_seed(),
            enterprises=firms,
            inspectors=people,
            count=count,
            team_size=data.inspectors,
        )
    except algorithm.DrawError as exc:
        if exc.field == "inspectors" and len(people) < data.inspectors:
            have = f"{unit.name}持有效执法证的在岗执法人员只有 {len(people)} 人"
            raise FieldErrors({"inspectors": f"{have}，不足每组 {data.inspectors} 人"}) from exc
        raise FieldErrors({exc.field: exc.message}) from exc
    with hold(f"draw:{unit.pk}:{day.year}"):
        serial = next_serial(department_id=unit.pk, year=day.year)
        draw = Draw.objects.create(
            region_id=code,
            department=unit,
            plan=linked,
            year=day.year,
            serial=serial,
            title=data.title or f"{unit.name}{day.year}年第{serial}次双随机抽查",
            sector=data.sector,
            classes=data.classes,
            enterprises_asked=data.enterprises,
            ratio=data.ratio,
            team_size=data.inspectors,
            seed=document["seed"],
            algorithm=algorithm.NAME,
            algorithm_version=algorithm.VERSION,
            pool_enterprises=document["pool"]["enterprises"],
            pool_inspectors=document["pool"]["inspectors"],
            pool_digest=document["pool"]["digest"],
            picks=document["picks"],
            drawn_by=actor,
        )
        event_append(
            actor=actor,
            subject_type="draw",
            subject_id=str(draw.pk),
            kind="drawn",
            payload={
                "number": draw_number(draw),
                "title": draw.title,
                "department": unit.pk,
                "region": code,
                "sector": data.sector,
                "classes": data.classes,
                "ratio": None if data.ratio is None else str(data.ratio),
                "enterprises": count,
                "inspectors": data.inspectors,
                "pool_enterprises": len(firms),
                "pool_inspectors": len(people),
                "seed": document["seed"],
                "algorithm": algorithm.NAME,
                "algorithm_version": algorithm.VERSION,
                "pool_digest": document["pool"]["digest"],
                "picks_digest": document["picks_digest"],
                "on": day.isoformat(),
            },
        )
    return draw


def _locked(actor: User, draw_id: int) -> Draw:
    """The draw for a change: 404 outside the actor's scope, 403 for one who may not draw for its unit; the row
    locked until the transaction ends (two clicks publish once)."""
    found = draw_get(actor=actor, draw_id=draw_id)
    if found is None:
        raise NotFound("抽查不存在")
    if not may_draw(actor, found.department):
        raise PermissionDenied(f"只有{found.department.name}的执法人员、本级安委会办公室或管理员可以操作")
    locked = Draw.objects.select_for_update().get(pk=found.pk)
    locked.department, locked.region = found.department, found.region
    return locked


@transaction.atomic
def draw_publish(*, actor: User, draw_id: int, today: datetime.date | None = None) -> Draw:
    """Publish a draw (公告): it appears on the public page with its pools, seed, picks and results. Only a draw
    just made (409 otherwise); ``published_on`` is ``today`` (Beijing)."""
    draw = _locked(actor, draw_id)
    arrow = DRAW_LIFECYCLE.take("publish", draw, actor)
    draw.status = arrow.target
    draw.published_on = today or dates.today()
    draw.save(update_fields=["status", "published_on"])
    event_append(
        actor=actor,
        subject_type="draw",
        subject_id=str(draw.pk),
        kind=arrow.event,
        payload={"published_on": draw.published_on.isoformat()},
    )
    return draw


@transaction.atomic
def draw_discard(*, actor: User, draw_id: int, reason: Any) -> Draw:
    """Discard a draw (作废), drawn or published, with a ``reason`` (required, ≤ 200 characters). The draw stays,
    shown publicly as 已作废 with its reason; a new draw takes the next number. 409 when already discarded."""
    draw = _locked(actor, draw_id)
    try:
        why = clean_text(reason, label="作废原因", max_length=200, required=True)
    except ValueError as exc:
        raise FieldErrors({"reason": str(exc)}) from exc
    arrow = DRAW_LIFECYCLE.take("discard", draw, actor)
    was = draw.status
    draw.status = arrow.target
    draw.discarded_reason = why
    draw.save(update_fields=["status", "discarded_reason"])
    event_append(
        actor=actor,
        subject_type="draw",
        subject_id=str(draw.pk),
        kind=arrow.event,
        payload={"reason": why, "was": DrawStatus(was).label},
    )
    return draw
