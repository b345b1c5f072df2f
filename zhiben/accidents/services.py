"""Writes to the accident register: one function per use case, transactional, logged (DESIGN.md §8).

Who may write (the scope is the same as for reading, ``Accident.scope``):

- admins anywhere; officers and tip handlers within their region subtree (and their sectors, when
  limited) — a region or sector outside it is refused naming the field (422), like the enterprise
  register;
- enterprise users report accidents of their own enterprise only (the unit reports first, 第九条), and
  may add supplementary reports (补报) to them; the government's steps — relays up the levels (第十条),
  the investigation (第二十九条) and the 批复 (第三十二条) — are recorded by admins and officers only (403).
  The place (事故发生地) and sector default to the
  enterprise's and may be given: an accident may happen away from where the unit is registered (a
  truck on the road), and then the place decides which officers see it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import region_in_scope, scoped, sector_in_scope
from zhiben.audit.services import event_append
from zhiben.common.errors import Conflict, ErrorCollector, FieldErrors, NotFound, PermissionDenied
from zhiben.common.hooks import events_written
from zhiben.common.validators import clean_credit_code
from zhiben.enterprises.models import Enterprise
from zhiben.reference.models import Sector
from zhiben.regions.selectors import host_region

from . import rules
from .inputs import (
    AccidentReport,
    DeadlineExtension,
    InvestigationReport,
    RelayReport,
    ReplyReport,
    SupplementReport,
)
from .models import Accident, AccidentRelay, AccidentSupplement, Grade, RelayLevel

FIGURE_LABELS = {
    "deaths": "死亡人数",
    "missing": "下落不明人数",
    "serious_injuries": "重伤人数",
    "direct_loss": "直接经济损失",
}
GOVERNMENT = frozenset({Role.ADMIN, Role.OFFICER})


def _clean_region(raw: Any, actor: User) -> str:
    code = host_region(raw, level_error="事故发生地应选到区县或乡镇（街道）").code
    if actor.role != Role.ENTERPRISE and not region_in_scope(actor, code):
        raise ValueError("该区划不在您的管辖范围内")
    return code


def _clean_sector(raw: Any, actor: User) -> str:
    key = str(raw).strip()
    sector = Sector.objects.filter(key=key).first() or Sector.objects.filter(name=key).first()
    if sector is None:
        raise ValueError(f"行业领域 {key} 不存在")
    if actor.role != Role.ENTERPRISE and not sector_in_scope(actor, sector.key):
        raise ValueError("该行业领域不在您的监管范围内")
    return sector.key


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def accident_place(
    *, actor: User, enterprise: str | None, region: str | None, sector: str | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Where an accident happened, checked against the actor's scope: ``({"enterprise", "region", "sector"},
    {field: 中文})``. The enterprise's region and sector are used unless given. Raises PermissionDenied for an
    enterprise user with no enterprise."""
    errors = ErrorCollector()
    cleaned: dict[str, Any] = {}

    def run(field: str, fn: Any) -> None:
        try:
            cleaned[field] = fn()
        except ValueError as exc:
            errors.add(field, str(exc))

    firm: Enterprise | None = None
    if actor.role == Role.ENTERPRISE:
        firm = actor.enterprise
        if firm is None:
            raise PermissionDenied("您的账号未关联企业")
        if not _blank(enterprise):
            try:
                if clean_credit_code(enterprise) != firm.credit_code:
                    errors.add("enterprise", "企业人员只能报告本企业的事故")
            except ValueError as exc:
                errors.add("enterprise", str(exc))
    elif not _blank(enterprise):
        try:
            code = clean_credit_code(enterprise)
            firm = scoped(Enterprise.objects, actor).filter(credit_code=code).first()
            if firm is None:
                errors.add("enterprise", "企业不存在或不在您的管辖范围内")
        except ValueError as exc:
            errors.add("enterprise", str(exc))
    firm_failed = "enterprise" in errors.errors
    raw_region: Any = region if not _blank(region) or firm is None else firm.region_id
    if not _blank(raw_region):
        run("region", lambda: _clean_region(raw_region, actor))
    elif not firm_failed:
        errors.add("region", "请选择事故发生地（区县或乡镇）")
    raw_sector: Any = sector if not _blank(sector) or firm is None else firm.sector_id
    if not _blank(raw_sector):
        run("sector", lambda: _clean_sector(raw_sector, actor))
    elif not firm_failed:
        errors.add("sector", "请选择行业领域")
    cleaned["enterprise"] = firm
    return cleaned, errors.errors


def validate_accident(report: AccidentReport, *, actor: User) -> dict[str, Any]:
    """The report's fields checked against the actor's scope and each other: ``{field: value}`` with the
    enterprise resolved, or FieldErrors naming every bad field (API, pages)."""
    cleaned, found = accident_place(
        actor=actor, enterprise=report.enterprise, region=report.region, sector=report.sector
    )
    errors = ErrorCollector()
    for field, text in found.items():
        errors.add(field, text)
    occurred = report.occurred_at
    # 第九条: the 1-hour clock runs from the moment the unit's head is told; not given, the accident time.
    head = report.head_notified_at or occurred
    reported = report.reported_at or timezone.now()  # not given: reported now
    if head < occurred:
        errors.add("head_notified_at", "单位负责人接报时间不能早于发生时间")
    if reported < occurred:
        errors.add("reported_at", "首报时间不能早于发生时间")
    elif reported < head:
        errors.add("reported_at", "首报时间不能早于单位负责人接报时间")
    cleaned.update(
        type=report.type,
        occurred_at=occurred,
        head_notified_at=head,
        reported_at=reported,
        deaths=report.deaths,
        missing=report.missing,
        serious_injuries=report.serious_injuries,
        direct_loss=report.direct_loss,
        description=report.description,
    )
    errors.raise_if_any()
    return cleaned


# ----------------------------------------------------------------------------------------- events
def figures(obj: Accident | AccidentSupplement) -> dict[str, Any]:
    return {
        "deaths": obj.deaths,
        "missing": obj.missing,
        "serious_injuries": obj.serious_injuries,
        "direct_loss": obj.direct_loss,
    }


def grade_by_figures(values: dict[str, Any]) -> str:
    """The grade of a set of figures (第三条; the missing with the deaths)."""
    return rules.grade_of(
        deaths=values["deaths"],
        missing=values["missing"],
        serious_injuries=values["serious_injuries"],
        direct_loss=values["direct_loss"],
    )


def snapshot(a: Accident) -> dict[str, Any]:
    return {
        "region": a.region_id,
        "sector": a.sector_id,
        "enterprise": a.enterprise.credit_code if a.enterprise else None,
        "type": a.type,
        "occurred_at": a.occurred_at,
        "head_notified_at": a.head_notified_at,
        "reported_at": a.reported_at,
        "late_report": a.late_report,
        **figures(a),
        "grade": a.grade,
        "description": a.description,
    }


def _log(actor: User, accident: Accident, kind: str, payload: dict[str, Any]) -> None:
    """The event, and the notices the register's rules give it (register.py), in this transaction."""
    event_append(actor=actor, subject_type="accident", subject_id=str(accident.pk), kind=kind, payload=payload)
    events_written(actor=actor, subject_type="accident", model=Accident, events=[(accident, kind, payload)])


# ----------------------------------------------------------------------------------------- writes
def accident_create(*, actor: User, report: AccidentReport) -> Accident:
    """Record an accident (事故快报): graded from its figures (第三条, the missing with the deaths), flagged
    迟报 when reported more than an hour after the unit's head was told (第九条), its investigation due 60
    days after it (第二十九条). Raises FieldErrors naming each bad field."""
    cleaned = validate_accident(report, actor=actor)
    grade = grade_by_figures(cleaned)
    with transaction.atomic():
        accident = Accident.objects.create(
            region_id=cleaned["region"],
            sector_id=cleaned["sector"],
            enterprise=cleaned["enterprise"],
            type=cleaned["type"],
            occurred_at=cleaned["occurred_at"],
            head_notified_at=cleaned["head_notified_at"],
            reported_at=cleaned["reported_at"],
            late_report=rules.is_late(head_notified_at=cleaned["head_notified_at"], reported_at=cleaned["reported_at"]),
            investigation_due=rules.investigation_due(occurred_at=cleaned["occurred_at"]),
            deaths=cleaned["deaths"],
            missing=cleaned["missing"],
            serious_injuries=cleaned["serious_injuries"],
            direct_loss=cleaned["direct_loss"],
            grade=grade,
            description=cleaned["description"],
            reported_by=actor,
        )
        _log(actor, accident, "created", snapshot(accident))
    return accident


def accident_supplement(
    *,
    accident_id: int,
    actor: User,
    report: SupplementReport,
) -> AccidentSupplement:
    """Record a supplementary report (补报, 第十三条): the new totals.

    Dated within the window (30 days after the accident's day, 7 for road traffic accidents and fires,
    ``rules.supplement_deadline``) it is ``counted``: the accident's figures become these and the grade
    follows them (第三条), up or down; a figure lower than the current one needs a ``reason`` (FieldErrors
    naming ``reason``). Dated after the window it is recorded as a later fact (``counted`` False) that
    changes no figure and no grade. 404 outside the scope, before any input is looked at; FieldErrors for a
    bad date; Conflict when the figures are the accident's own."""
    if not scoped(Accident.objects, actor).filter(pk=accident_id).exists():
        raise NotFound("事故不存在")
    errors = ErrorCollector()
    cleaned: dict[str, Any] = {
        "deaths": report.deaths,
        "missing": report.missing,
        "serious_injuries": report.serious_injuries,
        "direct_loss": report.direct_loss,
        "note": report.note,
        "reason": report.reason,
        "reported_on": report.reported_on or rules.today(),
    }
    with transaction.atomic():
        accident = scoped(Accident.objects.select_for_update(), actor).filter(pk=accident_id).first()
        if accident is None:
            raise NotFound("事故不存在")
        day = cleaned["reported_on"]
        deadline = rules.supplement_deadline(occurred_at=accident.occurred_at, accident_type=accident.type)
        counted = day <= deadline
        last = accident.supplements.order_by("-reported_on").values_list("reported_on", flat=True).first()
        if day > rules.today():
            errors.add("reported_on", "补报日期不能晚于今天")
        elif day < rules.occurred_on(accident.occurred_at):
            errors.add("reported_on", "补报日期不能早于事故发生日期")
        elif last is not None and day < last:
            errors.add("reported_on", f"补报日期不能早于上一次补报（{last:%Y-%m-%d}）")
        before = {**figures(accident), "grade": accident.grade}
        lowered = [label for key, label in FIGURE_LABELS.items() if cleaned[key] < before[key]]
        if counted and lowered and not cleaned["reason"]:
            errors.add("reason", f"补报的{'、'.join(lowered)}低于当前记录，须写明核减理由")
        errors.raise_if_any()
        if all(before[k] == cleaned[k] for k in FIGURE_LABELS):
            raise Conflict("补报的伤亡人数和直接经济损失与当前记录相同，无需补报")
        by_figures = grade_by_figures(cleaned)
        grade = by_figures if counted else accident.grade
        supplement = AccidentSupplement.objects.create(
            accident=accident,
            reported_on=day,
            counted=counted,
            deaths=cleaned["deaths"],
            missing=cleaned["missing"],
            serious_injuries=cleaned["serious_injuries"],
            direct_loss=cleaned["direct_loss"],
            note=cleaned["note"],
            reason=cleaned["reason"],
            grade_before=accident.grade,
            grade_after=grade,
            reported_by=actor,
        )
        if counted:
            for key in FIGURE_LABELS:
                setattr(accident, key, cleaned[key])
            accident.grade = grade
            accident.save(update_fields=[*FIGURE_LABELS, "grade", "updated_at"])
        _log(
            actor,
            accident,
            "supplemented",
            {
                "supplement": supplement.pk,
                "reported_on": supplement.reported_on,
                "counted": counted,
                "deadline": deadline,
                "note": supplement.note,
                "reason": supplement.reason,
                "before": before,
                "after": {**figures(accident), "grade": grade} if counted else before,
                "reported": {k: cleaned[k] for k in FIGURE_LABELS},
                "grade_by_figures": by_figures,
                "grade_raised": rules.grade_rank(grade) > rules.grade_rank(before["grade"]),
                "grade_lowered": rules.grade_rank(grade) < rules.grade_rank(before["grade"]),
            },
        )
    return supplement


# ------------------------------------------------------------------------- the government's steps
def _government_accident(actor: User, accident_id: int) -> Accident:
    """The accident locked for update: NotFound outside the scope, PermissionDenied for a role that does
    not record the government's steps (enterprise users, tip handlers)."""
    accident = scoped(Accident.objects.select_for_update(), actor).filter(pk=accident_id).first()
    if accident is None:
        raise NotFound("事故不存在")
    if actor.role not in GOVERNMENT:
        raise PermissionDenied("只有监管部门人员可以登记上报、调查和批复")
    return accident


def accident_relay(*, accident_id: int, actor: User, report: RelayReport) -> AccidentRelay:
    """Record that the accident reached a government level (逐级上报, 第十条) at ``reported_at``. Each level
    once (Conflict); not before the unit's report reached the county (FieldErrors naming ``reported_at``).
    Whether it came within 2 hours (第十一条) is read from the chain (``rules.relay_steps``)."""
    with transaction.atomic():
        accident = _government_accident(actor, accident_id)
        assert report.reported_at is not None  # required by the input
        if report.reported_at < accident.reported_at:
            raise FieldErrors({"reported_at": "上报时间不能早于事故首报时间"})
        if accident.relays.filter(level=report.level).exists():
            raise Conflict(f"已登记上报至{RelayLevel(report.level).label}")
        relay = AccidentRelay.objects.create(
            accident=accident, level=report.level, reported_at=report.reported_at, reported_by=actor
        )
        steps = rules.relay_steps(grade=accident.grade, county_at=accident.reported_at, relayed=_relayed(accident))
        step = next(s for s in steps if s["level"] == relay.level)
        _log(
            actor,
            accident,
            "relayed",
            {"level": relay.level, "reported_at": relay.reported_at, "due": step["due"], "late": step["late"]},
        )
    return relay


def _relayed(accident: Accident) -> dict[str, Any]:
    return dict(AccidentRelay.objects.filter(accident=accident).values_list("level", "reported_at"))


def investigation_extend(*, accident_id: int, actor: User, request: DeadlineExtension) -> Accident:
    """Extend the investigation report's deadline (第二十九条: with the government's approval, by at most 60
    days) — once (Conflict on a second, or once the report is in); more than 60 days → FieldErrors ``days``."""
    with transaction.atomic():
        accident = _government_accident(actor, accident_id)
        if accident.investigation_submitted_on is not None:
            raise Conflict("调查报告已提交，不能再延长调查期限")
        if accident.investigation_extension_days:
            raise Conflict("调查期限已延长过一次")
        if request.days > rules.INVESTIGATION_MAX_EXTENSION:
            raise FieldErrors({"days": f"调查期限最多延长{rules.INVESTIGATION_MAX_EXTENSION}日（第二十九条）"})
        before = accident.investigation_due
        accident.investigation_extension_days = request.days
        accident.investigation_extension_reason = request.reason
        accident.investigation_due = rules.investigation_due(
            occurred_at=accident.occurred_at, extension_days=request.days
        )
        accident.save(
            update_fields=[
                "investigation_extension_days",
                "investigation_extension_reason",
                "investigation_due",
                "updated_at",
            ]
        )
        _log(
            actor,
            accident,
            "investigation_extended",
            {"days": request.days, "reason": request.reason, "before": before, "due": accident.investigation_due},
        )
    return accident


def investigation_submit(*, accident_id: int, actor: User, report: InvestigationReport) -> Accident:
    """Record the investigation report (第二十九条) with its 核定 grade, and start the 批复 clock (第三十二条:
    15 days from receipt, 30 for 特别重大 by the 核定 grade). Once (Conflict); the day not before the
    accident's (FieldErrors ``submitted_on``)."""
    with transaction.atomic():
        accident = _government_accident(actor, accident_id)
        if accident.investigation_submitted_on is not None:
            raise Conflict("调查报告已登记")
        day = report.submitted_on
        assert day is not None  # required by the input
        if day < rules.occurred_on(accident.occurred_at):
            raise FieldErrors({"submitted_on": "调查报告提交日期不能早于事故发生日期"})
        accident.investigation_submitted_on = day
        accident.verified_grade = report.verified_grade
        accident.reply_due = rules.reply_due(received_on=day, grade=report.verified_grade)
        accident.save(update_fields=["investigation_submitted_on", "verified_grade", "reply_due", "updated_at"])
        _log(
            actor,
            accident,
            "investigated",
            {
                "submitted_on": day,
                "verified_grade": accident.verified_grade,
                "grade": accident.grade,
                "due": accident.investigation_due,
                "late": day > accident.investigation_due,
                "reply_due": accident.reply_due,
            },
        )
    return accident


def reply_extend(*, accident_id: int, actor: User, request: DeadlineExtension) -> Accident:
    """Extend the 批复's deadline (第三十二条: 特别重大 only, by at most 30 days), once, before the 批复. A report
    not yet in, a second extension, or a 批复 given → Conflict; other grades or more days → FieldErrors."""
    with transaction.atomic():
        accident = _government_accident(actor, accident_id)
        if accident.reply_due is None:
            raise Conflict("调查报告尚未提交，批复期限未开始")
        if accident.replied_on is not None:
            raise Conflict("已批复，不能再延长批复期限")
        if accident.reply_extension_days:
            raise Conflict("批复期限已延长过一次")
        grade = accident.statistical_grade
        if not rules.reply_extendable(grade):
            raise FieldErrors(
                {"days": f"只有特别重大事故的批复期限可以延长（第三十二条），本事故核定为{Grade(grade).label}"}
            )
        if request.days > rules.REPLY_MAX_EXTENSION:
            raise FieldErrors({"days": f"批复期限最多延长{rules.REPLY_MAX_EXTENSION}日（第三十二条）"})
        assert accident.investigation_submitted_on is not None
        before = accident.reply_due
        accident.reply_extension_days = request.days
        accident.reply_extension_reason = request.reason
        accident.reply_due = rules.reply_due(
            received_on=accident.investigation_submitted_on, grade=grade, extension_days=request.days
        )
        accident.save(update_fields=["reply_extension_days", "reply_extension_reason", "reply_due", "updated_at"])
        _log(
            actor,
            accident,
            "reply_extended",
            {"days": request.days, "reason": request.reason, "before": before, "due": accident.reply_due},
        )
    return accident


def reply_record(*, accident_id: int, actor: User, report: ReplyReport) -> Accident:
    """Record the government's 批复 of the investigation report (第三十二条). Once (Conflict); the report must
    be in (Conflict) and the day not before it (FieldErrors ``replied_on``)."""
    with transaction.atomic():
        accident = _government_accident(actor, accident_id)
        if accident.investigation_submitted_on is None or accident.reply_due is None:
            raise Conflict("调查报告尚未提交，不能登记批复")
        if accident.replied_on is not None:
            raise Conflict("批复已登记")
        day = report.replied_on
        assert day is not None  # required by the input
        if day < accident.investigation_submitted_on:
            raise FieldErrors({"replied_on": "批复日期不能早于调查报告提交日期"})
        accident.replied_on = day
        accident.save(update_fields=["replied_on", "updated_at"])
        _log(
            actor, accident, "replied", {"replied_on": day, "due": accident.reply_due, "late": day > accident.reply_due}
        )
    return accident
