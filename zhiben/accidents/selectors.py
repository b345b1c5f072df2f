"""Reads of the accident register, always through the actor's scope (``scoped``)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, Prefetch, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractMonth, Substr
from django.utils import timezone

from zhiben.accounts.models import User
from zhiben.accounts.scope import scoped
from zhiben.audit.models import Event
from zhiben.audit.selectors import events_of
from zhiben.common.filters import apply, bind
from zhiben.reference.models import Sector
from zhiben.regions.models import Region

from . import rules
from .filters import AccidentFilterSet, year_bounds
from .models import Accident, AccidentSupplement, Grade, RelayLevel

CHILD_LENGTH = {2: 4, 4: 6, 6: 9}


def accident_list(*, actor: User, filters: Mapping[str, Any] | AccidentFilterSet | None = None) -> QuerySet[Accident]:
    """The accidents ``actor`` may see, cut by ``filters`` (query parameters, or a bound AccidentFilterSet),
    latest first.

    Raises FieldErrors ``{parameter: Chinese message}`` for an invalid parameter.
    """
    qs = scoped(Accident.objects, actor).select_related("region", "sector", "enterprise")
    return apply(bind(AccidentFilterSet, filters), qs).order_by("-occurred_at", "-id")


def accident_get(*, actor: User, accident_id: int) -> Accident | None:
    """One accident in scope with its supplementary reports, or None (missing and forbidden look the same)."""
    supplements = AccidentSupplement.objects.select_related("reported_by").order_by("reported_on", "id")
    return (
        scoped(Accident.objects, actor)
        .select_related("region", "sector", "enterprise", "reported_by")
        .prefetch_related(Prefetch("supplements", queryset=supplements), "relays")
        .filter(pk=accident_id)
        .first()
    )


def relay_chain_of(accident: Accident, *, now: Any = None) -> list[dict[str, Any]]:
    """The accident's relay chain for its grade (第十条) with each level's due moment, when it got the
    report, ``late`` (after its due moment, 第十一条), ``overdue`` (not recorded and past due) and
    ``expected`` (in the chain for the grade; False for a level recorded beyond it)."""
    moment = now or timezone.now()
    relayed = {r.level: r.reported_at for r in accident.relays.all()}
    chain = rules.relay_chain(accident.grade)
    return [
        {
            **step,
            "level_name": RelayLevel(step["level"]).label,
            "overdue": step["reported_at"] is None and moment > step["due"],
            "expected": step["level"] in chain,
        }
        for step in rules.relay_steps(grade=accident.grade, county_at=accident.reported_at, relayed=relayed)
    ]


# Statistics count the investigation's 核定 grade once it is set, else the reported grade.
STATISTICAL_GRADE = Case(When(verified_grade=Value(""), then=F("grade")), default=F("verified_grade"))


def accident_events(accident: Accident) -> QuerySet[Event]:
    """The accident's timeline, oldest first. The caller has checked scope."""
    return events_of(subject_type="accident", subject_id=str(accident.pk))


_SUMS = {
    "f_count": Count("id"),
    "f_deaths": Sum("deaths"),
    "f_serious_injuries": Sum("serious_injuries"),
    "f_direct_loss": Sum("direct_loss"),
}
FIGURES = ("count", "deaths", "serious_injuries", "direct_loss")


def _figures(row: dict[str, Any] | None) -> dict[str, Any]:
    row = row or {}
    return {
        "count": int(row.get("f_count") or 0),
        "deaths": int(row.get("f_deaths") or 0),
        "serious_injuries": int(row.get("f_serious_injuries") or 0),
        "direct_loss": Decimal(row.get("f_direct_loss") or 0).quantize(Decimal("0.01")),
    }


def _grouped(qs: QuerySet[Accident], key: Any) -> dict[str, dict[str, Any]]:
    rows = qs.annotate(k=key).values("k").annotate(**_SUMS).order_by()
    return {str(r["k"]): _figures(r) for r in rows}


def accident_summary(qs: QuerySet[Accident]) -> dict[str, Any]:
    """Totals and counts per grade of a (filtered, scoped) list, in one query."""
    by_grade = _grouped(qs.order_by(), STATISTICAL_GRADE)
    return _with_totals(by_grade)


def _with_totals(by_grade: dict[str, dict[str, Any]]) -> dict[str, Any]:
    totals = {f: sum((g[f] for g in by_grade.values()), start=Decimal(0) if f == "direct_loss" else 0) for f in FIGURES}
    if not by_grade:
        totals["direct_loss"] = Decimal("0.00")
    grades = [
        {"key": g, "name": Grade(g).label, **by_grade.get(g, _figures(None))} for g in reversed(rules.GRADE_ORDER)
    ]
    return {"totals": totals, "grades": grades}


def _child_key(region: Region | None) -> Any:
    """The group of an accident row among the children of ``region`` (its own code at the bottom)."""
    if region is None:
        return Substr("region_id", 1, 2)
    child = 9 if region.acts_as_county else CHILD_LENGTH.get(len(region.code))
    return Substr("region_id", 1, child) if child else F("region_id")


def accident_figures(*, actor: User, region: Region | None, year: int) -> dict[str, Any]:
    """The dashboard's accident figures for one Beijing year: totals (count, deaths, serious injuries,
    direct loss), by grade, by child region of ``region`` (accidents at ``region`` itself keyed by its own
    code), by sector and by month. A GROUP BY over the scoped rows: accidents are few."""
    start, end = year_bounds(year)
    qs = scoped(Accident.objects, actor).filter(occurred_at__gte=start, occurred_at__lt=end).order_by()
    if region is not None:
        qs = qs.filter(region__code__prefix=region.code)
    summary = _with_totals(_grouped(qs, STATISTICAL_GRADE))
    if not summary["totals"]["count"]:
        return {"year": year, **summary, "regions": [], "sectors": [], "months": _months(year, {})}
    by_region = _grouped(qs, _child_key(region))
    by_sector = _grouped(qs, F("sector_id"))
    by_month = _grouped(qs, ExtractMonth("occurred_at"))
    region_names = dict(Region.objects.filter(code__in=list(by_region)).values_list("code", "name"))
    sector_names = dict(Sector.objects.filter(key__in=list(by_sector)).values_list("key", "name"))
    return {
        "year": year,
        **summary,
        "regions": [{"key": k, "name": region_names.get(k, k), **v} for k, v in sorted(by_region.items())],
        "sectors": [
            {"key": k, "name": sector_names.get(k, k), **v}
            for k, v in sorted(by_sector.items(), key=lambda kv: (-kv[1]["count"], kv[0]))
        ],
        "months": _months(year, by_month),
    }


def _months(year: int, by_month: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every month of the year up to the current one, zeros included (a chart needs the gaps)."""
    today = rules.today()
    last = 12 if year < today.year else (today.month if year == today.year else 0)
    return [{"key": f"{year}-{m:02d}", **by_month.get(str(m), _figures(None))} for m in range(1, last + 1)]
