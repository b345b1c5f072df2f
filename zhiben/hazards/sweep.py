"""The escalation sweep (逾期升级): one set-based pass over overdue hazards (DESIGN.md §3).

For each step of the ladder one ``INSERT … SELECT`` adds an ``Escalation`` row to every active hazard
that is at least that many days past its deadline and has not had that step for that deadline.
The unique constraint and the ``NOT EXISTS`` make a second run add nothing. The run itself is an
event in the hash chain whose payload carries a SHA-256 digest of the rows it added, so
``verify_events`` also catches escalation rows edited or deleted later. Then each responsible user
gets one digest notification (and e-mail when configured), however many hazards escalated.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from zhiben.accounts.models import Role, User
from zhiben.audit.services import event_append
from zhiben.notifications.models import Notification

from .models import ACTIVE_STATUSES, Escalation, EscalationStep, Hazard, Level, SweepRun


@dataclass
class SweepResult:
    run: SweepRun
    counts: dict[str, int]
    notified: int = 0
    emailed: list[int] = field(default_factory=list)


def ladder() -> list[tuple[str, int, str | None]]:
    """(step, days overdue, level restriction), mildest first."""
    days = settings.ZHIBEN["ESCALATION_DAYS"]
    steps: list[tuple[str, int, str | None]] = [
        (step, int(days[step]), None) for step in ("reminder", "letter", "circular", "interview")
    ]
    steps.append(
        (EscalationStep.LISTING_PROPOSED.value, int(settings.ZHIBEN["LISTING_PROPOSAL_DAYS"]), Level.MAJOR.value)
    )
    return steps


def _insert_step(run: SweepRun, step: str, cutoff: datetime.date, level: str | None) -> int:
    h, e = Hazard._meta.db_table, Escalation._meta.db_table
    statuses = list(ACTIVE_STATUSES)
    marks = ", ".join(["%s"] * len(statuses))
    level_sql = " AND h.level = %s" if level else ""
    sql = (
        f"INSERT INTO {e} (hazard_id, step, deadline, escalated_on, sweep_id) "  # noqa: S608 - identifiers are ours
        f"SELECT h.id, %s, h.deadline, %s, %s FROM {h} h "
        f"WHERE h.status IN ({marks}) AND h.deadline IS NOT NULL AND h.deadline <= %s{level_sql} "
        f"AND NOT EXISTS (SELECT 1 FROM {e} x WHERE x.hazard_id = h.id AND x.step = %s AND x.deadline = h.deadline)"
    )
    params: list[Any] = [step, run.day, run.pk, *statuses, cutoff]
    if level:
        params.append(level)
    params.append(step)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def escalation_digest(sweep_id: int) -> str:
    """SHA-256 over the rows a sweep added, in a canonical order."""
    digest = hashlib.sha256()
    rows = (
        Escalation.objects.filter(sweep_id=sweep_id)
        .order_by("hazard_id", "step")
        .values_list("hazard_id", "step", "deadline", "escalated_on")
    )
    for hazard_id, step, deadline, day in rows.iterator(chunk_size=20_000):
        digest.update(f"{hazard_id}|{step}|{deadline}|{day}\n".encode())
    return digest.hexdigest()


def sweep(*, today: datetime.date | None = None) -> SweepResult:
    """Run the ladder for ``today`` (the Beijing day by default). Idempotent."""
    from .rules import today as beijing_today

    day = today or beijing_today()
    with transaction.atomic():
        run = SweepRun.objects.create(day=day, started_at=timezone.now())
        counts: dict[str, int] = {}
        for step, days, level in ladder():
            counts[step] = _insert_step(run, step, day - datetime.timedelta(days=days), level)
        run.counts = counts
        run.digest = escalation_digest(run.pk) if any(counts.values()) else ""
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "digest", "finished_at"])
        event_append(
            actor=None,
            subject_type="sweep",
            subject_id=str(run.pk),
            kind="escalated",
            payload={"on": day, "counts": counts, "digest": run.digest},
        )
        result = SweepResult(run=run, counts=counts)
        if any(counts.values()):
            notifications = _notifications(run)
            Notification.objects.bulk_create(notifications, batch_size=2000)
            result.notified = len(notifications)
            if settings.ZHIBEN_EMAIL_ENABLED:
                ids = [n.user_id for n in notifications]
                result.emailed = ids
                transaction.on_commit(lambda: _queue_mail(run.pk))
    return result


def _queue_mail(sweep_id: int) -> None:
    from .tasks import mail_sweep_digest

    mail_sweep_digest(sweep_id)


def _notifications(run: SweepRun) -> list[Notification]:
    """One digest per responsible user: regulators whose region (and sectors) cover the hazard, the
    hazard's enterprise's users, and the committee office. Counted in SQL, grouped per user in Python
    (users are few; hazards are many)."""
    grouped = (
        Escalation.objects.filter(sweep=run)
        .values("hazard__region_id", "hazard__sector_id", "hazard__enterprise_id", "step")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_region: dict[tuple[str, str, str], int] = defaultdict(int)
    by_enterprise: dict[tuple[int, str], int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for row in grouped:
        by_region[(row["hazard__region_id"], row["hazard__sector_id"], row["step"])] += row["n"]
        by_enterprise[(row["hazard__enterprise_id"], row["step"])] += row["n"]
        total[row["step"]] += row["n"]
    users = User.objects.filter(is_active=True).prefetch_related("sectors")
    out: list[Notification] = []
    for user in users:
        counts: dict[str, int] = defaultdict(int)
        if user.role == Role.ADMIN:
            counts.update(total)
        elif user.role == Role.ENTERPRISE and user.enterprise_id:
            for (enterprise_id, step), n in by_enterprise.items():
                if enterprise_id == user.enterprise_id:
                    counts[step] += n
        elif user.region_id:
            sectors = {s.key for s in user.sectors.all()}
            for (region, sector, step), n in by_region.items():
                if region.startswith(user.region_id) and (not sectors or sector in sectors):
                    counts[step] += n
        if counts:
            out.append(_digest_notification(user, run, counts))
    return out


def _digest_notification(user: User, run: SweepRun, counts: dict[str, int]) -> Notification:
    labels = dict(EscalationStep.choices)
    parts = [f"{labels[s]} {counts[s]} 条" for s, _, _ in ladder() if counts.get(s)]
    return Notification(
        user=user,
        kind="escalation",
        title=f"{run.day:%Y-%m-%d} 逾期隐患升级：{'，'.join(parts)}",
        body="以下隐患已超过整改期限，按规定升级督办：\n"
        + "\n".join(parts)
        + "\n请尽快督促整改，逾期未改的将继续升级。",
        link="/hazards/?overdue=1",
    )


def verify_sweeps() -> str | None:
    """Recompute each sweep's digest from the escalation rows; name the first sweep that differs."""
    from zhiben.audit.models import Event

    recorded = {
        int(e.subject_id): e for e in Event.objects.filter(subject_type="sweep", kind="escalated").order_by("id")
    }
    for sweep_id, event in recorded.items():
        expected = str(event.payload.get("digest", ""))
        actual = escalation_digest(sweep_id) if Escalation.objects.filter(sweep_id=sweep_id).exists() else ""
        if actual != expected:
            day = event.payload.get("on")
            return f"事件 #{event.pk}（{day} 逾期升级扫描）记录的升级明细与数据库不符：升级记录被修改或删除"
    orphans = Escalation.objects.exclude(sweep_id__in=list(recorded)).values_list("sweep_id", flat=True).first()
    if orphans is not None:
        return f"扫描 #{orphans} 的升级记录没有对应的事件：被绕过程序插入"
    return None
