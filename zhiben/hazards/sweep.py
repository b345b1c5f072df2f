"""The escalation sweep (逾期升级): one set-based pass over overdue hazards (DESIGN.md §3).

For each rung of the ladder one ``INSERT … SELECT`` adds an ``Escalation`` row to every active hazard
whose days overdue reach that rung (and not the next) and that is not already on it or higher for its
current deadline. A hazard entered late, already far overdue, starts on the rung it has reached rather
than collecting every lower one; a revised deadline starts the ladder again. Major hazards 90 days
overdue are, in addition, proposed for listing (挂牌督办).
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
from django.db.models import Count, Max, Min
from django.utils import timezone

from zhiben.accounts.models import Role, User
from zhiben.analytics.tallies import fold_past_deadlines
from zhiben.audit.models import ChainHead
from zhiben.audit.services import event_append
from zhiben.notifications.models import Notification

from .models import ACTIVE_STATUSES, Escalation, EscalationStep, Hazard, Level, SweepRun


@dataclass
class SweepResult:
    run: SweepRun
    counts: dict[str, int]
    notified: int = 0
    emailed: list[int] = field(default_factory=list)


LADDER = ("reminder", "letter", "circular", "interview")


def rungs() -> list[tuple[str, int]]:
    """The ladder's rungs (step, days overdue), mildest first; thresholds are settings."""
    days = settings.ZHIBEN["ESCALATION_DAYS"]
    return [(step, int(days[step])) for step in LADDER]


def _insert(run: SweepRun, step: str, where: str, params: list[Any], already: tuple[str, ...]) -> int:
    """One INSERT … SELECT of ``step`` for active hazards matching ``where`` that have none of the
    ``already`` steps for their current deadline."""
    h, e = Hazard._meta.db_table, Escalation._meta.db_table
    statuses = list(ACTIVE_STATUSES)
    status_marks = ", ".join(["%s"] * len(statuses))
    already_marks = ", ".join(["%s"] * len(already))
    sql = (
        f"INSERT INTO {e} (hazard_id, step, deadline, escalated_on, sweep_id, region_id, sector_id, enterprise_id) "  # noqa: S608 - our tables
        f"SELECT h.id, %s, h.deadline, %s, %s, h.region_id, h.sector_id, h.enterprise_id FROM {h} h "
        f"WHERE h.status IN ({status_marks}) AND h.deadline IS NOT NULL AND {where} "
        f"AND NOT EXISTS (SELECT 1 FROM {e} x WHERE x.hazard_id = h.id AND x.deadline = h.deadline "
        f"AND x.step IN ({already_marks}))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [step, run.day, run.pk, *statuses, *params, *already])
        return int(cursor.rowcount)


def escalation_digest(first_id: int | None, last_id: int | None) -> str:
    """SHA-256 over every row in a sweep's id range, in id order (rows slipped into the range count too)."""
    if first_id is None or last_id is None:
        return ""
    digest = hashlib.sha256()
    table = Escalation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, hazard_id, step, deadline, escalated_on, sweep_id FROM {table} "  # noqa: S608 - our table
            "WHERE id >= %s AND id <= %s ORDER BY id",
            [first_id, last_id],
        )
        while chunk := cursor.fetchmany(50_000):
            # str() of a date (PostgreSQL) and SQLite's stored text agree: YYYY-MM-DD.
            digest.update("".join(f"{i}|{a}|{b}|{c}|{d}|{e}\n" for i, a, b, c, d, e in chunk).encode())
    return digest.hexdigest()


def _max_escalation_id() -> int:
    return int(Escalation.objects.order_by("-id").values_list("id", flat=True).first() or 0)


def sweep(*, today: datetime.date | None = None) -> SweepResult:
    """Run the ladder for ``today`` (the Beijing day by default). Idempotent."""
    from .rules import today as beijing_today

    day = today or beijing_today()
    with transaction.atomic():
        # One sweep at a time (the nightly task and a manual run must not interleave their id ranges):
        # the head row of the sweeps' own event chain, which this run's event appends to anyway.
        ChainHead.objects.select_for_update().get_or_create(chain="sweep")
        run = SweepRun.objects.create(day=day, started_at=timezone.now())
        before = _max_escalation_id()
        counts: dict[str, int] = {}
        ladder = rungs()
        for index, (step, days) in enumerate(ladder):
            # The rung reached today: at least this many days overdue and fewer than the next rung's.
            # A hazard already on this rung or a higher one (for this deadline) gets nothing.
            where, params = "h.deadline <= %s", [day - datetime.timedelta(days=days)]
            if index + 1 < len(ladder):
                where += " AND h.deadline > %s"
                params.append(day - datetime.timedelta(days=ladder[index + 1][1]))
            counts[step] = _insert(run, step, where, params, tuple(s for s, _ in ladder[index:]))
        proposal = EscalationStep.LISTING_PROPOSED.value
        cutoff = day - datetime.timedelta(days=int(settings.ZHIBEN["LISTING_PROPOSAL_DAYS"]))
        counts[proposal] = _insert(
            run, proposal, "h.deadline <= %s AND h.level = %s", [cutoff, Level.MAJOR.value], (proposal,)
        )
        # The rows just added are the ids above ``before`` (sequences may skip numbers, so ask).
        span = Escalation.objects.filter(id__gt=before).aggregate(first=Min("id"), last=Max("id"))
        run.first_id, run.last_id = span["first"], span["last"]
        # Fold the summary histograms' past deadlines, so counting today's overdue reads a row per key.
        fold_past_deadlines(today=day)
        run.counts = counts
        run.digest = escalation_digest(run.first_id, run.last_id)
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "digest", "finished_at", "first_id", "last_id"])
        event_append(
            actor=None,
            subject_type="sweep",
            subject_id=str(run.pk),
            kind="escalated",
            payload={
                "on": day,
                "counts": counts,
                "digest": run.digest,
                "first_id": run.first_id,
                "last_id": run.last_id,
            },
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
    users = list(User.objects.filter(is_active=True).prefetch_related("sectors"))
    if not users:
        return []
    mine = Escalation.objects.filter(id__gte=run.first_id, id__lte=run.last_id).order_by()
    by_region: dict[tuple[str, str, str], int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for row in mine.values("region_id", "sector_id", "step").annotate(n=Count("id")):
        by_region[(row["region_id"], row["sector_id"], row["step"])] += row["n"]
        total[row["step"]] += row["n"]
    firms = {u.enterprise_id for u in users if u.role == Role.ENTERPRISE and u.enterprise_id}
    by_enterprise: dict[tuple[int, str], int] = defaultdict(int)
    if firms:
        for row in mine.filter(enterprise_id__in=firms).values("enterprise_id", "step").annotate(n=Count("id")):
            by_enterprise[(row["enterprise_id"], row["step"])] += row["n"]
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
    steps = [*LADDER, EscalationStep.LISTING_PROPOSED.value]
    parts = [f"{labels[s]} {counts[s]} 条" for s in steps if counts.get(s)]
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
    for event in recorded.values():
        expected = str(event.payload.get("digest", ""))
        # The range comes from the chained event, not from the SweepRun row (which could be edited too).
        actual = escalation_digest(event.payload.get("first_id"), event.payload.get("last_id"))
        if actual != expected:
            day = event.payload.get("on")
            return f"事件 #{event.pk}（{day} 逾期升级扫描）记录的升级明细与数据库不符：升级记录被修改或删除"
    orphans = Escalation.objects.exclude(sweep_id__in=list(recorded)).values_list("sweep_id", flat=True).first()
    if orphans is not None:
        return f"扫描 #{orphans} 的升级记录没有对应的事件：被绕过程序插入"
    return None
