"""Writes of the filing register: an enterprise marks a period's statistics as filed (报送)."""

from __future__ import annotations

import datetime
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from zhiben.accounts.models import Role, User
from zhiben.audit.services import event_append
from zhiben.common import dates
from zhiben.common.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from zhiben.common.validators import clean_credit_code
from zhiben.hazards.evidence import EvidenceRejected, check_upload, stored_files

from .models import Filing
from .periods import NotAPeriod, parse_period
from .selectors import enterprise_get, statistics

FILERS = frozenset({Role.ENTERPRISE, Role.ADMIN})


def filing_create(
    *,
    actor: User,
    enterprise: str,
    period: str,
    scan: tuple[IO[bytes], str, int | None] | None = None,
    today: datetime.date | None = None,
) -> Filing:
    """Record that ``enterprise`` (credit code) filed its signed statistics of ``period`` (``2026Q3`` or
    ``2026``) today (Beijing), with the signed scan (JPEG, PNG, WebP or PDF, size-capped as evidence) if
    given; the figures as generated now are kept with it, and a ``filed`` event is written.

    Only the enterprise's own users (and admins) file; ``late`` when filed after the due day (16号令 第十四条).
    Raises FieldErrors naming ``enterprise`` (missing, or not a credit code), NotFound (enterprise out of
    scope), PermissionDenied (an officer), FieldErrors naming ``period`` (not a period, or not yet ended) or
    ``scan`` (refused file), Conflict (already filed for the period)."""
    try:
        # A missing or malformed code is the caller's input to fix, not an enterprise that is not there.
        code = clean_credit_code(enterprise)
    except ValueError as exc:
        raise FieldErrors({"enterprise": str(exc)}) from None
    firm = enterprise_get(actor=actor, credit_code=code)
    if firm is None:
        raise NotFound("企业不存在")
    if actor.role not in FILERS:
        raise PermissionDenied("统计分析表由企业报送")
    try:
        when = parse_period(period)
    except NotAPeriod as exc:
        raise FieldErrors({"period": str(exc)}) from None
    day = today or dates.today()
    if not when.ended(day):
        raise FieldErrors({"period": f"{when.label}尚未结束（{when.end:%Y-%m-%d} 结束），结束后才能报送"})
    checked = None
    if scan is not None:
        stream, name, size = scan
        try:
            checked = check_upload(stream, name=name, size=size)
        except EvidenceRejected as exc:
            raise FieldErrors({"scan": str(exc)}) from None
    figures = statistics(actor=actor, enterprise=firm, period=when)
    filing = Filing(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        period=when.key,
        due_on=when.due,
        filed_on=day,
        late=day > when.due,
        figures=figures,
        filed_by=actor,
    )
    saved: list[str] = []
    try:
        with transaction.atomic():
            if Filing.objects.select_for_update().filter(enterprise=firm, period=when.key).exists():
                raise Conflict(f"{when.label}的统计分析表已报送", field="period")
            if checked is not None:
                content, _ = stored_files(checked)
                filing.scan.save(content.name or "scan", content, save=False)
                saved.append(filing.scan.name)
                filing.scan_content_type = checked.content_type
                filing.scan_size = len(checked.content)
                filing.scan_sha256 = checked.sha256
                filing.scan_name = checked.original_name
            filing.save()
            payload: dict[str, Any] = {
                "period": when.key,
                "filed_on": day.isoformat(),
                "due_on": when.due.isoformat(),
                "late": filing.late,
                "scan": checked.original_name if checked is not None else "",
            }
            event_append(actor=actor, subject_type="filing", subject_id=str(filing.pk), kind="filed", payload=payload)
    except IntegrityError:  # filed at the same moment by another request
        _remove(saved)
        raise Conflict(f"{when.label}的统计分析表已报送", field="period") from None
    except BaseException:
        _remove(saved)
        raise
    return filing


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
