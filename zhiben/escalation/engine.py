"""The escalation engine (逾期升级): every register's deadline sources through one ladder (DESIGN.md §3).

For each source a register declares (``kit.DeadlineSource``: hazards' rectification deadlines, tips'
verification and reply days, and tomorrow inspections' ordered deadlines, plan tasks, certificates …)
and for each rung, one ``INSERT … SELECT`` adds a record row to every open item whose due day puts it on
that rung today and that is not already on it or higher for the same due day:

- 临期提醒 (``due_soon``): from ``ZHIBEN["REMIND_BEFORE_DAYS"]`` days before the due day to the day itself;
- 提醒 · 函告 · 通报 · 约谈: 1 / 15 / 30 / 60 days late (settings ``ZHIBEN["ESCALATION_DAYS"]``); an item
  entered late starts on the rung it has reached rather than collecting every lower one;
- the source's extra rungs (建议挂牌督办 for major hazards 90 days late).

A new due day starts the ladder again. The ``NOT EXISTS`` and each record table's unique constraint make
a second run on the same day add nothing. Each source's run is an event in the hash chain carrying a
SHA-256 digest of the rows it added, so ``verify_events`` also catches rows edited or deleted later.
Then the register's notification rules on the source (``kit.NotificationRule`` with ``kit.OnDeadline``,
worded by ``zhiben.notifications.rules``) give each user in scope one digest per rule: the reminders
before the due day in one, the rungs after it in another (and e-mail when configured).

"Today" is the Beijing day (zhiben.common.dates). One sweep runs at a time, under its own named lock
(zhiben/audit/locks.py).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField as CharFieldType
from django.db.models import Count, DateField, Exists, F, IntegerField, Max, Min, OuterRef, Q, Value
from django.utils import timezone

from zhiben.accounts.models import Role, User
from zhiben.audit.locks import hold
from zhiben.audit.models import Event
from zhiben.audit.services import event_append
from zhiben.common import dates, hooks, kit
from zhiben.notifications.models import Notification
from zhiben.notifications.rules import deadline_notice, deadline_rules, deliver

DUE_SOON = kit.DUE_SOON
LADDER = kit.LADDER
STEP_LABELS = kit.STEP_LABELS


def rungs() -> list[tuple[str, int]]:
    """The common ladder's rungs ``[(step, days late)]``, mildest first; the days are settings."""
    days = settings.ZHIBEN["ESCALATION_DAYS"]
    return [(step, int(days[step])) for step in LADDER]


def remind_before_days() -> int:
    """Days before a due day that the 临期提醒 starts (0: no reminder before the deadline)."""
    return max(0, int(settings.ZHIBEN["REMIND_BEFORE_DAYS"]))


@dataclass
class SourceResult:
    """What one source's pass added: ``counts`` per step, the id range of its rows and their digest."""

    source: str
    counts: dict[str, int]
    first_id: int | None = None
    last_id: int | None = None
    digest: str = ""
    run: Any = None
    notifications: list[Notification] = field(default_factory=list)


@dataclass
class SweepResult:
    """A whole sweep: the day and each source's result, keyed by source."""

    day: datetime.date
    sources: dict[str, SourceResult]
    notified: int = 0
    emailed: list[int] = field(default_factory=list)

    def counts(self, source: str) -> dict[str, int]:
        """The steps added for ``source`` (``{}`` for a source that is not declared)."""
        found = self.sources.get(source)
        return dict(found.counts) if found else {}


def sources() -> list[kit.DeadlineSource]:
    """Every declared deadline source, register by register."""
    return [s for spec in kit.registers() for s in spec.deadline_sources]


def source_of(key: str) -> kit.DeadlineSource | None:
    for s in sources():
        if s.key == key:
            return s
    return None


def _insert(
    source: kit.DeadlineSource,
    *,
    step: str,
    day: datetime.date,
    run_id: int | None,
    bounds: dict[str, datetime.date],
    already: tuple[str, ...],
    only: Any = None,
) -> int:
    """One ``INSERT … SELECT`` of ``step`` for the source's open items whose due day is within ``bounds``
    (lookups on the due field) and that have none of the ``already`` steps for that due day."""
    record = source.record()
    due_path = source.columns[source.due_column]
    subject_path = source.columns[source.subject_column]
    qs = source.items().filter(**{f"{due_path}__{op}": value for op, value in bounds.items()})
    if source.narrow is not None:  # a computed due day: let the database find the candidates by an index
        qs = qs.filter(source.narrow(bounds))
    if only:
        qs = qs.filter(**only)
    done = record._default_manager.filter(
        **{
            source.subject_column: OuterRef(subject_path),
            source.due_column: OuterRef(due_path),
            "step__in": already,
        }
    )
    qs = qs.filter(~Exists(done)).order_by()
    names: list[str] = []
    columns: list[str] = []
    annotations: dict[str, Any] = {}
    for i, (column, path) in enumerate(source.columns.items()):
        names.append(f"c{i}")
        columns.append(column)
        annotations[f"c{i}"] = F(path)
    annotations["c_step"] = Value(step, output_field=CharFieldType())
    annotations["c_day"] = Value(day, output_field=DateField())
    names += ["c_step", "c_day"]
    columns += ["step", source.day_column]
    if source.run_column:
        annotations["c_run"] = Value(run_id, output_field=IntegerField())
        names.append("c_run")
        columns.append(source.run_column)
    select, params = qs.annotate(**annotations).values_list(*names).query.sql_with_params()
    quote = connection.ops.quote_name
    sql = f"INSERT INTO {quote(record._meta.db_table)} ({', '.join(quote(c) for c in columns)}) {select}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _max_id(model: Any) -> int:
    return int(model._default_manager.order_by("-id").values_list("id", flat=True).first() or 0)


def digest_rows(source: kit.DeadlineSource, first_id: int | None, last_id: int | None) -> str:
    """SHA-256 over every row of the source's records in an id range, in id order (rows slipped into the
    range count too); each row is its ``digest_columns`` joined by ``|``."""
    if first_id is None or last_id is None:
        return ""
    record = source.record()
    quote = connection.ops.quote_name
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in source.digest_columns)} FROM {quote(record._meta.db_table)} "  # noqa: S608 - our table and declared columns
            "WHERE id >= %s AND id <= %s ORDER BY id",
            [first_id, last_id],
        )
        while chunk := cursor.fetchmany(50_000):
            # str() of a date (PostgreSQL) and SQLite's stored text agree: YYYY-MM-DD.
            digest.update("".join("|".join(str(v) for v in row) + "\n" for row in chunk).encode())
    return digest.hexdigest()


def _days(value: str | int) -> int:
    return int(value) if isinstance(value, int) else int(settings.ZHIBEN[value])


def _run_source(source: kit.DeadlineSource, day: datetime.date) -> SourceResult:
    record = source.record()
    run = source.run_model()._default_manager.create(day=day, started_at=timezone.now()) if source.run_model else None
    run_id = run.pk if run is not None else None
    before = _max_id(record)
    counts: dict[str, int] = {}
    ladder = rungs()
    every = (DUE_SOON, *(s for s, _ in ladder))
    ahead = remind_before_days()
    if ahead:
        # Before the deadline (临期提醒): once per due day, and never for an item already late.
        counts[DUE_SOON] = _insert(
            source,
            step=DUE_SOON,
            day=day,
            run_id=run_id,
            bounds={"gte": day, "lte": day + datetime.timedelta(days=ahead)},
            already=every,
        )
    for index, (step, days) in enumerate(ladder):
        # The rung reached today: at least this many days late and fewer than the next rung's.
        bounds = {"lte": day - datetime.timedelta(days=days)}
        if index + 1 < len(ladder):
            bounds["gt"] = day - datetime.timedelta(days=ladder[index + 1][1])
        counts[step] = _insert(
            source, step=step, day=day, run_id=run_id, bounds=bounds, already=tuple(s for s, _ in ladder[index:])
        )
    for rung in source.extra_rungs:
        cutoff = day - datetime.timedelta(days=_days(rung.days))
        counts[rung.step] = _insert(
            source, step=rung.step, day=day, run_id=run_id, bounds={"lte": cutoff}, already=(rung.step,), only=rung.only
        )
    # The rows just added are the ids above ``before`` (sequences may skip numbers, so ask).
    span = record._default_manager.filter(id__gt=before).aggregate(first=Min("id"), last=Max("id"))
    result = SourceResult(source=source.key, counts=counts, first_id=span["first"], last_id=span["last"], run=run)
    result.digest = digest_rows(source, result.first_id, result.last_id)
    if run is not None:
        run.counts, run.digest = counts, result.digest
        run.first_id, run.last_id = result.first_id, result.last_id
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "digest", "finished_at", "first_id", "last_id"])
    if run is not None or result.first_id is not None:
        event_append(
            actor=None,
            subject_type="sweep",
            subject_id=str(run.pk) if run is not None else f"{source.key}:{day.isoformat()}",
            kind="escalated",
            payload={
                "on": day,
                "source": source.key,
                "counts": counts,
                "digest": result.digest,
                "first_id": result.first_id,
                "last_id": result.last_id,
            },
        )
    if result.first_id is not None:
        result.notifications = _notifications(source, result, day)
    return result


def sweep(*, today: datetime.date | None = None) -> SweepResult:
    """Run every deadline source through the ladder for ``today`` (default: the Beijing day). Idempotent:
    a second run on the same day adds nothing. Answers what each source added."""
    day = today or dates.today()
    # One sweep at a time (the nightly task and a manual run must not interleave their id ranges), on a
    # lock row of its own: the day's ordinary writes never wait for it (each source's event goes to the
    # "sweep" chain, not to the registers' chains).
    with transaction.atomic(), hold("sweep"):
        result = SweepResult(day=day, sources={})
        for source in sources():
            result.sources[source.key] = _run_source(source, day)
        # The new day starts for the engines that keep figures (the summary counts fold passed deadlines).
        hooks.day_started(day)
        notes = deliver([n for r in result.sources.values() for n in r.notifications])
        result.notified = len({n.user_id for n in notes})
        if notes and settings.ZHIBEN_EMAIL_ENABLED:
            result.emailed = sorted({n.user_id for n in notes if n.user.email})
    return result


def _notifications(source: kit.DeadlineSource, result: SourceResult, day: datetime.date) -> list[Notification]:
    """Each user's digests by the register's rules on this source (``kit.OnDeadline``): for every rule whose
    roles hold the user, one notice counting the rows of its steps within the user's scope. Counted in
    SQL, grouped per user in Python (users are few)."""
    rules = deadline_rules(source.key)
    roles = {role for rule in rules for role in rule.roles}
    users = list(User.objects.filter(is_active=True, role__in=roles).prefetch_related("sectors")) if roles else []
    if not users:
        return []
    mine = source.record()._default_manager.filter(id__gte=result.first_id, id__lte=result.last_id).order_by()
    region, sector, firm = source.region_column, source.sector_column, source.enterprise_column
    keys = [k for k in (region, sector) if k]
    by_place: dict[tuple[str, str, str], int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for row in mine.values(*keys, "step").annotate(n=Count("id")):
        place = (str(row[region]), str(row[sector]) if sector else "", row["step"])
        by_place[place] += row["n"]
        total[row["step"]] += row["n"]
    firms = {u.enterprise_id for u in users if u.role == Role.ENTERPRISE and u.enterprise_id}
    by_firm: dict[tuple[int, str], int] = defaultdict(int)
    if firm and firms:
        for row in mine.filter(**{f"{firm}__in": firms}).values(firm, "step").annotate(n=Count("id")):
            by_firm[(row[firm], row["step"])] += row["n"]
    ahead = remind_before_days()
    out: list[Notification] = []
    for user in users:
        counts: dict[str, int] = defaultdict(int)
        if user.role == Role.ADMIN:
            counts.update(total)
        elif user.role == Role.ENTERPRISE:
            for (enterprise_id, step), n in by_firm.items():
                if enterprise_id == user.enterprise_id:
                    counts[step] += n
        elif user.region_id:
            own = {s.key for s in user.sectors.all()}
            for (code, key, step), n in by_place.items():
                if code.startswith(user.region_id) and (not own or not sector or key in own):
                    counts[step] += n
        for rule in rules:
            if user.role in rule.roles:
                note = deadline_notice(rule, source, user=user, day=day, days=ahead, counts=counts)
                if note is not None:
                    out.append(note)
    return out


def verify_sweeps() -> str | None:
    """Recompute each sweep's digest from its source's rows; name the first sweep that differs, or rows
    added behind the engine's back. None when every sweep matches."""
    ranges: dict[str, list[tuple[int, int]]] = defaultdict(list)
    runs: dict[str, set[int]] = defaultdict(set)
    for event in Event.objects.filter(subject_type="sweep", kind="escalated").order_by("id"):
        payload = event.payload if isinstance(event.payload, dict) else {}
        source = source_of(str(payload.get("source", "hazard")))  # sweeps before the engine were hazards'
        if source is None or "digest" not in payload:
            continue
        first, last = payload.get("first_id"), payload.get("last_id")
        # The range comes from the chained event, not from a run row (which could be edited too).
        if digest_rows(source, first, last) != str(payload.get("digest", "")):
            return (
                f"事件 #{event.pk}（{payload.get('on')} {source.label}逾期升级扫描）记录的升级明细与数据库不符："
                "升级记录被修改或删除"
            )
        if source.run_column:
            runs[source.key].add(int(event.subject_id))
        if first is not None and last is not None:
            ranges[source.key].append((int(first), int(last)))
    # Rows no sweep vouches for, table by table (two sources may share one record table).
    tables: dict[str, list[kit.DeadlineSource]] = defaultdict(list)
    for source in sources():
        tables[source.record()._meta.db_table].append(source)
    for group in tables.values():
        source = group[0]
        rows = source.record()._default_manager.all()
        if source.run_column:
            recorded = [run for s in group for run in runs[s.key]]
            stray = rows.exclude(**{f"{source.run_column}__in": recorded}).values_list(source.run_column, flat=True)
            found = stray.first()
            if found is not None:
                return f"扫描 #{found} 的升级记录没有对应的事件：被绕过程序插入"
            continue
        spans = [span for s in group for span in ranges[s.key]]
        if not spans:
            continue
        # Rows from before digests were recorded (below the first range) are not judged.
        inside = Q()
        for first, last in spans:
            inside |= Q(id__gte=first, id__lte=last)
        stray_id = rows.filter(id__gte=min(f for f, _ in spans)).exclude(inside).values_list("id", flat=True).first()
        if stray_id is not None:
            return f"{source.label}升级记录 #{stray_id} 没有对应的扫描事件：被绕过程序插入"
    return None
