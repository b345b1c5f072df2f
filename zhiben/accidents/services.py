"""Writes to the accident register: one function per use case, transactional, logged (DESIGN.md §8).

Who may write (the scope is the same as for reading, ``Accident.scope``):

- admins anywhere; officers and tip handlers within their region subtree (and their sectors, when
  limited) — a region or sector outside it is refused naming the field (422), like the enterprise
  register;
- enterprise users report accidents of their own enterprise only (the unit reports first, 第九条), and
  may add supplementary reports (补报) to them. The place (事故发生地) and sector default to the
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
from zhiben.common.errors import Conflict, ErrorCollector, NotFound, PermissionDenied
from zhiben.common.hooks import events_written
from zhiben.common.validators import clean_credit_code
from zhiben.enterprises.models import Enterprise
from zhiben.reference.models import Sector
from zhiben.regions.selectors import host_region

from . import rules
from .inputs import AccidentReport, SupplementReport
from .models import Accident, AccidentSupplement

FIGURE_LABELS = {"deaths": "死亡人数", "serious_injuries": "重伤人数", "direct_loss": "直接经济损失"}


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
    reported = report.reported_at or timezone.now()  # not given: reported now
    if reported < occurred:
        errors.add("reported_at", "首报时间不能早于发生时间")
    cleaned.update(
        occurred_at=occurred,
        reported_at=reported,
        deaths=report.deaths,
        serious_injuries=report.serious_injuries,
        direct_loss=report.direct_loss,
        description=report.description,
    )
    errors.raise_if_any()
    return cleaned


# ----------------------------------------------------------------------------------------- events
def figures(obj: Accident | AccidentSupplement) -> dict[str, Any]:
    return {"deaths": obj.deaths, "serious_injuries": obj.serious_injuries, "direct_loss": obj.direct_loss}


def snapshot(a: Accident) -> dict[str, Any]:
    return {
        "region": a.region_id,
        "sector": a.sector_id,
        "enterprise": a.enterprise.credit_code if a.enterprise else None,
        "occurred_at": a.occurred_at,
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
    """Record an accident (事故快报): graded from its figures, flagged when reported over an hour late."""
    cleaned = validate_accident(report, actor=actor)
    grade = rules.grade_of(
        deaths=cleaned["deaths"], serious_injuries=cleaned["serious_injuries"], direct_loss=cleaned["direct_loss"]
    )
    with transaction.atomic():
        accident = Accident.objects.create(
            region_id=cleaned["region"],
            sector_id=cleaned["sector"],
            enterprise=cleaned["enterprise"],
            occurred_at=cleaned["occurred_at"],
            reported_at=cleaned["reported_at"],
            late_report=rules.is_late(occurred_at=cleaned["occurred_at"], reported_at=cleaned["reported_at"]),
            deaths=cleaned["deaths"],
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
    """Record a supplementary report (补报): the new totals within the window after the accident.

    The grade is recomputed from the figures and may rise; it never falls (a lower figure is recorded,
    and the event says the grade was kept). 404 outside the scope, before any input is looked at."""
    if not scoped(Accident.objects, actor).filter(pk=accident_id).exists():
        raise NotFound("事故不存在")
    errors = ErrorCollector()
    cleaned: dict[str, Any] = {
        "deaths": report.deaths,
        "serious_injuries": report.serious_injuries,
        "direct_loss": report.direct_loss,
        "note": report.note,
        "reported_on": report.reported_on or rules.today(),
    }
    with transaction.atomic():
        accident = scoped(Accident.objects.select_for_update(), actor).filter(pk=accident_id).first()
        if accident is None:
            raise NotFound("事故不存在")
        day = cleaned.get("reported_on")
        if day is not None:
            deadline = rules.supplement_deadline(occurred_at=accident.occurred_at, sector=accident.sector_id)
            last = accident.supplements.order_by("-reported_on").values_list("reported_on", flat=True).first()
            if day > rules.today():
                errors.add("reported_on", "补报日期不能晚于今天")
            elif day < rules.occurred_on(accident.occurred_at):
                errors.add("reported_on", "补报日期不能早于事故发生日期")
            elif day > deadline:
                days = rules.supplement_days(accident.sector_id)
                errors.add(
                    "reported_on",
                    f"已超过补报期限：伤亡人数变化应自事故发生之日起{days}日内补报（至 {deadline:%Y-%m-%d}）",
                )
            elif last is not None and day < last:
                errors.add("reported_on", f"补报日期不能早于上一次补报（{last:%Y-%m-%d}）")
        errors.raise_if_any()
        before = {**figures(accident), "grade": accident.grade}
        if all(before[k] == cleaned[k] for k in FIGURE_LABELS):
            raise Conflict("补报的伤亡人数和直接经济损失与当前记录相同，无需补报")
        by_figures = rules.grade_of(
            deaths=cleaned["deaths"], serious_injuries=cleaned["serious_injuries"], direct_loss=cleaned["direct_loss"]
        )
        grade = rules.higher_grade(accident.grade, by_figures)
        supplement = AccidentSupplement.objects.create(
            accident=accident,
            reported_on=cleaned["reported_on"],
            deaths=cleaned["deaths"],
            serious_injuries=cleaned["serious_injuries"],
            direct_loss=cleaned["direct_loss"],
            note=cleaned["note"],
            grade_before=accident.grade,
            grade_after=grade,
            reported_by=actor,
        )
        accident.deaths = cleaned["deaths"]
        accident.serious_injuries = cleaned["serious_injuries"]
        accident.direct_loss = cleaned["direct_loss"]
        accident.grade = grade
        accident.save(update_fields=["deaths", "serious_injuries", "direct_loss", "grade", "updated_at"])
        _log(
            actor,
            accident,
            "supplemented",
            {
                "supplement": supplement.pk,
                "reported_on": supplement.reported_on,
                "note": supplement.note,
                "before": before,
                "after": {**figures(accident), "grade": grade},
                "grade_by_figures": by_figures,
                "grade_raised": rules.grade_rank(grade) > rules.grade_rank(before["grade"]),
                "grade_kept": rules.grade_rank(by_figures) < rules.grade_rank(grade),
            },
        )
    return supplement
