"""Writes of the risk register (风险分级管控清单, issue 15), with their typed inputs (DESIGN.md §8).

The register is the enterprise's own work: its staff (``Role.ENTERPRISE`` of that enterprise) and admins write it,
officers read it (``selectors.may_edit``). A record the actor cannot see answers 404 (``NotFound``) exactly like a
missing one; one they can see but not change answers 403 (``PermissionDenied``).

The chain is unit (风险分析单元) → event (风险事件) → control measure (管控措施), all of one enterprise. Events are
scored by the enterprise's method (``RiskProfile.method``: LEC or L×S, ``rules.score``) and graded by the bands in
settings (``rules.grade_for``); after every change to units or events the grades of the units and of the
enterprise follow (``grades.regrade``) in the same transaction. Deletion is a soft delete (``deleted=True``) so the
national interface's incremental feed can tell it: deleting a unit deletes its events and measures, and stops the
check tasks of those measures.

Every change is an audit event on the subject type ``risk_unit`` (subject: the unit, for its events and measures
too) or ``risk_profile`` (subject: the enterprise id).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from django.db import transaction
from django.utils import timezone
from ninja import Field
from pydantic import BeforeValidator

from zhiben.accounts.models import Role, User
from zhiben.audit.services import event_append
from zhiben.common.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from zhiben.common.inputs import Input, choice, parse, required, text
from zhiben.common.validators import clean_credit_code, to_halfwidth
from zhiben.enterprises.models import Enterprise

from .. import grades, rules
from ..models import CheckTask, ControlMeasure, Method, RiskEvent, RiskProfile, RiskUnit, UnitKind
from ..selectors import enterprise_visible, events_visible, may_edit, measures_visible, units_visible

ID_MAX = 2**63 - 1
LEC_FACTORS = ("l", "e", "c")
LS_FACTORS = ("likelihood", "severity")
FACTORS = {Method.LEC.value: LEC_FACTORS, Method.LS.value: LS_FACTORS}
WRITE_REFUSED = "只有本企业人员或系统管理员可以修改风险分级管控清单"


def record_id(raw: Any, *, label: str) -> int | None:
    """A record's number (a whole number, as JSON or text) or None for blank; ValueError in Chinese naming
    ``label`` for anything else (a yes/no is not record #1)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ValueError(f"{label}应为编号（整数）")
    digits = to_halfwidth(str(raw)).strip()
    if not digits.isdigit() or not 0 < int(digits) <= ID_MAX:
        raise ValueError(f"{label}应为编号（正整数）")
    return int(digits)


def factor(raw: Any, *, label: str) -> str | None:
    """A scoring factor as typed (a number as JSON or text, full-width digits made ASCII), or None for blank. Only
    its shape is read here; ``rules.score`` checks it against the method's table and names the field."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise ValueError(f"{label}应为数字")
    value = to_halfwidth(str(raw)).strip()
    if len(value) > 20:
        raise ValueError(f"{label}应为数字")
    return value or None


def _credit_code_or_blank(raw: Any) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    return clean_credit_code(raw)


def _factor(label: str) -> BeforeValidator:
    return BeforeValidator(partial(factor, label=label))


def _id(label: str) -> BeforeValidator:
    return BeforeValidator(partial(record_id, label=label))


def _required_id(raw: Any, *, label: str) -> int:
    found = record_id(raw, label=label)
    if found is None:
        raise ValueError(f"请选择{label}")
    return found


UNIT_KINDS = UnitKind.choices
METHODS = Method.choices
CLASSIFY1_CHOICES = list(rules.CLASSIFY1.items())


class ProfileIn(Input):
    """双重预防设置: the enterprise's scoring method and its safety manager (安全管理负责人, the second rung of the
    missed-check ladder; an active user of the enterprise)."""

    method: Annotated[str | None, choice("风险评价方法", METHODS)] = Field(
        None, title="风险评价方法", description="lec（作业条件危险性分析法）或 ls（风险矩阵法）；不填：不修改"
    )
    safety_manager: Annotated[str | None, text("安全管理负责人", 150)] = Field(
        None, max_length=150, title="安全管理负责人", description="本企业用户的登录名；空字符串：清除；不填：不修改"
    )


class UnitIn(Input):
    """登记风险分析单元: a device, an installation, a place or a job, with who answers for its risks."""

    enterprise: Annotated[str, BeforeValidator(_credit_code_or_blank)] = Field(
        "", max_length=30, title="企业", description="企业的统一社会信用代码（企业用户不填：本企业）"
    )
    name: Annotated[str, text("风险分析单元名称", 100, required=True)] = required(
        max_length=100, title="风险分析单元名称"
    )
    kind: Annotated[str, choice("单元类型", UNIT_KINDS)] = Field(
        UnitKind.INSTALLATION.value,
        title="单元类型",
        description="device 设备设施 · installation 生产装置/单元 · place 场所区域 · job 作业活动",
    )
    hazard_source_code: Annotated[str, text("重大危险源编码", 40)] = Field("", max_length=40, title="重大危险源编码")
    department: Annotated[str, text("责任部门", 60, required=True)] = required(max_length=60, title="责任部门")
    responsible: Annotated[str, text("责任人", 40, required=True)] = required(max_length=40, title="责任人")


class UnitChange(Input):
    """风险分析单元变更 (only the fields given change)."""

    name: Annotated[str | None, text("风险分析单元名称", 100, required=True)] = Field(
        None, max_length=100, title="风险分析单元名称"
    )
    kind: Annotated[str | None, choice("单元类型", UNIT_KINDS, allow_blank=False)] = Field(None, title="单元类型")
    hazard_source_code: Annotated[str | None, text("重大危险源编码", 40)] = Field(
        None, max_length=40, title="重大危险源编码"
    )
    department: Annotated[str | None, text("责任部门", 60, required=True)] = Field(
        None, max_length=60, title="责任部门"
    )
    responsible: Annotated[str | None, text("责任人", 40, required=True)] = Field(None, max_length=40, title="责任人")


_L_HELP = "LEC 法：0.1、0.2、0.5、1、3、6、10 之一"
_E_HELP = "LEC 法：0.5、1、2、3、6、10 之一"
_C_HELP = "LEC 法：1、3、7、15、40、100 之一"


class _Factors(Input):
    """The factors of a risk event, by the enterprise's method — LEC: ``l``, ``e``, ``c``; L×S: ``likelihood``,
    ``severity`` (1–5) — shared by a new event and a change."""

    l: Annotated[str | None, _factor("L（事故发生的可能性）")] = Field(  # noqa: E741
        None, title="L（事故发生的可能性）", description=_L_HELP
    )
    e: Annotated[str | None, _factor("E（暴露于危险环境的频繁程度）")] = Field(
        None, title="E（暴露于危险环境的频繁程度）", description=_E_HELP
    )
    c: Annotated[str | None, _factor("C（发生事故产生的后果）")] = Field(
        None, title="C（发生事故产生的后果）", description=_C_HELP
    )
    likelihood: Annotated[str | None, _factor("L（可能性）")] = Field(
        None, title="L（可能性）", description="风险矩阵法：1–5 的整数"
    )
    severity: Annotated[str | None, _factor("S（严重性）")] = Field(
        None, title="S（严重性）", description="风险矩阵法：1–5 的整数"
    )


class EventIn(_Factors):
    """登记风险事件: what can go wrong at a unit, with the factors of the enterprise's method — LEC: ``l``, ``e``,
    ``c``; L×S: ``likelihood``, ``severity`` (1–5). The score and the grade follow."""

    name: Annotated[str, text("风险事件名称", 100, required=True)] = required(max_length=100, title="风险事件名称")
    consequence: Annotated[str, text("可能导致的事故类型", 100)] = Field("", max_length=100, title="可能导致的事故类型")


class EventChange(_Factors):
    """风险事件变更 (only the fields given change; a changed factor re-scores and re-grades the event)."""

    name: Annotated[str | None, text("风险事件名称", 100, required=True)] = Field(
        None, max_length=100, title="风险事件名称"
    )
    consequence: Annotated[str | None, text("可能导致的事故类型", 100)] = Field(
        None, max_length=100, title="可能导致的事故类型"
    )


class MeasureIn(Input):
    """登记管控措施: a control measure of one risk event, classified as the national interface classifies them
    (``classify1`` 管控方式, ``classify2`` 管控措施分类 of that class, ``rules.CLASSIFY2``)."""

    event: Annotated[int | None, BeforeValidator(partial(_required_id, label="风险事件"))] = required(
        title="风险事件", description="风险事件编号"
    )
    unit: Annotated[int | None, _id("风险分析单元")] = Field(
        None, title="风险分析单元", description="风险分析单元编号（可不填；填写时风险事件须属于该单元）"
    )
    enterprise: Annotated[str, BeforeValidator(_credit_code_or_blank)] = Field(
        "", max_length=30, title="企业", description="企业的统一社会信用代码（可不填；填写时风险事件须属于该企业）"
    )
    description: Annotated[str, text("管控措施", 500, required=True)] = required(max_length=500, title="管控措施")
    classify1: Annotated[str, choice("管控方式", CLASSIFY1_CHOICES, allow_blank=False)] = required(
        title="管控方式", description="1 工程技术 · 2 维护保养 · 3 操作行为 · 4 应急措施"
    )
    classify2: Annotated[str, text("管控措施分类", 20, required=True)] = required(
        max_length=20, title="管控措施分类", description="所选管控方式下的分类代码，如 1-1 工艺控制"
    )
    classify3: Annotated[str, text("管控措施细类", 60)] = Field("", max_length=60, title="管控措施细类")
    content: Annotated[str, text("隐患排查内容", 500)] = Field("", max_length=500, title="隐患排查内容")
    department: Annotated[str, text("责任部门", 60)] = Field("", max_length=60, title="责任部门")
    responsible: Annotated[str, text("责任人", 40)] = Field("", max_length=40, title="责任人")


class MeasureChange(Input):
    """管控措施变更 (only the fields given change; the class and sub-class are checked together)."""

    description: Annotated[str | None, text("管控措施", 500, required=True)] = Field(
        None, max_length=500, title="管控措施"
    )
    classify1: Annotated[str | None, choice("管控方式", CLASSIFY1_CHOICES, allow_blank=False)] = Field(
        None, title="管控方式"
    )
    classify2: Annotated[str | None, text("管控措施分类", 20, required=True)] = Field(
        None, max_length=20, title="管控措施分类"
    )
    classify3: Annotated[str | None, text("管控措施细类", 60)] = Field(None, max_length=60, title="管控措施细类")
    content: Annotated[str | None, text("隐患排查内容", 500)] = Field(None, max_length=500, title="隐患排查内容")
    department: Annotated[str | None, text("责任部门", 60)] = Field(None, max_length=60, title="责任部门")
    responsible: Annotated[str | None, text("责任人", 40)] = Field(None, max_length=40, title="责任人")


# --- helpers ------------------------------------------------------------------------------------------------------


def _log(actor: User, subject_type: str, pk: int, kind: str, payload: Mapping[str, Any]) -> None:
    event_append(actor=actor, subject_type=subject_type, subject_id=str(pk), kind=kind, payload=dict(payload))


def _editable(actor: User, enterprise_id: int) -> None:
    if not may_edit(actor, enterprise_id):
        raise PermissionDenied(WRITE_REFUSED)


def method_of(enterprise_id: int) -> str:
    """The scoring method of an enterprise (its ``RiskProfile.method``; LEC when it has no profile yet)."""
    found = RiskProfile.objects.filter(enterprise_id=enterprise_id).values_list("method", flat=True).first()
    return str(found or Method.LEC.value)


def classify2_key(classify1: str, raw: str) -> str:
    """The sub-class code ``raw`` names under ``classify1``: its code (``1-1``) or its name (工艺控制); as given when it
    is neither (``rules.check_classification`` then refuses it naming the field)."""
    subs = rules.CLASSIFY2.get(classify1, {})
    value = to_halfwidth(raw).strip()
    if value in subs:
        return value
    for key, name in subs.items():
        if value == name:
            return key
    return value


def _enterprise_for(actor: User, credit_code: str, *, field: str = "enterprise") -> Enterprise:
    """The enterprise a new record belongs to: the one named (an admin must name it), else the actor's own."""
    if credit_code:
        try:
            return enterprise_visible(actor, credit_code)
        except NotFound:
            raise FieldErrors({field: "未找到该统一社会信用代码对应的企业（须为您可查看的企业）"}) from None
    if actor.role == Role.ENTERPRISE and actor.enterprise_id:
        return enterprise_visible(actor, actor.enterprise_id)
    if actor.role != Role.ADMIN:
        raise PermissionDenied(WRITE_REFUSED)
    raise FieldErrors({field: "请填写企业的统一社会信用代码"})


def _unit(actor: User, unit_id: int) -> RiskUnit:
    # of=self: the scope's joins (region, unit) must not be locked by every write of the register
    found = units_visible(actor).select_for_update(of=("self",)).filter(pk=unit_id, deleted=False).first()
    if found is None:
        raise NotFound("风险分析单元不存在")
    return found


def _event(actor: User, unit_id: int, event_id: int) -> RiskEvent:
    found = (
        events_visible(actor)
        .select_for_update(of=("self",))
        .filter(pk=event_id, unit_id=unit_id, deleted=False, unit__deleted=False)
        .first()
    )
    if found is None:
        raise NotFound("风险事件不存在")
    return found


def _measure(actor: User, measure_id: int) -> ControlMeasure:
    found = (
        measures_visible(actor)
        .select_for_update(of=("self",))
        .filter(pk=measure_id, deleted=False, event__deleted=False, event__unit__deleted=False)
        .first()
    )
    if found is None:
        raise NotFound("管控措施不存在")
    return found


def _retire_measures(measures: Any, now: Any) -> int:
    """Soft-delete ``measures`` (a queryset) and stop their check tasks; answers how many tasks stopped.
    ``QuerySet.update`` does not touch ``auto_now``: ``updated_at`` is set here so the incremental feed sees it."""
    stopped = CheckTask.objects.filter(measure__in=measures.values("pk"), deleted=False).update(
        active=False, deleted=True, updated_at=now
    )
    measures.filter(deleted=False).update(deleted=True, updated_at=now)
    return stopped


def _event_payload(event: RiskEvent) -> dict[str, Any]:
    given = {f: getattr(event, f) for f in FACTORS[event.method]}
    factors = {f: rules.value_text(Decimal(str(v))) for f, v in given.items() if v is not None}
    return {
        "event": event.pk,
        "name": event.name,
        "method": event.method,
        **factors,
        "score": rules.value_text(event.score),
        "grade": event.grade,
    }


# --- the enterprise's settings ------------------------------------------------------------------------------------


@transaction.atomic
def profile_set(
    *, actor: User, enterprise: Enterprise | int | str, method: str | None = None, safety_manager: Any = None
) -> RiskProfile:
    """Set an enterprise's scoring method (``"lec"`` / ``"ls"``) and safety manager (a username of an active user
    of that enterprise, ``Role.ENTERPRISE``; ``""`` clears it); None leaves a setting as it is. ``enterprise`` is
    an Enterprise, its id or its credit code, one ``actor`` may see.

    Raises NotFound (an enterprise out of scope), PermissionDenied (not its staff nor an admin), FieldErrors
    naming ``method`` or ``safety_manager``, Conflict naming ``method`` when live events are scored by the other
    method (they must be re-assessed — deleted and recorded again — first: one register, one method)."""
    key = enterprise.pk if isinstance(enterprise, Enterprise) else enterprise
    firm = enterprise_visible(actor, key)
    _editable(actor, firm.pk)
    raw = {"method": method, "safety_manager": safety_manager}
    given = parse(ProfileIn, {k: v for k, v in raw.items() if v is not None})
    profile, _ = RiskProfile.objects.get_or_create(enterprise_id=firm.pk)
    profile = RiskProfile.objects.select_for_update().get(pk=profile.pk)
    changes: dict[str, list[Any]] = {}
    if given.method and given.method != profile.method:
        live = RiskEvent.objects.filter(enterprise_id=firm.pk, deleted=False, unit__deleted=False).exclude(
            method=given.method
        )
        count = live.count()
        if count:
            old = Method(profile.method).label
            raise Conflict(
                f"本企业尚有 {count} 项按“{old}”评价的风险事件，请先对这些风险事件重新评价"
                f"（删除后按新方法重新登记）再更换评价方法",
                field="method",
            )
        changes["method"] = [profile.method, given.method]
        profile.method = given.method
    if given.safety_manager is not None:
        current = profile.safety_manager.username if profile.safety_manager_id and profile.safety_manager else ""
        if given.safety_manager != current:
            person = None
            if given.safety_manager:
                person = User.objects.filter(
                    username=given.safety_manager, is_active=True, role=Role.ENTERPRISE, enterprise_id=firm.pk
                ).first()
                if person is None:
                    raise FieldErrors({"safety_manager": "安全管理负责人须为本企业在用的企业用户（请填写其登录名）"})
            profile.safety_manager = person
            changes["safety_manager"] = [current, given.safety_manager]
    if changes:
        profile.save(update_fields=["method", "safety_manager", "updated_at"])
        _log(actor, "risk_profile", firm.pk, "set", {"enterprise": firm.credit_code, **changes})
    return profile


# --- units --------------------------------------------------------------------------------------------------------


@transaction.atomic
def unit_create(*, actor: User, enterprise: Enterprise | None = None, data: UnitIn | Mapping[str, Any]) -> RiskUnit:
    """Record a risk analysis unit (风险分析单元): ``{enterprise?, name, kind?, hazard_source_code?, department,
    responsible}``. The enterprise is ``enterprise`` when given, else the credit code in ``data``, else the
    actor's own; region and sector are copied from it. Raises FieldErrors naming the field, PermissionDenied."""
    given = parse(UnitIn, data)
    firm = enterprise_visible(actor, enterprise.pk) if enterprise else _enterprise_for(actor, given.enterprise)
    _editable(actor, firm.pk)
    unit = RiskUnit.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        name=given.name,
        kind=given.kind or UnitKind.INSTALLATION,
        hazard_source_code=given.hazard_source_code,
        department=given.department,
        responsible=given.responsible,
    )
    grades.regrade([firm.pk])  # a first unit makes the enterprise's settings row (and its "no grade yet" reason)
    _log(
        actor,
        "risk_unit",
        unit.pk,
        "unit_created",
        {
            "enterprise": firm.credit_code,
            "name": unit.name,
            "kind": unit.kind,
            "department": unit.department,
            "responsible": unit.responsible,
        },
    )
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit_id: int, data: UnitChange | Mapping[str, Any]) -> RiskUnit:
    """Change a unit's ``name``, ``kind``, ``hazard_source_code``, ``department`` or ``responsible`` (only the
    fields given). Raises NotFound (missing, deleted or out of scope), PermissionDenied, FieldErrors."""
    unit = _unit(actor, unit_id)
    _editable(actor, unit.enterprise_id)
    given = parse(UnitChange, data)
    changed = []
    for name in ("name", "kind", "hazard_source_code", "department", "responsible"):
        value = getattr(given, name)
        if name in given.model_fields_set and value is not None and value != getattr(unit, name):
            setattr(unit, name, value)
            changed.append(name)
    if changed:
        unit.save(update_fields=[*changed, "updated_at"])
        grades.regrade([unit.enterprise_id])  # the reason names the units: a new name shows in it
        _log(
            actor,
            "risk_unit",
            unit.pk,
            "unit_changed",
            {"name": unit.name, "fields": changed} | {k: getattr(unit, k) for k in changed},
        )
    return unit


@transaction.atomic
def unit_delete(*, actor: User, unit_id: int) -> RiskUnit:
    """Delete a unit (soft: ``deleted=True``) with its events and their measures, and stop those measures' check
    tasks (``active=False``, ``deleted=True``); the grades follow. Raises NotFound, PermissionDenied."""
    unit = _unit(actor, unit_id)
    _editable(actor, unit.enterprise_id)
    now = timezone.now()
    events = RiskEvent.objects.filter(unit=unit, deleted=False)
    stopped = _retire_measures(ControlMeasure.objects.filter(event__unit=unit), now)
    event_count = events.update(deleted=True, updated_at=now)
    unit.deleted = True
    unit.save(update_fields=["deleted", "updated_at"])
    grades.regrade([unit.enterprise_id])
    _log(
        actor,
        "risk_unit",
        unit.pk,
        "unit_deleted",
        {"name": unit.name, "events": event_count, "tasks_stopped": stopped},
    )
    return unit


# --- events -------------------------------------------------------------------------------------------------------


def _score(method: str, factors: Mapping[str, Any]) -> tuple[dict[str, Decimal | int], Decimal, str]:
    cleaned, value = rules.score(method, factors)
    return cleaned, value, rules.grade_for(method, value)


def _check_no_foreign_factors(method: str, given: Input) -> None:
    """A factor of the other method is refused naming it (it would not be scored: the enterprise has one method)."""
    other = LS_FACTORS if method == Method.LEC else LEC_FACTORS
    for name in other:
        if getattr(given, name, None) is not None:
            shown = Method(method).label
            raise FieldErrors({name: f"本企业采用“{shown}”，不填写此项"})


@transaction.atomic
def event_create(*, actor: User, unit_id: int, data: EventIn | Mapping[str, Any]) -> RiskEvent:
    """Record a risk event of unit ``unit_id``: ``{name, consequence?, l, e, c}`` (LEC) or ``{name, consequence?,
    likelihood, severity}`` (L×S), by the enterprise's method; score = L×E×C or L×S, grade by the bands in
    settings (``rules``). The unit's and the enterprise's grades follow. Raises NotFound, PermissionDenied,
    FieldErrors naming the field (a factor missing or outside the method's table)."""
    unit = _unit(actor, unit_id)
    _editable(actor, unit.enterprise_id)
    given = parse(EventIn, data)
    method = method_of(unit.enterprise_id)
    _check_no_foreign_factors(method, given)
    cleaned, value, grade = _score(method, {f: getattr(given, f) for f in FACTORS[method]})
    event = RiskEvent.objects.create(
        unit=unit,
        enterprise_id=unit.enterprise_id,
        name=given.name,
        consequence=given.consequence,
        method=method,
        score=value,
        grade=grade,
        **cleaned,
    )
    grades.regrade([unit.enterprise_id])
    _log(actor, "risk_unit", unit.pk, "event_created", {"unit": unit.name, **_event_payload(event)})
    return event


@transaction.atomic
def event_update(*, actor: User, unit_id: int, event_id: int, data: EventChange | Mapping[str, Any]) -> RiskEvent:
    """Change an event's ``name``, ``consequence`` or factors (only the fields given; the factors not given are
    kept, so one factor can be changed alone). The score, the grade and the grades that follow are recomputed.
    Raises NotFound (not an event of that unit, deleted, out of scope), PermissionDenied, FieldErrors."""
    unit = _unit(actor, unit_id)
    event = _event(actor, unit.pk, event_id)
    _editable(actor, event.enterprise_id)
    given = parse(EventChange, data)
    method = method_of(event.enterprise_id)
    _check_no_foreign_factors(method, given)
    changed: list[str] = []
    for name in ("name", "consequence"):
        value = getattr(given, name)
        if name in given.model_fields_set and value is not None and value != getattr(event, name):
            setattr(event, name, value)
            changed.append(name)
    named = [f for f in FACTORS[method] if f in given.model_fields_set]
    if named or method != event.method:
        # the factors not given are the event's own (when it was scored by this method)
        factors = {f: getattr(event, f) if method == event.method else None for f in FACTORS[method]}
        factors.update({f: getattr(given, f) for f in named})
        cleaned, value, grade = _score(method, factors)
        before = (event.method, event.score, event.grade)
        for f in (*LEC_FACTORS, *LS_FACTORS):
            setattr(event, f, cleaned.get(f))
        event.method, event.score, event.grade = method, value, grade
        if (event.method, event.score, event.grade) != before or named:
            changed += [*FACTORS[method], "score", "grade"]
    if changed:
        event.save()
        grades.regrade([event.enterprise_id])
        _log(
            actor,
            "risk_unit",
            unit.pk,
            "event_changed",
            {"unit": unit.name, **_event_payload(event), "fields": list(dict.fromkeys(changed))},
        )
    return event


@transaction.atomic
def event_delete(*, actor: User, unit_id: int, event_id: int) -> RiskEvent:
    """Delete an event (soft) with its measures, stop the measures' check tasks; the grades follow. Raises
    NotFound, PermissionDenied."""
    unit = _unit(actor, unit_id)
    event = _event(actor, unit.pk, event_id)
    _editable(actor, event.enterprise_id)
    now = timezone.now()
    stopped = _retire_measures(ControlMeasure.objects.filter(event=event), now)
    event.deleted = True
    event.save(update_fields=["deleted", "updated_at"])
    grades.regrade([event.enterprise_id])
    _log(
        actor,
        "risk_unit",
        unit.pk,
        "event_deleted",
        {"unit": unit.name, "event": event.pk, "name": event.name, "tasks_stopped": stopped},
    )
    return event


# --- control measures ---------------------------------------------------------------------------------------------


def _measure_event(actor: User, given: MeasureIn) -> RiskEvent:
    """The event a new measure belongs to, by the rule "a control measure belongs to an event of a unit of the same
    enterprise" (issue 15): a live event the actor may see, of ``unit`` and of ``enterprise`` when they are given,
    and of the actor's own enterprise for enterprise staff. FieldErrors naming ``event`` otherwise."""
    if given.event is None:
        raise FieldErrors({"event": "请选择风险事件"})
    event = (
        events_visible(actor).select_related("unit").filter(pk=given.event, deleted=False, unit__deleted=False).first()
    )
    if event is None:
        raise FieldErrors({"event": "风险事件不存在或已删除"})
    if event.unit.enterprise_id != event.enterprise_id:
        raise FieldErrors({"event": "该风险事件与其风险分析单元不属于同一企业"})
    if given.unit is not None and event.unit_id != given.unit:
        raise FieldErrors({"event": "该风险事件不属于所选的风险分析单元"})
    if given.enterprise:
        firm = Enterprise.objects.filter(credit_code=given.enterprise).only("pk").first()
        if firm is None or firm.pk != event.enterprise_id:
            raise FieldErrors({"event": "该风险事件不属于所填企业"})
    if actor.role == Role.ENTERPRISE and event.enterprise_id != actor.enterprise_id:
        raise FieldErrors({"event": "该风险事件不属于本企业"})
    return event


@transaction.atomic
def measure_create(*, actor: User, data: MeasureIn | Mapping[str, Any]) -> ControlMeasure:
    """Record a control measure (管控措施) of an event: ``{event, unit?, enterprise?, description, classify1,
    classify2, classify3?, content?, department?, responsible?}``; ``classify2`` is a code of ``classify1``'s
    sub-classes or its name (``rules.CLASSIFY2``). Raises FieldErrors naming the field (``event`` when the event
    is missing, deleted, of another unit or another enterprise), PermissionDenied."""
    given = parse(MeasureIn, data)
    event = _measure_event(actor, given)
    _editable(actor, event.enterprise_id)
    classify2 = classify2_key(given.classify1, given.classify2)
    rules.check_classification(given.classify1, classify2)
    measure = ControlMeasure.objects.create(
        event=event,
        enterprise_id=event.enterprise_id,
        description=given.description,
        classify1=given.classify1,
        classify2=classify2,
        classify3=given.classify3,
        content=given.content,
        department=given.department,
        responsible=given.responsible,
    )
    _log(
        actor,
        "risk_unit",
        event.unit_id,
        "measure_created",
        {
            "event": event.pk,
            "event_name": event.name,
            "measure": measure.pk,
            "description": measure.description,
            "classify1": measure.classify1,
            "classify2": measure.classify2,
        },
    )
    return measure


@transaction.atomic
def measure_update(*, actor: User, measure_id: int, data: MeasureChange | Mapping[str, Any]) -> ControlMeasure:
    """Change a measure's fields (only those given; ``classify1`` and ``classify2`` are checked together). Raises
    NotFound, PermissionDenied, FieldErrors naming the field."""
    measure = _measure(actor, measure_id)
    _editable(actor, measure.enterprise_id)
    given = parse(MeasureChange, data)
    changed = []
    classify1 = given.classify1 if given.classify1 is not None else measure.classify1
    classify2 = measure.classify2 if given.classify2 is None else classify2_key(classify1, given.classify2)
    if (classify1, classify2) != (measure.classify1, measure.classify2):
        rules.check_classification(classify1, classify2)
        for name, value in (("classify1", classify1), ("classify2", classify2)):
            if getattr(measure, name) != value:
                setattr(measure, name, value)
                changed.append(name)
    for name in ("description", "classify3", "content", "department", "responsible"):
        value = getattr(given, name)
        if name in given.model_fields_set and value is not None and value != getattr(measure, name):
            setattr(measure, name, value)
            changed.append(name)
    if changed:
        measure.save(update_fields=[*changed, "updated_at"])
        event = measure.event
        _log(
            actor,
            "risk_unit",
            event.unit_id,
            "measure_changed",
            {"event": event.pk, "measure": measure.pk, "description": measure.description, "fields": changed},
        )
    return measure


@transaction.atomic
def measure_delete(*, actor: User, measure_id: int) -> ControlMeasure:
    """Delete a measure (soft) and stop its check tasks. Raises NotFound, PermissionDenied."""
    measure = _measure(actor, measure_id)
    _editable(actor, measure.enterprise_id)
    stopped = _retire_measures(ControlMeasure.objects.filter(pk=measure.pk), timezone.now())
    measure.refresh_from_db()
    event = measure.event
    _log(
        actor,
        "risk_unit",
        event.unit_id,
        "measure_deleted",
        {"event": event.pk, "measure": measure.pk, "description": measure.description, "tasks_stopped": stopped},
    )
    return measure
