"""Reads of the filing register, every one through the actor's scope: an enterprise's statistics for a period
(from its hazards), who filed what, and the region's roll-up."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from zhiben.accounts.models import User
from zhiben.accounts.scope import scoped
from zhiben.common import dates
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.enterprises.models import Enterprise, OperatingStatus
from zhiben.hazards import rules
from zhiben.hazards.models import Hazard, Level, Status
from zhiben.regions.models import Region
from zhiben.regions.selectors import parse_region

from .models import Filing
from .periods import Period

LEVELS = (Level.GENERAL, Level.MAJOR)
# The figures of one level, in the order the tables show them, with their Chinese headings.
FIGURES: tuple[tuple[str, str], ...] = (
    ("found", "本期排查发现"),
    ("rectified", "本期整改销号"),
    ("rectified_on_time", "其中按期整改"),
    ("open_at_end", "期末未整改"),
    ("overdue_at_end", "其中期末已逾期"),
)
MAJOR_FIGURES: tuple[tuple[str, str], ...] = (
    ("listed", "本期挂牌督办"),
    ("delisted", "本期摘牌"),
)


def enterprise_get(*, actor: User, credit_code: str) -> Enterprise | None:
    """The enterprise with ``credit_code`` if ``actor`` may see it (missing and forbidden look the same)."""
    return scoped(Enterprise.objects, actor).select_related("region", "sector").filter(credit_code=credit_code).first()


def subtree(*, actor: User, region: str | None) -> str | None:
    """The region code asked for (normalised; None for none), as the figures take it: FieldErrors naming
    ``region`` for a code that is not one or names no region; NotFound outside an officer's own subtree."""
    if not region or not str(region).strip():
        return None
    code = parse_region(region)
    if not Region.objects.filter(code=code).exists():
        raise FieldErrors({"region": f"行政区划代码 {code} 不存在"})
    if actor.is_regulator and actor.region_id and not code.startswith(actor.region_id):
        raise NotFound("该区划不在您的管辖范围内")
    return code


def _in(day: datetime.date | None, period: Period) -> bool:
    return day is not None and period.start <= day <= period.end


def statistics(*, actor: User, enterprise: Enterprise, period: Period) -> dict[str, Any]:
    """The enterprise's hazard statistics for ``period`` (16号令 第十四条), from its hazards within ``actor``'s
    scope, cancelled ones left out (DESIGN.md §6), by business dates (Beijing days):

    ``{"general": {...}, "major": {...}, "total": {...}, "funds": "yuan" | None, "funds_recorded": n}`` where
    each level has ``found`` (discovered in the period), ``rectified`` (closed out in it), ``rectified_on_time``
    (of those, completed by their due day), ``open_at_end`` (found by the period's last day and not closed by
    it) and ``overdue_at_end`` (of those, past their due day on that last day); ``major`` also ``listed``
    (挂牌督办 in the period) and ``delisted``. ``funds`` is the 整改资金 (yuan) recorded in the plans of the
    hazards found in the period — None when none has one — and ``funds_recorded`` how many have one."""
    rows = (
        scoped(Hazard.objects, actor)
        .filter(enterprise=enterprise, discovered_on__lte=period.end)
        .exclude(status=Status.CANCELLED)
        .only(
            "level",
            "source",
            "status",
            "discovered_on",
            "deadline",
            "supervision_level",
            "supervision_deadline",
            "delisted_on",
            "listed_on",
            "submitted_on",
            "closed_on",
            "funds",
        )
    )
    out: dict[str, Any] = {lv: {k: 0 for k, _ in FIGURES} for lv in LEVELS}
    out[Level.MAJOR].update({k: 0 for k, _ in MAJOR_FIGURES})
    funds, funds_recorded = Decimal(0), 0
    for h in rows.iterator(chunk_size=2000):
        f = out[h.level]
        if _in(h.discovered_on, period):
            f["found"] += 1
            if h.funds is not None:
                funds += h.funds
                funds_recorded += 1
        if _in(h.closed_on, period):
            f["rectified"] += 1
            f["rectified_on_time"] += int(rules.closed_on_time(h))
        if h.closed_on is None or h.closed_on > period.end:
            f["open_at_end"] += 1
            due = rules.due(h)
            # submitted by its due day and within the period: waiting for review is the regulator's time
            waiting = h.submitted_on is not None and h.submitted_on <= period.end and due and h.submitted_on <= due
            f["overdue_at_end"] += int(dates.is_past(due, on=period.end) and not waiting)
        if h.level == Level.MAJOR:
            f["listed"] += int(_in(h.listed_on, period))
            f["delisted"] += int(_in(h.delisted_on, period))
    out["total"] = {k: out[Level.GENERAL][k] + out[Level.MAJOR][k] for k, _ in FIGURES}
    out["funds"] = f"{funds:.2f}" if funds_recorded else None
    out["funds_recorded"] = funds_recorded
    return out


def filing_get(*, actor: User, filing_id: int) -> Filing | None:
    return scoped(Filing.objects, actor).select_related("enterprise", "filed_by").filter(pk=filing_id).first()


def filing_of(*, actor: User, enterprise: Enterprise, period: Period) -> Filing | None:
    return scoped(Filing.objects, actor).filter(enterprise=enterprise, period=period.key).first()


def due_enterprises(*, actor: User, region: str | None = None, sector: str | None = None) -> QuerySet[Enterprise]:
    """The enterprises in ``actor``'s scope that owe statistics: every one not closed (停产整顿 ones too — the
    duty does not pause), within ``region``'s subtree and of ``sector`` when given."""
    qs = scoped(Enterprise.objects, actor).exclude(status=OperatingStatus.CLOSED)
    if region:
        qs = qs.filter(region__code__startswith=region)
    if sector:
        qs = qs.filter(sector_id=sector)
    return qs


def filing_status(
    *,
    actor: User,
    period: Period,
    region: str | None = None,
    sector: str | None = None,
    filed: bool | None = None,
    overdue: bool | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Enterprise]:
    """Each enterprise that owes ``period``'s statistics, with its filing (annotated ``filing_id``,
    ``filed_on``, ``filed_late``), by region code and name. ``filed`` keeps those that filed (or not);
    ``overdue`` those that had not filed by the due day and it is past on ``today`` (Beijing)."""
    day = today or dates.today()
    filings = Filing.objects.filter(enterprise=OuterRef("pk"), period=period.key)
    qs = (
        due_enterprises(actor=actor, region=region, sector=sector)
        .select_related("region", "sector")
        .annotate(
            filing_id=Subquery(filings.values("pk")[:1]),
            filed_on=Subquery(filings.values("filed_on")[:1]),
            filed_late=Subquery(filings.values("late")[:1]),
        )
        .order_by("region_id", "name", "pk")
    )
    if filed is not None:
        qs = qs.filter(Exists(filings)) if filed else qs.exclude(Exists(filings))
    if overdue is not None:
        late_now = ~Exists(filings) if day > period.due else Exists(Filing.objects.none())
        qs = qs.filter(late_now) if overdue else qs.exclude(late_now)
    return qs


def rollup(
    *, actor: User, period: Period, region: str | None = None, today: datetime.date | None = None
) -> dict[str, Any]:
    """The region's roll-up for ``period``: ``{"period", "due", "regions": [row], "sectors": [row], "totals": row}``
    where a row is ``{"key", "name", "due", "filed", "filed_late", "not_filed", "overdue"}`` (enterprises
    that owe it; filed; filed after the due day; not filed; not filed and the due day past on ``today``).
    Regions are the direct children of ``region`` (or of the actor's region; the provinces for an admin),
    enterprises registered at ``region`` itself forming a row under its own code (as the hazard figures do)."""
    day = today or dates.today()
    base = region or (actor.region_id if actor.region_id else "")
    rows = filing_status(actor=actor, period=period, region=base or None, today=day).values_list(  # type: ignore[misc]
        "region_id",
        "sector_id",
        "sector__name",
        "filed_on",
        "filed_late",  # the last two: the selector's annotations
    )
    children = _children(base)
    by_region: dict[str, dict[str, Any]] = {}
    by_sector: dict[str, dict[str, Any]] = {}
    totals = _row("", "合计")
    for region_id, sector_id, sector_name, filed_on, filed_late in rows:
        key = next((c for c in children if region_id.startswith(c)), base or region_id[:2])
        for bucket, k, name in ((by_region, key, children.get(key, key)), (by_sector, sector_id, sector_name)):
            row = bucket.setdefault(k, _row(k, name))
            _count(row, filed_on, filed_late, day > period.due)
        _count(totals, filed_on, filed_late, day > period.due)
    names = dict(
        Region.objects.filter(code__in=[k for k in by_region if k not in children]).values_list("code", "name")
    )
    for k, row in by_region.items():
        row["name"] = children.get(k) or names.get(k, k)
    return {
        "period": period.key,
        "label": period.label,
        "due": period.due,
        "region": base,
        "regions": sorted(by_region.values(), key=lambda r: r["key"]),
        "sectors": sorted(by_sector.values(), key=lambda r: r["key"]),
        "totals": totals,
    }


def _children(base: str) -> dict[str, str]:
    qs = Region.objects.filter(parent_id=base) if base else Region.objects.filter(parent__isnull=True)
    return dict(qs.values_list("code", "name"))


def _row(key: str, name: str) -> dict[str, Any]:
    return {"key": key, "name": name, "due": 0, "filed": 0, "filed_late": 0, "not_filed": 0, "overdue": 0}


def _count(row: dict[str, Any], filed_on: datetime.date | None, late: bool | None, past_due: bool) -> None:
    row["due"] += 1
    if filed_on is not None:
        row["filed"] += 1
        row["filed_late"] += int(bool(late))
    else:
        row["not_filed"] += 1
        row["overdue"] += int(past_due)


def figure_rows(figures: dict[str, Any]) -> Iterable[tuple[str, Any, Any, Any]]:
    """The statistics as table rows: ``(heading, general, major, total)``, major-only figures with "—"."""
    for key, heading in FIGURES:
        yield heading, figures[Level.GENERAL][key], figures[Level.MAJOR][key], figures["total"][key]
    for key, heading in MAJOR_FIGURES:
        yield f"重大隐患{heading}", "—", figures[Level.MAJOR][key], figures[Level.MAJOR][key]
