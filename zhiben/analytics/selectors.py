"""Hazard figures for a region subtree (DESIGN.md §6 meaning of every figure), read from the summary
counts: the cost depends on regions and categories, not on the number of hazards.

Officers limited to sectors asking for the monthly grouping, and enterprise users, are answered from
the rows of their (small) scope instead; ``as_of`` is available on the summary path only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, CharField, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Substr

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import actor_sector_keys, scoped
from zhiben.common import kit
from zhiben.common.errors import FieldErrors, NotFound, PermissionDenied
from zhiben.enterprises.models import Enterprise
from zhiben.hazards import rules
from zhiben.hazards.models import Hazard, Level, Source, Status
from zhiben.hazards.selectors import stock_remaining_at_deadline
from zhiben.reference.models import Sector
from zhiben.regions.models import Region

from .models import (
    CURRENT,
    PAST,
    ActiveDeadline,
    ActiveDeadlineMonth,
    ClosedLoopTally,
    EnterpriseDeadline,
    HazardMonthTally,
    HazardTally,
    SummaryRebuild,
)
from .tallies import REVIEW, REVIEW_LISTED, STOCK_CLOSED

FIGURES = (
    "total",
    "open",
    "closed",
    "overdue",
    "closed_on_time",
    "stock_total",
    "stock_open",
    "increment_total",
    "increment_open",
    "listed",
)
GROUPS = ("region", "sector", "source", "cohort", "month")
CHILD_LENGTH = {2: 4, 4: 6, 6: 9}


@dataclass(frozen=True)
class Scope:
    """Where the figures are counted: a region subtree (None: the whole country), cut to sectors."""

    region: Region | None
    sectors: tuple[str, ...]
    rows_only: bool  # enterprise users: counted from their rows


def stats_scope(*, actor: User, region: str | None) -> Scope:
    """The subtree asked for, if the actor may see it (404 otherwise)."""
    if actor.role == Role.ENTERPRISE:
        return Scope(region=None, sectors=(), rows_only=True)
    root = None if actor.role == Role.ADMIN else actor.region_id
    code = region or root
    if actor.is_regulator and root is None:
        raise NotFound("未设置辖区")
    if code is None:
        return Scope(region=None, sectors=(), rows_only=False)
    target = Region.objects.filter(code=code).first()
    if target is None:
        raise FieldErrors({"region": f"行政区划代码 {code} 不存在"})
    if root is not None and not code.startswith(root):
        raise NotFound("该区划不在您的管辖范围内")
    sectors = tuple(actor_sector_keys(actor)) if actor.is_regulator else ()
    return Scope(region=target, sectors=sectors, rows_only=False)


DEPTH = {2: 1, 4: 2, 6: 3, 9: 4}


def _child_depth(scope: Scope) -> int | None:
    if scope.region is None:
        return 1
    if scope.region.acts_as_county:
        return 4  # townships sit straight under a county-less prefecture
    return {1: 2, 2: 3, 3: 4}.get(DEPTH[len(scope.region.code)])


def _group_key(scope: Scope, group_by: str) -> Any:
    """For the rows path: the group of a hazard row."""
    if group_by == "region":
        if scope.region is None:
            return Substr("region_id", 1, 2)
        length = len(scope.region.code)
        child = 9 if scope.region.acts_as_county else CHILD_LENGTH.get(length)
        # Hazards registered at the region itself form the group keyed by its own code.
        return Substr("region_id", 1, child) if child else F("region_id")
    return F(f"{group_by}_id" if group_by == "sector" else group_by)


def _sum_counters(qs: QuerySet[Any], key: Any, with_cohort: bool) -> dict[str, dict[str, int]]:
    aggregates: dict[str, Any] = {
        "total": Sum("total"),
        "open": Sum("active"),
        "closed": Sum("closed"),
        "closed_on_time": Sum("closed_on_time"),
        "listed": Sum("listed"),
    }
    if with_cohort:
        for cohort in ("stock", "increment"):
            aggregates[f"{cohort}_total"] = Sum(
                Case(When(cohort=cohort, then="total"), default=Value(0)), output_field=IntegerField()
            )
            aggregates[f"{cohort}_open"] = Sum(
                Case(When(cohort=cohort, then="active"), default=Value(0)), output_field=IntegerField()
            )
    # Aliases get a prefix: an alias named like a column ("total") would shadow it in the CASE above.
    rows = qs.annotate(k=key).values("k").annotate(**{f"f_{n}": a for n, a in aggregates.items()}).order_by()
    return {str(r["k"]): {name: int(r[f"f_{name}"] or 0) for name in aggregates} for r in rows}


def _sum_overdue(qs: QuerySet[Any], key: Any, on: datetime.date) -> dict[str, int]:
    rows = qs.filter(deadline__lt=on).annotate(k=key).values("k").annotate(f_n=Sum("n")).order_by()
    return {str(r["k"]): int(r["f_n"] or 0) for r in rows}


def _subtract(a: dict[str, dict[str, int]], b: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    out = {k: dict(v) for k, v in a.items()}
    for key, values in b.items():
        row = out.setdefault(key, dict.fromkeys(values, 0))
        for name, value in values.items():
            row[name] = row.get(name, 0) - value
    return out


def _month_cohorts(groups: dict[str, dict[str, int]]) -> None:
    """Cohorts of a month group follow from the month and the cut-off (a month's last day)."""
    cutoff = rules.stock_cutoff().strftime("%Y-%m")
    for month, row in groups.items():
        stock = month <= cutoff
        row["stock_total"] = row["total"] if stock else 0
        row["stock_open"] = row["open"] if stock else 0
        row["increment_total"] = 0 if stock else row["total"]
        row["increment_open"] = 0 if stock else row["open"]


def hazard_stats(
    *,
    actor: User,
    region: str | None = None,
    level: str | None = None,
    group_by: str = "region",
    as_of: datetime.date | None = None,
    scope: Scope | None = None,
) -> dict[str, Any]:
    """``{"totals": {...}, "groups": [{"key", figures…}]}`` for the actor's subtree (DESIGN.md §6).
    ``scope``: the actor's ``stats_scope`` for ``region`` when the caller has it already."""
    if group_by not in GROUPS:
        raise FieldErrors({"group_by": f"应为 {'、'.join(GROUPS)} 之一"})
    if level and level not in Level.values:
        raise FieldErrors({"level": "应为 major 或 general"})
    today = rules.today()
    if as_of is not None and as_of > today:
        raise FieldErrors({"as_of": "不能晚于今天"})
    scope = scope or stats_scope(actor=actor, region=region)
    on = as_of or today
    if as_of is not None and as_of < today:
        rebuilt = SummaryRebuild.objects.order_by("-day").values_list("day", flat=True).first()
        if rebuilt is not None and as_of < rebuilt:
            # a rebuild counts everything as that day's change: earlier days are unknown, not empty
            raise FieldErrors({"as_of": f"统计汇总于 {rebuilt:%Y-%m-%d} 按明细重建，此前的历史数据不可查"})
    rows_only = scope.rows_only or (group_by == "month" and bool(scope.sectors))
    if rows_only:
        if as_of is not None and as_of < today:
            raise FieldErrors({"as_of": "该范围的统计按明细即时计算，不提供历史日期"})
        groups = _stats_from_rows(actor=actor, scope=scope, level=level, group_by=group_by, on=on)
    else:
        groups = _stats_from_tallies(scope=scope, level=level, group_by=group_by, on=on, today=today)
    ordered: list[dict[str, Any]] = []
    for key in sorted(groups):
        figures = {f: int(groups[key].get(f, 0)) for f in FIGURES}
        if any(figures.values()):
            ordered.append({"key": key, **figures})
    totals = {f: sum(int(g[f]) for g in ordered) for f in FIGURES}
    return {
        "totals": totals,
        "groups": ordered,
        "as_of": on,
        "region": scope.region.code if scope.region else None,
        "group_by": group_by,
    }


def _select(
    qs: QuerySet[Any], scope: Scope, group_by: str, level: str | None, dim: str | None
) -> tuple[QuerySet[Any], Any]:
    """The rows of the summary tables a grouping reads, and the expression that names each group."""
    if level:
        qs = qs.filter(level=level)
    if dim is not None:
        qs = qs.filter(dim=dim)
        if dim == "sector" and scope.sectors:
            qs = qs.filter(dim_value__in=scope.sectors)
    if group_by == "region":
        depth = _child_depth(scope)
        qs = qs.filter(depth=depth) if depth else qs.none()
        if scope.region is not None:
            qs = qs.filter(node__prefix=scope.region.code)
        return qs, F("node")
    own = scope.region.code if scope.region else None
    # depth too, so the (day, dim, depth, node) index is used to the end
    qs = qs.filter(node=own, depth=DEPTH[len(own)]) if own else qs.filter(depth=1)
    key = {"sector": F("dim_value"), "source": F("dim_value"), "cohort": F("cohort"), "month": F("month")}[group_by]
    return qs, key


def _stats_from_tallies(
    *, scope: Scope, level: str | None, group_by: str, on: datetime.date, today: datetime.date
) -> dict[str, dict[str, int]]:
    monthly = group_by == "month"
    tally: QuerySet[Any]
    histogram: QuerySet[Any]
    dim: str | None
    if monthly:
        tally, histogram, dim = HazardMonthTally.objects.all(), ActiveDeadlineMonth.objects.all(), None
    else:
        dim = {"sector": "sector", "source": "source"}.get(group_by, "sector" if scope.sectors else "all")
        tally, histogram = HazardTally.objects.all(), ActiveDeadline.objects.all()
    rows, key = _select(tally, scope, group_by, level, dim)
    groups = _sum_counters(rows.filter(day=CURRENT), key, with_cohort=not monthly)
    hist, hkey = _select(histogram, scope, group_by, level, dim)
    if on < today:  # as it stood at the end of ``on``: take back every later day's changes
        groups = _subtract(groups, _sum_counters(rows.filter(day__gt=on), key, with_cohort=not monthly))
        # past deadlines of the running totals are folded, so yesterday's overdue comes from the deltas
        overdue = _sum_overdue(hist.exclude(day=CURRENT).filter(day__lte=on), hkey, on)
    else:
        overdue = _sum_overdue(hist.filter(day=CURRENT), hkey, on)
    if group_by == "region" and scope.region is not None:
        # Hazards registered at the region itself: the region's whole count less its children's.
        code = scope.region.code
        whole_rows, _ = _select(tally, scope, "cohort", level, dim)
        whole = _sum_counters(whole_rows.filter(day=CURRENT), Value(code), True).get(code, {})
        if on < today:
            later = _sum_counters(whole_rows.filter(day__gt=on), Value(code), True)
            whole = _subtract({code: whole}, later).get(code, {})
        whole_hist, _ = _select(histogram, scope, "cohort", level, dim)
        whole_hist = (
            whole_hist.exclude(day=CURRENT).filter(day__lte=on) if on < today else whole_hist.filter(day=CURRENT)
        )
        whole_overdue = _sum_overdue(whole_hist, Value(code), on).get(code, 0)
        groups[code] = {f: v - sum(row.get(f, 0) for row in groups.values()) for f, v in whole.items()}
        overdue[code] = whole_overdue - sum(overdue.values())
    if monthly:
        _month_cohorts(groups)
    for k, n in overdue.items():
        groups.setdefault(k, {})["overdue"] = n
    return groups


def _stats_from_rows(
    *, actor: User, scope: Scope, level: str | None, group_by: str, on: datetime.date
) -> dict[str, dict[str, int]]:
    qs = scoped(Hazard.objects, actor).exclude(status=Status.CANCELLED).order_by()
    if scope.region is not None:
        qs = qs.filter(region__code__prefix=scope.region.code)
    if scope.sectors:  # the officer's own sectors, or a member unit's (department_scope)
        qs = qs.filter(sector_id__in=scope.sectors)
    if level:
        qs = qs.filter(level=level)
    if group_by == "month":
        key: Any = Substr(Cast("discovered_on", output_field=CharField()), 1, 7)
    elif group_by == "cohort":
        key = rules.cohort_expression()
    else:
        key = _group_key(scope, group_by)
    stock = rules.q_cohort("stock")
    counts = {  # prefixed: a plain "listed" would clash with the model's property
        "f_total": Count("id"),
        "f_open": Count("id", filter=rules.q_active()),
        "f_closed": Count("id", filter=Q(status=Status.CLOSED)),
        "f_overdue": Count("id", filter=rules.q_overdue(on=on)),
        "f_closed_on_time": Count("id", filter=rules.q_closed_on_time()),
        "f_stock_total": Count("id", filter=stock),
        "f_stock_open": Count("id", filter=stock & rules.q_active()),
        "f_increment_total": Count("id", filter=~stock),
        "f_increment_open": Count("id", filter=~stock & rules.q_active()),
        "f_listed": Count("id", filter=rules.q_listed()),
    }
    rows = qs.annotate(k=key).values("k").annotate(**counts)
    return {str(r["k"]): {f: int(r[f"f_{f}"]) for f in FIGURES} for r in rows}


def hazard_stats_from_rows(
    *, actor: User, region: str | None, level: str | None, group_by: str, on: datetime.date | None = None
) -> dict[str, dict[str, int]]:
    """The same figures by ``GROUP BY`` over the rows: the check (and the benchmark's floor)."""
    scope = stats_scope(actor=actor, region=region)
    return _stats_from_rows(actor=actor, scope=scope, level=level, group_by=group_by, on=on or rules.today())


def zeroing(*, actor: User, region: str | None = None) -> dict[str, Any]:
    """Dynamic zeroing of major hazards (动态清零): stock cleared? increment by year, open overdue now.

    ``stock.cleared_by_deadline`` and ``stock.remaining_at_deadline`` follow business dates (DESIGN.md §3):
    the stock major hazards known now that were not closed (by their close-out date) on or before the
    stock deadline, whenever they were typed in. ``stock.recorded_open_at_deadline`` is the other question
    — what the system knew at the end of that day (the ``as_of`` counts; None where they cannot tell)."""
    today = rules.today()
    deadline = rules.stock_deadline()
    by_cohort = hazard_stats(actor=actor, region=region, level=Level.MAJOR, group_by="cohort")
    stock = next((g for g in by_cohort["groups"] if g["key"] == "stock"), dict.fromkeys(FIGURES, 0))
    cleared: bool | None = None
    remaining_at_deadline: int | None = None
    recorded: int | None = None
    if deadline < today:
        remaining_at_deadline = stock_open_on(actor=actor, scope=stats_scope(actor=actor, region=region), day=deadline)
        cleared = remaining_at_deadline == 0
        try:
            then = hazard_stats(actor=actor, region=region, level=Level.MAJOR, group_by="cohort", as_of=deadline)
            at = next((g for g in then["groups"] if g["key"] == "stock"), dict.fromkeys(FIGURES, 0))
            recorded = at["open"]
        except FieldErrors:
            recorded = None  # a rows-only scope keeps no history, or the counts were rebuilt since
    by_month = hazard_stats(actor=actor, region=region, level=Level.MAJOR, group_by="month")
    cutoff = rules.stock_cutoff().strftime("%Y-%m")
    years: dict[str, dict[str, int]] = defaultdict(lambda: {"total": 0, "closed": 0, "open": 0, "overdue": 0})
    for g in by_month["groups"]:
        if g["key"] > cutoff:
            year = years[g["key"][:4]]
            for f in ("total", "closed", "open", "overdue"):
                year[f] += g[f]
    return {
        "region": by_cohort["region"],
        "stock": {
            "total": stock["total"],
            "closed": stock["closed"],
            "remaining": stock["open"],
            "overdue": stock["overdue"],
            "cut_off": rules.stock_cutoff(),
            "deadline": deadline,
            "days_to_deadline": (deadline - today).days,
            "remaining_at_deadline": remaining_at_deadline,
            "cleared_by_deadline": cleared,
            "recorded_open_at_deadline": recorded,
        },
        "increment": [{"year": y, **v} for y, v in sorted(years.items())],
        "open_overdue_major": by_cohort["totals"]["overdue"],
        "open_major": by_cohort["totals"]["open"],
    }


def _facts(scope: Scope, kinds: tuple[str, ...], level: str | None = None) -> QuerySet[Any]:
    """The closed loop's dated facts (``ClosedLoopTally``) of the scope's subtree, cut to its sectors."""
    qs = ClosedLoopTally.objects.filter(day=CURRENT, kind__in=kinds)
    if level:
        qs = qs.filter(level=level)
    qs = qs.filter(dim="sector", dim_value__in=scope.sectors) if scope.sectors else qs.filter(dim="all")
    own = scope.region.code if scope.region else None
    return qs.filter(node=own, depth=DEPTH[len(own)]) if own else qs.filter(depth=1)


def stock_open_on(*, actor: User, scope: Scope, day: datetime.date) -> int:
    """Stock major hazards known now that were still open at the end of ``day`` by their close-out dates
    (business dates, DESIGN.md §3): the stock's total less those closed on or before ``day``, from the
    counts; an enterprise user's from its rows."""
    if scope.rows_only:
        return stock_remaining_at_deadline(actor=actor, region=None, day=day)
    stock = hazard_stats(actor=actor, level=Level.MAJOR, group_by="cohort", scope=scope)
    total = next((g["total"] for g in stock["groups"] if g["key"] == rules.STOCK), 0)
    closed = _facts(scope, (STOCK_CLOSED,), Level.MAJOR).filter(fact_on__lte=day).aggregate(n=Sum("n"))["n"]
    return int(total) - int(closed or 0)


def review_overdue_count(*, actor: User, scope: Scope, on: datetime.date) -> int:
    """Close-outs waiting for review past the review clock on ``on`` (the regulator's overdue): from the
    counts by submission day (listed hazards have ``REVIEW_DAYS_LISTED``, others ``REVIEW_DAYS``); an
    enterprise user's from its rows."""
    if scope.rows_only:
        return scoped(Hazard.objects, actor).filter(rules.q_review_overdue(on=on)).order_by().count()
    listed = on - datetime.timedelta(days=int(settings.ZHIBEN["REVIEW_DAYS_LISTED"]))
    other = on - datetime.timedelta(days=int(settings.ZHIBEN["REVIEW_DAYS"]))
    late = Q(kind=REVIEW_LISTED, fact_on__lt=listed) | Q(kind=REVIEW, fact_on__lt=other)
    return int(_facts(scope, (REVIEW, REVIEW_LISTED)).filter(late).aggregate(n=Sum("n"))["n"] or 0)


def top_overdue_enterprises(
    *, actor: User, region: str | None, limit: int = 10, scope: Scope | None = None
) -> list[dict[str, Any]]:
    """The enterprises with the most overdue hazards in the scope (逾期隐患最多的企业).

    Ranked by overdue, then major overdue, counted from the per-enterprise deadline histogram: the folded
    PAST rows of the subtree (one per enterprise) plus the days not folded yet. Only the chosen
    enterprises' hazard rows are read, for the oldest deadline. Enterprise users: from their own rows."""
    scope = scope or stats_scope(actor=actor, region=region)
    today = rules.today()
    counts = _overdue_by_enterprise_from_rows(actor) if scope.rows_only else _overdue_by_enterprise(scope, today, limit)
    # most overdue first, then most major ones: both known from the counts, so the choice is exact
    chosen = sorted(counts.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:limit]
    if not chosen:
        return []
    ids = [e for e, _ in chosen]
    # per enterprise (a correlated subquery), so the (enterprise, status) index serves it
    oldest = (
        Hazard.objects.filter(rules.q_overdue(on=today), enterprise_id=OuterRef("pk"))
        .order_by("deadline")
        .values("deadline")[:1]
    )
    info = {
        e.pk: e
        for e in Enterprise.objects.filter(pk__in=ids)
        .select_related("region")
        .only("name", "credit_code", "region__name")
        .annotate(oldest=Subquery(oldest))
    }
    rows = [
        {
            "credit_code": info[e].credit_code,
            "name": info[e].name,
            "region": info[e].region.name,
            "overdue": n,
            "major": major,
            "days": (today - info[e].oldest).days,
        }
        for e, (n, major) in chosen
        if e in info and info[e].oldest is not None
    ]
    return rows


def _overdue_by_enterprise(scope: Scope, today: datetime.date, limit: int) -> dict[int, tuple[int, int]]:
    qs = EnterpriseDeadline.objects.filter(day=CURRENT)
    if scope.region is not None:
        qs = qs.filter(node__prefix=scope.region.code)
    if scope.sectors:
        qs = qs.filter(sector__in=scope.sectors)

    def per_enterprise(part: QuerySet[Any]) -> QuerySet[Any]:
        return part.order_by().values_list("enterprise_id").annotate(s_n=Sum("n"), s_major=Sum("major"))

    # Two ranges of the (day, deadline, node) index: the days not folded yet, then the folded rows.
    counts = {e: (n, major) for e, n, major in per_enterprise(qs.filter(deadline__gt=PAST, deadline__lt=today))}
    past = per_enterprise(qs.filter(deadline=PAST)).filter(s_n__gt=0)
    if not counts:  # the usual case after the nightly fold: the database picks the top rows
        past = past.order_by("-s_n", "-s_major", "enterprise_id")[:limit]
    for enterprise, n, major in past:
        was = counts.get(enterprise, (0, 0))
        counts[enterprise] = (was[0] + n, was[1] + major)
    return {e: c for e, c in counts.items() if c[0] > 0}


def _overdue_by_enterprise_from_rows(actor: User) -> dict[int, tuple[int, int]]:
    rows = (
        scoped(Hazard.objects, actor)
        .filter(rules.q_overdue())
        .order_by()
        .values_list("enterprise_id")
        .annotate(n=Count("id"), major=Count("id", filter=Q(level=Level.MAJOR)))
    )
    return {e: (n, major) for e, n, major in rows}


class Tallies:
    """The hazard tallies as one dashboard reads them: each grouping (level, grouping, date) read once for
    every figure that needs it, and the registers' :class:`kit.Measure` s answered from them."""

    def __init__(self, *, actor: User, scope: Scope, today: datetime.date) -> None:
        self.actor, self.scope, self.today = actor, scope, today
        self._read: dict[tuple[str | None, str, datetime.date | None], dict[str, Any]] = {}

    def stats(self, group_by: str, *, level: str | None = None, as_of: datetime.date | None = None) -> dict[str, Any]:
        """``hazard_stats`` of the dashboard's scope, read once."""
        key = (level, group_by, as_of)
        if key not in self._read:
            self._read[key] = hazard_stats(
                actor=self.actor, level=level, group_by=group_by, as_of=as_of, scope=self.scope
            )
        return self._read[key]

    def measure(self, measure: kit.Measure) -> Any:
        """The measure's value (``kit.Measure``'s meaning), ``then`` applied to a number."""
        if measure.figure == "review_overdue":
            return review_overdue_count(actor=self.actor, scope=self.scope, on=self.today)
        if measure.by is not None:
            if (measure.figure, measure.level, measure.cohort) != ("open", Level.MAJOR, rules.STOCK):
                raise ImproperlyConfigured("by= is kept for the open stock major hazards only")
            day = datetime.date.fromisoformat(str(settings.ZHIBEN[measure.by]))
            if day >= self.today:
                return None  # that day is not over yet
            value = stock_open_on(actor=self.actor, scope=self.scope, day=day)
            return measure.then(value) if measure.then is not None else value
        if measure.figure not in FIGURES:
            raise ImproperlyConfigured(f"{measure.figure!r} is not one of the tallies' figures {FIGURES}")
        if measure.cohort not in (None, rules.STOCK, rules.INCREMENT):
            raise ImproperlyConfigured(f"{measure.cohort!r} is not a cohort")
        as_of = None
        if measure.as_of is not None:
            as_of = datetime.date.fromisoformat(str(settings.ZHIBEN[measure.as_of]))
            if as_of >= self.today:
                return None  # that day is not over yet
        try:
            value = self._count(measure, as_of)
        except FieldErrors:
            if as_of is None:
                raise
            return None  # the counts cannot tell (rebuilt since, or a scope counted from its rows)
        return measure.then(value) if measure.then is not None else value

    def _count(self, measure: kit.Measure, as_of: datetime.date | None) -> int:
        figure, level = measure.figure, measure.level
        if measure.year is not None:
            year, cutoff = str(self.today.year + measure.year), rules.stock_cutoff().strftime("%Y-%m")
            months = self.stats("month", level=level, as_of=as_of)["groups"]
            wanted = [m for m in months if m["key"][:4] == year]
            if measure.cohort is not None:  # a month is stock or increment as a whole (the cut-off ends a month)
                wanted = [m for m in wanted if (m["key"] <= cutoff) == (measure.cohort == rules.STOCK)]
            return sum(int(m[figure]) for m in wanted)
        if measure.cohort is not None:
            groups = self.stats("cohort", level=level, as_of=as_of)["groups"]
            return next((int(g[figure]) for g in groups if g["key"] == measure.cohort), 0)
        # The totals do not depend on the grouping: the region grouping's serve when already read.
        read = self._read.get((level, "region", as_of)) or self.stats("cohort", level=level, as_of=as_of)
        return int(read["totals"][figure])

    def ratio(self, ratio: kit.Ratio) -> float | None:
        numerator, denominator = self.measure(ratio.numerator), self.measure(ratio.denominator)
        if numerator is None or not denominator:
            return None
        return round(numerator / denominator, ratio.digits)


# The registers whose tallies this engine keeps (the ones a ``kit.Measure`` may be declared on).
TALLIED = frozenset({"hazard"})


def dashboard_part(
    register: kit.Register, part: kit.Dashboard, *, actor: User, scope: Scope, tallies: Tallies
) -> dict[str, Any]:
    """A register's dashboard figures, as its declaration says where each comes from."""
    if callable(part.figures):
        return dict(part.figures(actor, scope.region))
    out: dict[str, Any] = {}
    for name, source in part.figures.items():
        if isinstance(source, kit.Measure | kit.Ratio):
            if register.name not in TALLIED:
                raise ImproperlyConfigured(f"{register.name}: {name} is a measure, but the register keeps no tallies")
            out[name] = tallies.measure(source) if isinstance(source, kit.Measure) else tallies.ratio(source)
        else:
            out[name] = source(actor, scope.region)
    return out


def dashboard_data(*, actor: User, region: str | None = None) -> dict[str, Any]:
    """Everything the dashboard (一屏观全域) shows, for the actor's scope or a subtree of it: the registers'
    parts (``kit.Dashboard``: ``headline``, ``accidents`` …) and the hazards by region, sector, source and
    month, with the enterprises that have most overdue hazards."""
    today = rules.today()
    scope = stats_scope(actor=actor, region=region)
    tallies = Tallies(actor=actor, scope=scope, today=today)
    by_region = tallies.stats("region")
    parts = {
        part.key: dashboard_part(register, part, actor=actor, scope=scope, tallies=tallies)
        for register, part in kit.dashboards()
    }
    by_sector, by_source, by_month = tallies.stats("sector"), tallies.stats("source"), tallies.stats("month")
    names = dict(Region.objects.filter(code__in=[g["key"] for g in by_region["groups"]]).values_list("code", "name"))
    sector_names = dict(Sector.objects.values_list("key", "name"))
    source_names = dict(Source.choices)
    return {
        "region": by_region["region"],
        "as_of": today,
        **parts,
        "regions": [{**g, "name": names.get(g["key"], g["key"])} for g in by_region["groups"]],
        "sectors": [{**g, "name": sector_names.get(g["key"], g["key"])} for g in by_sector["groups"]],
        "sources": [{**g, "name": source_names.get(g["key"], g["key"])} for g in by_source["groups"]],
        "months": [
            {"key": g["key"], "total": g["total"], "closed": g["closed"], "open": g["open"]} for g in by_month["groups"]
        ],
        "top_enterprises": top_overdue_enterprises(actor=actor, region=region, scope=scope),
    }


def ranking(*, actor: User, region: str | None = None, sort: str = "on_time_rate") -> list[dict[str, Any]]:
    """晾晒: the child regions ranked by on-time close-out rate, overdue count or stock remaining
    (``[{key, name, rank, own, …figures}]``). The hazards registered at the region's own code (本级: the
    county's own enterprises, not a child region) are a row apart: ``own`` true, no ``rank``, last."""
    stats = hazard_stats(actor=actor, region=region, group_by="region")
    base = region or (actor.region_id if actor.role != Role.ADMIN else None)
    names = dict(Region.objects.filter(code__in=[g["key"] for g in stats["groups"]]).values_list("code", "name"))
    rows: list[dict[str, Any]] = []
    own: list[dict[str, Any]] = []
    for g in stats["groups"]:
        rate = g["closed_on_time"] / g["closed"] if g["closed"] else None
        row = {**g, "name": names.get(g["key"], g["key"]), "on_time_rate": rate, "own": g["key"] == base}
        (own if row["own"] else rows).append(row)
    if sort == "overdue":
        rows.sort(key=lambda r: (r["overdue"], r["key"]))
    elif sort == "stock_open":
        rows.sort(key=lambda r: (r["stock_open"], r["key"]))
    else:  # best rate first; regions that closed nothing yet go last
        rows.sort(key=lambda r: (r["on_time_rate"] is None, -(r["on_time_rate"] or 0), r["overdue"], r["key"]))
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    for r in own:
        r["rank"] = None
        r["name"] = f"{r['name']}（本级）"
    return rows + own


# --- member units (成员单位): figures cut by the sectors a unit leads --------------------------------------


def department_scope(*, actor: User, department: int) -> tuple[Scope, Any]:
    """The figures' scope of member unit ``department`` (an id): its region's subtree, cut to the sectors it leads
    there (departments.lead_sectors), and further to the officer's own sectors when they have some. Answers
    ``(scope, unit)``; a unit that leads no sector has the empty tuple ``scope.sectors == ("",)`` (no key matches
    it: its figures are all zero). Raises NotFound for a unit the actor may not see or outside their subtree."""
    from zhiben.departments.selectors import department_get, lead_sectors

    unit = department_get(actor=actor, department_id=department)
    if unit is None:
        raise NotFound("成员单位不存在")
    scope = stats_scope(actor=actor, region=unit.region_id)
    led = set(lead_sectors(unit))
    if scope.sectors:
        led &= set(scope.sectors)
    return Scope(region=scope.region, sectors=tuple(sorted(led)) or ("",), rows_only=scope.rows_only), unit


def department_ranking(*, actor: User, region: str | None = None) -> list[dict[str, Any]]:
    """晾晒 of member units: each active unit of ``region`` (default: the officer's own) that leads a sector there,
    with the hazard figures of those sectors in the region's subtree (``closed``, ``closed_on_time``,
    ``overdue``, ``stock_open``, ``total``, ``on_time_rate``) and its plan tasks as lead unit (``tasks``,
    ``tasks_done_on_time``, ``tasks_overdue``, ``task_rate``), ranked by on-time close-out rate, then task rate
    (``[{id, name, kind, sectors, rank, …}]``). One summary read for the hazards, whatever the number of units."""
    from zhiben.departments.selectors import department_list, routing_for

    if actor.role != Role.ADMIN and not actor.is_regulator:
        raise PermissionDenied("成员单位晾晒排名仅供监管人员查看")
    code = region or (actor.region_id if actor.role != Role.ADMIN else None)
    if code is None:
        raise FieldErrors({"region": "请选择区划"})
    scope = stats_scope(actor=actor, region=code)
    by_sector = {g["key"]: g for g in hazard_stats(actor=actor, region=code, group_by="sector", scope=scope)["groups"]}
    leads: dict[int, list[str]] = defaultdict(list)
    for route in routing_for(code):
        if route.lead is not None and route.lead.region_id == code:
            leads[route.lead.pk].append(route.sector)
    tasks = _unit_tasks(actor=actor, region=code)
    rows: list[dict[str, Any]] = []
    for unit in department_list(actor=actor, region=code).filter(active=True):
        sectors = leads.get(unit.pk, [])
        done = tasks.get(unit.pk, {})
        if not sectors and not done.get("tasks"):
            continue
        figures = {f: sum(int(by_sector.get(s, {}).get(f, 0)) for s in sectors) for f in FIGURES}
        rate = figures["closed_on_time"] / figures["closed"] if figures["closed"] else None
        task_total = int(done.get("tasks", 0))
        task_rate = int(done.get("tasks_done_on_time", 0)) / task_total if task_total else None
        rows.append(
            {
                "id": unit.pk,
                "name": unit.name,
                "kind": unit.kind,
                "sectors": sectors,
                **figures,
                "on_time_rate": rate,
                "tasks": task_total,
                "tasks_done_on_time": int(done.get("tasks_done_on_time", 0)),
                "tasks_overdue": int(done.get("tasks_overdue", 0)),
                "task_rate": task_rate,
            }
        )
    rows.sort(
        key=lambda r: (
            r["on_time_rate"] is None,
            -(r["on_time_rate"] or 0),
            r["task_rate"] is None,
            -(r["task_rate"] or 0),
            r["overdue"] + r["tasks_overdue"],
            r["name"],
        )
    )
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    return rows


def _unit_tasks(*, actor: User, region: str) -> dict[int, dict[str, int]]:
    """Plan tasks led by each unit of ``region``: ``{unit id: {"tasks", "tasks_done_on_time", "tasks_overdue"}}``
    (the plans register declares ``extra["unit_task_figures"]``; none: no tasks counted)."""
    for spec in kit.registers():
        figures = spec.extra.get("unit_task_figures")
        if figures is not None:
            found: dict[int, dict[str, int]] = figures(actor=actor, region=region)
            return found
    return {}
