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

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import region_in_scope, scoped, sector_in_scope
from zhiben.audit.services import event_append
from zhiben.common.errors import Conflict, ErrorCollector, NotFound, PermissionDenied
from zhiben.common.validators import clean_credit_code, clean_text, to_halfwidth
from zhiben.enterprises.models import Enterprise
from zhiben.reference.models import Sector
from zhiben.regions.selectors import host_region

from . import rules
from .models import Accident, AccidentSupplement

FIELDS = {
    "region",
    "enterprise",
    "sector",
    "occurred_at",
    "reported_at",
    "deaths",
    "serious_injuries",
    "direct_loss",
    "description",
}
# Clocks of phones and clients drift: a time this far ahead of the server's is not "in the future".
CLOCK_SKEW = datetime.timedelta(minutes=5)
FIGURE_LABELS = {"deaths": "死亡人数", "serious_injuries": "重伤人数", "direct_loss": "直接经济损失"}


# ----------------------------------------------------------------------------------------- fields
def clean_count(raw: Any, *, label: str) -> int:
    """A number of people: a whole number from 0 to ``rules.MAX_PERSONS``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(f"请填写{label}（没有填0）")
    if isinstance(raw, bool):
        raise ValueError(f"{label}应为整数")
    if isinstance(raw, int):
        value = raw
    else:
        text = to_halfwidth(str(raw)).strip()
        if not text.lstrip("-").isdigit():
            raise ValueError(f"{label}应为整数")
        value = int(text)
    if value < 0:
        raise ValueError(f"{label}不能为负数")
    if value > rules.MAX_PERSONS:
        raise ValueError(f"{label}不能超过{rules.MAX_PERSONS}人，请核实")
    return value


def clean_loss(raw: Any) -> Decimal:
    """Direct economic loss in yuan: from 0 to ``rules.MAX_LOSS``, to the fen."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError("请填写直接经济损失（元，没有填0）")
    if isinstance(raw, bool):
        raise ValueError("直接经济损失应为数字（元）")
    try:
        value = Decimal(to_halfwidth(str(raw)).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError("直接经济损失应为数字（元）") from exc
    if not value.is_finite():
        raise ValueError("直接经济损失应为数字（元）")
    if value < 0:
        raise ValueError("直接经济损失不能为负数")
    if value > rules.MAX_LOSS:
        raise ValueError("直接经济损失不能超过10万亿元，请核实（单位为元）")
    return value.quantize(Decimal("0.01"))


def clean_moment(raw: Any, *, label: str, required: bool = True) -> datetime.datetime | None:
    """An aware date and time; a naive one is Beijing time. Neither in the future nor before 2000."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise ValueError(f"请填写{label}")
        return None
    value: datetime.datetime | None
    if isinstance(raw, datetime.datetime):
        value = raw
    elif isinstance(raw, datetime.date):
        raise ValueError(f"{label}应包含时刻，如 2025-03-01 08:30")
    else:
        try:
            value = parse_datetime(str(raw).strip())
        except ValueError:
            value = None
        if value is None:
            raise ValueError(f"{label}应为日期和时刻，如 2025-03-01 08:30")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + CLOCK_SKEW:
        raise ValueError(f"{label}不能晚于当前时间")
    if value < rules.EARLIEST:
        raise ValueError(f"{label}不能早于2000年")
    return value


def clean_day(raw: Any, *, label: str) -> datetime.date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime.datetime):
        return timezone.localtime(raw).date() if timezone.is_aware(raw) else raw.date()
    if isinstance(raw, datetime.date):
        return raw
    try:
        value = parse_date(str(raw).strip())
    except ValueError:
        value = None
    if value is None:
        raise ValueError(f"{label}应为日期，如 2025-03-01")
    return value


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


def validate_accident(data: dict[str, Any], *, actor: User) -> dict[str, Any]:
    """Clean a new accident's fields or raise FieldErrors naming every bad field (API and pages)."""
    errors = ErrorCollector()
    cleaned: dict[str, Any] = {}

    def run(field: str, fn: Any) -> None:
        try:
            cleaned[field] = fn()
        except ValueError as exc:
            errors.add(field, str(exc))

    for field in sorted(set(data) - FIELDS):
        errors.add(field, "不支持的字段")

    enterprise: Enterprise | None = None
    raw_enterprise = data.get("enterprise")
    if actor.role == Role.ENTERPRISE:
        enterprise = actor.enterprise
        if enterprise is None:
            raise PermissionDenied("您的账号未关联企业")
        if not _blank(raw_enterprise):
            try:
                if clean_credit_code(raw_enterprise) != enterprise.credit_code:
                    errors.add("enterprise", "企业人员只能报告本企业的事故")
            except ValueError as exc:
                errors.add("enterprise", str(exc))
    elif not _blank(raw_enterprise):
        try:
            code = clean_credit_code(raw_enterprise)
            enterprise = scoped(Enterprise.objects, actor).filter(credit_code=code).first()
            if enterprise is None:
                errors.add("enterprise", "企业不存在或不在您的管辖范围内")
        except ValueError as exc:
            errors.add("enterprise", str(exc))
    enterprise_failed = "enterprise" in errors.errors

    # The enterprise's region and sector are used unless given.
    raw_region = data.get("region")
    if _blank(raw_region) and enterprise is not None:
        raw_region = enterprise.region_id
    if not _blank(raw_region):
        run("region", lambda: _clean_region(raw_region, actor))
    elif not enterprise_failed:
        errors.add("region", "请选择事故发生地（区县或乡镇）")
    raw_sector = data.get("sector")
    if _blank(raw_sector) and enterprise is not None:
        raw_sector = enterprise.sector_id
    if not _blank(raw_sector):
        run("sector", lambda: _clean_sector(raw_sector, actor))
    elif not enterprise_failed:
        errors.add("sector", "请选择行业领域")

    run("occurred_at", lambda: clean_moment(data.get("occurred_at"), label="发生时间"))
    run("reported_at", lambda: clean_moment(data.get("reported_at"), label="首报时间", required=False))
    occurred, reported = cleaned.get("occurred_at"), cleaned.get("reported_at")
    if reported is None and "reported_at" in cleaned:
        reported = cleaned["reported_at"] = timezone.now()  # not given: reported now
    if occurred is not None and reported is not None and reported < occurred:
        errors.add("reported_at", "首报时间不能早于发生时间")
    run("deaths", lambda: clean_count(data.get("deaths"), label="死亡人数"))
    run("serious_injuries", lambda: clean_count(data.get("serious_injuries"), label="重伤人数"))
    run("direct_loss", lambda: clean_loss(data.get("direct_loss")))
    run(
        "description",
        lambda: clean_text(data.get("description"), label="事故简要经过", max_length=4000, required=True),
    )
    errors.raise_if_any()
    cleaned["enterprise"] = enterprise
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
    event_append(actor=actor, subject_type="accident", subject_id=str(accident.pk), kind=kind, payload=payload)


# ----------------------------------------------------------------------------------------- writes
def accident_create(*, actor: User, data: dict[str, Any]) -> Accident:
    """Record an accident (事故快报): graded from its figures, flagged when reported over an hour late."""
    cleaned = validate_accident(data, actor=actor)
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
    deaths: Any,
    serious_injuries: Any,
    direct_loss: Any,
    note: Any = "",
    reported_on: Any = None,
) -> AccidentSupplement:
    """Record a supplementary report (补报): the new totals within the window after the accident.

    The grade is recomputed from the figures and may rise; it never falls (a lower figure is recorded,
    and the event says the grade was kept). 404 outside the scope, before any input is looked at."""
    if not scoped(Accident.objects, actor).filter(pk=accident_id).exists():
        raise NotFound("事故不存在")
    errors = ErrorCollector()
    cleaned: dict[str, Any] = {}

    def run(field: str, fn: Any) -> None:
        try:
            cleaned[field] = fn()
        except ValueError as exc:
            errors.add(field, str(exc))

    run("deaths", lambda: clean_count(deaths, label="死亡人数"))
    run("serious_injuries", lambda: clean_count(serious_injuries, label="重伤人数"))
    run("direct_loss", lambda: clean_loss(direct_loss))
    run("note", lambda: clean_text(note, label="补报说明", max_length=1000))
    run("reported_on", lambda: clean_day(reported_on, label="补报日期") or rules.today())
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
