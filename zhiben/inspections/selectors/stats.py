"""Enforcement statistics (执法统计): what the plans ask to detect (issue 14) — inspections and their 四不两直 share,
findings, penalties and amounts by region, member unit or month; the units that inspect without penalising
(只检查不处罚, ``zero_penalty``); repeat offenders under 安全生产法 第一百一十三条 (``closure_proposals``, rules in
``repeat.py``); major hazards an inspection found that the enterprise's own self-check missed (有问题查不出).

**Where the figures come from.** The counts are the ``EnforcementTally`` rows (region code × unit × month, kept
in the same transaction as every write, ``tallies.enforcement_add``), summed by code prefix: a province's figures
never read its inspections. An inspection is counted at its enterprise's region (a cross-region team's work
counts where the enterprise is), in the month of its day; a penalty at its enterprise's region, in the month of
its decision; ``penalty_amount`` is the penalties' ``amount`` (the unit's fine, yuan). :func:`enforcement_recount`
computes the same rows from the records (the check and the rebuild, ``services/stats.py``).

**The period** is whole months (the tallies' grain): ``from`` and ``to`` are days or ``YYYY-MM``; the period
runs from the first day of ``from``'s month to the last day of ``to``'s month, or today when that is earlier
(Beijing days). Default: this year to date.

**Scope** (the rule of ``selectors/__init__.py``, as far as tallies can follow it):

- an enterprise user: refused (403) — these are the regulators' figures;
- ``region`` must lie in the officer's subtree (404 otherwise; default: their own region); admins: any;
- an officer of a member unit that is not a coordinating one (not 安委办, 下级政府, 乡镇站所) sees their unit's own
  enforcement: the tallies are kept by unit, not by sector, so the figures are those of the unit's own
  inspections and penalties (a subset of what they may see); asking for another unit answers 404. Their closure
  proposals and self-check-missed lists come from the rows they may see (their unit's and its led sectors');
- an officer limited to sectors: the tallies have no sector, so their figures are counted from the rows of
  their (small) scope, the same way the tallies are made (``"source": "rows"``);
- ``department``: one unit's own enforcement (its inspections and penalties), a unit the actor may see.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from operator import add
from typing import Any

from django.db import connections
from django.db.models import Aggregate, CharField, Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast, Substr

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import actor_sector_keys
from zhiben.common import dates
from zhiben.common.errors import FieldErrors, NotFound, PermissionDenied
from zhiben.departments.models import Department
from zhiben.departments.selectors import COORDINATING_KINDS, department_get
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.models import Hazard, Level, Source, Status
from zhiben.hazards.rules import AddDays
from zhiben.regions.models import CodePrefix, Region

from .. import repeat
from ..models import EnforcementTally, Finding, Inspection, InspectionFlag, Penalty, PenaltyKind, TeamMember, TeamRole
from ..tallies import FIGURES, month_of
from . import inspections_visible, penalties_visible

COUNTS = FIGURES[:-1]
GROUPS = ("region", "department", "month")
CHILD_LENGTH = {2: 4, 4: 6, 6: 9}
NO_UNIT = 0  # the tallies' department_id of records without a unit
NO_UNIT_NAME = "（未关联执法单位）"
CENT = Decimal("0.01")
# 有问题查不出: a self-check hazard discovered within this many days before the inspection day counts as found.
SELF_CHECK_LOOKBACK_DAYS = 365
_MONTH = re.compile(r"^\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?\s*$")

TallyKey = tuple[str, int, str]  # (region code, unit id or 0, YYYY-MM)


# --- the period ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole months, Beijing days: ``start`` the first day of the first month, ``end`` the last day of the last
    month or today, whichever is earlier."""

    start: datetime.date
    end: datetime.date

    @property
    def first_month(self) -> str:
        return month_of(self.start)

    @property
    def last_month(self) -> str:
        return month_of(self.end)


def _month_or_day(raw: str | None, *, field: str, label: str, last: bool) -> datetime.date | None:
    """A ``YYYY-MM`` month (its first or, with ``last``, its last day) or a day; None for blank."""
    if raw is None or not str(raw).strip():
        return None
    text = str(raw).strip()
    found = _MONTH.match(text)
    if found is not None:
        year, month = int(found.group(1)), int(found.group(2))
        if not 1 <= month <= 12 or year < 1900:
            raise FieldErrors({field: f"{label}应为月份（如 2025-03）或日期（如 2025-03-01），现为“{text[:20]}”"})
        return datetime.date(year, month, calendar.monthrange(year, month)[1] if last else 1)
    try:
        day = dates.parse_day(text, label=label)
    except ValueError as exc:
        raise FieldErrors({field: f"{exc}，或月份（如 2025-03）"}) from exc
    if day is not None and day.year < 1900:  # as a month's; the Art. 113 windows reach back a year from the start
        raise FieldErrors({field: f"{label}不能早于1900年，现为“{text[:20]}”"})
    return day


def period_of(raw_from: str | None, raw_to: str | None, *, today: datetime.date | None = None) -> Period:
    """The period asked for (see the module's docstring). FieldErrors naming ``from`` or ``to`` for what is not a
    day or a month, and naming ``from`` when it starts after ``to`` (or after today)."""
    now = today or dates.today()
    start = _month_or_day(raw_from, field="from", label="起始日期", last=False)
    end = _month_or_day(raw_to, field="to", label="截止日期", last=True)
    start = (start or datetime.date(now.year, 1, 1)).replace(day=1)
    end = end or now
    end = min(end.replace(day=calendar.monthrange(end.year, end.month)[1]), now)
    if start > end:
        raise FieldErrors({"from": f"起始月份（{month_of(start)}）不能晚于截止日期（{end:%Y-%m-%d}）"})
    return Period(start=start, end=end)


# --- the scope -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatsScope:
    """Where the figures are counted (see the module's docstring). ``department``: the unit whose own enforcement
    is counted; ``asked``: the caller named it (else it is the actor's own non-coordinating unit, or None);
    ``sectors``: the officer's own sectors, when limited (the figures are then counted from the rows)."""

    actor: User
    region: Region | None
    department: Department | None
    asked: bool
    sectors: tuple[str, ...]

    @property
    def from_rows(self) -> bool:
        return bool(self.sectors)

    @property
    def child_length(self) -> int | None:
        """The code length of the region's direct children (None: a township has none)."""
        if self.region is None:
            return 2
        if self.region.acts_as_county:
            return 9  # townships sit straight under a county-less prefecture
        return CHILD_LENGTH.get(len(self.region.code))


def _own_unit(actor: User) -> Department | None:
    """The actor's member unit when it is not a coordinating one (its officers see their own unit's records)."""
    if not actor.is_regulator or actor.department_id is None:
        return None
    unit = actor.department
    if unit is None or unit.kind in COORDINATING_KINDS:
        return None
    return unit


def enforcement_scope(*, actor: User, region: str | None = None, department: int | None = None) -> StatsScope:
    """The scope of ``actor``'s figures for ``region`` (a code, default their own) and ``department`` (a unit id).

    Raises PermissionDenied for an enterprise user; NotFound for a region outside the officer's subtree, a unit
    they may not see, or (an officer of a non-coordinating unit) any unit but their own; FieldErrors naming
    ``region`` for a code that names no region."""
    _regulators_only(actor)
    root = None if actor.role == Role.ADMIN else actor.region_id
    code = region or root
    target = None
    if code is not None:
        target = Region.objects.filter(code=code).first()
        if target is None:
            raise FieldErrors({"region": f"行政区划代码 {code} 不存在"})
    return _scope(actor=actor, target=target, department=department)


def _regulators_only(actor: User) -> None:
    if actor.role == Role.ENTERPRISE or not (actor.role == Role.ADMIN or actor.is_regulator):
        raise PermissionDenied("执法统计仅供监管人员查看")
    if actor.role != Role.ADMIN and actor.region_id is None:
        raise NotFound("未设置辖区")


def _scope(*, actor: User, target: Region | None, department: int | None) -> StatsScope:
    """The scope for a region already read (None: everything the actor may see)."""
    root = None if actor.role == Role.ADMIN else actor.region_id
    if root is not None and (target is None or not target.code.startswith(root)):
        if target is None:
            raise NotFound("未设置辖区")
        raise NotFound("该区划不在您的管辖范围内")
    own = _own_unit(actor)
    unit: Department | None = own
    if department is not None:
        unit = department_get(actor=actor, department_id=department)
        if unit is None or (own is not None and unit.pk != own.pk):
            raise NotFound("成员单位不存在")
    sectors = tuple(actor_sector_keys(actor)) if actor.is_regulator else ()
    return StatsScope(actor=actor, region=target, department=unit, asked=department is not None, sectors=sectors)


# --- the figures -----------------------------------------------------------------------------------------

# A group's sums: one number per figure, in FIGURES' order (lists, not dicts: a province's answer folds a few
# thousand rows, and the fold is most of its cost after the one query).
Sums = list[Any]
_INSPECTIONS, _PENALTIES = FIGURES.index("inspections"), FIGURES.index("penalties")


def _zero() -> dict[str, Any]:
    return {**dict.fromkeys(COUNTS, 0), "penalty_amount": Decimal(0)}


def _empty() -> Sums:
    return [0] * len(FIGURES)  # the amount's 0 takes the type of what is added to it (Decimal or float)


def _plus(into: Sums, values: Sums) -> None:
    into[:] = map(add, into, values)


def _place_sums(scope: StatsScope, period: Period) -> list[tuple[str, int, Sums]]:
    """``(region code, unit id, sums)`` of the scope and period: from the tallies (one ``GROUP BY region_code,
    department_id`` that SQLite and PostgreSQL read in the unique index's order, without sorting), or for an
    officer limited to sectors from the rows they may see."""
    if scope.from_rows:
        folded: dict[tuple[str, int], Sums] = defaultdict(_empty)
        for (code, unit, _), values in _recount_of(scope, period).items():
            _plus(folded[(code, unit)], [values[f] for f in FIGURES])
        return [(code, unit, sums) for (code, unit), sums in folded.items()]
    qs = _tallies(scope, period).order_by().values_list("region_code", "department_id").annotate(**_SUMS)
    return [(code, unit, list(sums)) for code, unit, *sums in _raw_rows(qs)]


def _month_sums(scope: StatsScope, period: Period) -> list[tuple[str, Sums]]:
    """``(YYYY-MM, sums)`` of the scope and period, months in order."""
    if scope.from_rows:
        folded: dict[str, Sums] = defaultdict(_empty)
        for (_, _, month), values in _recount_of(scope, period).items():
            _plus(folded[month], [values[f] for f in FIGURES])
        return sorted(folded.items())
    qs = _tallies(scope, period).order_by("month").values_list("month").annotate(**_SUMS)
    return [(month, list(sums)) for month, *sums in _raw_rows(qs)]


def _raw_rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``qs`` as the database driver gives them: a province's sums are a few thousand rows of plain
    numbers and codes, and the ORM's per-row handling (converters, iterables) cost a third as much as the query."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


# The amount's sum is read without Django's Decimal converter (a call per row, a third of a province's answer):
# SQLite sums a decimal column as a float anyway, PostgreSQL answers an exact Decimal whatever the output field;
# each group's amount is rounded to cents once, in _figures.
_SUMS = {f"s_{f}": Sum(f, output_field=FloatField()) if f == "penalty_amount" else Sum(f) for f in FIGURES}


def _tallies(scope: StatsScope, period: Period) -> QuerySet[EnforcementTally]:
    qs = EnforcementTally.objects.filter(month__gte=period.first_month, month__lte=period.last_month)
    if scope.region is not None:
        # GLOB/LIKE on the code (regions.models.CodePrefix): a range of the (region_code, unit, month) index
        qs = qs.filter(CodePrefix(F("region_code"), scope.region.code))
    if scope.department is not None:
        qs = qs.filter(department_id=scope.department.pk)
    return qs


def _recount_of(scope: StatsScope, period: Period) -> dict[TallyKey, dict[str, Any]]:
    """The rows path: the tallies' rows recounted from what the actor may see (their sectors), the unit's own."""
    return enforcement_recount(
        inspections=_inspections(scope, period, own_only=True),
        penalties=_penalties(scope, period.start, period.end, own_only=True),
    )


def _child_of(scope: StatsScope, code: str) -> str:
    """The group of a record registered at ``code``: the direct child of the scope's region it lies in, or the
    region's own code for records registered at the region itself."""
    n = scope.child_length
    if n is None:
        return scope.region.code if scope.region else code
    return code[:n]


def _zero_penalty(sums: Sums) -> bool:
    return bool(sums[_INSPECTIONS] > 0 and sums[_PENALTIES] == 0)


def _figures(sums: Sums) -> dict[str, Any]:
    """One group's figures with its shares and per-inspection rates (None with no inspection) and its
    ``zero_penalty`` (inspected, never penalised)."""
    out: dict[str, Any] = dict(zip(COUNTS, map(int, sums), strict=False))
    amount = Decimal(str(round(sums[-1], 2))).quantize(CENT)
    out["penalty_amount"] = amount
    n = out["inspections"]
    rates = ("unannounced", "covert", "cross_region", "with_experts")
    if n:
        for flag in rates:
            out[f"{flag}_share"] = round(out[flag] / n, 4)
        out["findings_per_inspection"] = round(out["findings"] / n, 4)
        out["major_findings_per_inspection"] = round(out["major_findings"] / n, 4)
        out["penalties_per_inspection"] = round(out["penalties"] / n, 4)
        out["penalty_amount_per_inspection"] = round(float(amount) / n, 2)
    else:
        for name in (*(f"{flag}_share" for flag in rates), *RATES):
            out[name] = None
    out["zero_penalty"] = _zero_penalty(sums)
    return out


RATES = (
    "findings_per_inspection",
    "major_findings_per_inspection",
    "penalties_per_inspection",
    "penalty_amount_per_inspection",
)


def _region_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=list(codes)).values_list("code", "name"))


def _units(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{unit id: (name, region code)}``. The units named here are those whose work the actor may count (an
    inspection of an enterprise in their subtree names its team's unit on its own page too), whatever region the
    unit belongs to."""
    wanted = [i for i in ids if i != NO_UNIT]
    if not wanted:
        return {}
    return {
        pk: (name, code)
        for pk, name, code in Department.objects.filter(pk__in=wanted).values_list("pk", "name", "region_id")
    }


def enforcement_report(
    *,
    actor: User,
    region: str | None = None,
    department: int | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    groupings: tuple[str, ...] = GROUPS,
    with_closures: bool = True,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The figures of the scope and period with each of ``groupings`` (``by_region``, ``by_department``,
    ``by_month``), for the page and its workbook; :func:`enforcement_stats` (the API) answers one of them as
    ``groups``. One read of the tallies for the regions and units, one more for the months. The meaning of every
    key is :func:`enforcement_stats`'s; unit groups carry ``own`` (the unit is one of ``region`` itself) and
    ``unit_region``. Raises as :func:`enforcement_stats`."""
    period = period_of(date_from, date_to, today=today)
    scope = enforcement_scope(actor=actor, region=region, department=department)
    own_code = scope.region.code if scope.region is not None else None
    by_region: dict[str, Sums] = {}
    by_unit: dict[int, Sums] = {}
    totals = _empty()
    children: dict[str, str] = {}  # region code → its group, each worked out once
    for code, unit, sums in _place_sums(scope, period):
        child = children.get(code)
        if child is None:
            child = children[code] = _child_of(scope, code)
        if child in by_region:
            _plus(by_region[child], sums)
        else:
            by_region[child] = list(sums)
        if unit in by_unit:
            _plus(by_unit[unit], sums)
        else:
            by_unit[unit] = list(sums)
        _plus(totals, sums)
    region_names = _region_names([*by_region, *([own_code] if own_code else [])])
    zero_unit_ids = [u for u, sums in by_unit.items() if u != NO_UNIT and _zero_penalty(sums)]
    # every unit's name only when the units are groups (a province has thousands)
    units = _units(by_unit if "department" in groupings else zero_unit_ids)

    def region_row(key: str) -> dict[str, Any]:
        own = key == own_code
        name = region_names.get(key, key)
        return {"key": key, "name": f"{name}（本级）" if own and scope.child_length else name, "own": own}

    def unit_name(unit: int) -> str:
        return NO_UNIT_NAME if unit == NO_UNIT else units.get(unit, (str(unit), ""))[0]

    def unit_row(unit: int) -> dict[str, Any]:
        home = units.get(unit, ("", ""))[1]
        return {
            "key": str(unit),
            "name": unit_name(unit),
            "own": bool(own_code) and home == own_code,
            "unit_region": home,
        }

    def by_name(ids: Iterable[int]) -> list[int]:
        return sorted(ids, key=lambda u: (u == NO_UNIT, unit_name(u), u))

    # children first, in code order; the region's own records last
    regions_ordered = sorted(by_region, key=lambda k: (k == own_code, k))
    answer: dict[str, Any] = {
        "region": own_code,
        "region_name": region_names.get(own_code, own_code) if own_code else "全国",
        "department": {"id": scope.department.pk, "name": scope.department.name} if scope.department else None,
        "unit_default": scope.department is not None and not scope.asked,
        "source": "rows" if scope.from_rows else "tallies",
        "from": period.start,
        "to": period.end,
        "totals": _figures(totals),
    }
    if "region" in groupings:
        answer["by_region"] = [{**region_row(k), **_figures(by_region[k])} for k in regions_ordered]
    if "department" in groupings:
        answer["by_department"] = [{**unit_row(u), **_figures(by_unit[u])} for u in by_name(by_unit)]
    if "month" in groupings:
        answer["by_month"] = [{"key": m, "name": m, "own": False, **_figures(v)} for m, v in _month_sums(scope, period)]
    answer["zero_penalty"] = {
        "regions": [
            {**region_row(k), "inspections": int(by_region[k][_INSPECTIONS])}
            for k in regions_ordered
            if _zero_penalty(by_region[k])
        ],
        "departments": [
            {"id": u, "name": unit_name(u), "inspections": int(by_unit[u][_INSPECTIONS])}
            for u in by_name(zero_unit_ids)
        ],
    }
    if with_closures:
        answer.update(closure_proposals(scope=scope, period=period))
    return answer


def enforcement_stats(
    *,
    actor: User,
    region: str | None = None,
    department: int | None = None,
    group_by: str = "region",
    date_from: str | None = None,
    date_to: str | None = None,
    today: datetime.date | None = None,
    with_closures: bool = True,
) -> dict[str, Any]:
    """``GET /api/v1/stats/enforcement``: the figures of the scope and period (see the module's docstring)::

        {"region", "region_name", "department": {"id", "name"} | None, "unit_default", "source": "tallies"|"rows",
         "from", "to", "group_by",
         "totals": {figures…}, "groups": [{"key", "name", "own", figures…}],
         "zero_penalty": {"regions": [{"key", "name", "own", "inspections"}],
                          "departments": [{"id", "name", "inspections"}]},
         "closure_proposals": […], "approaching": […], "rules": […], "first_day_counted", "window_convention"}

    figures: ``inspections``, ``unannounced`` (四不两直), ``covert`` (明察暗访), ``cross_region`` (异地交叉执法),
    ``with_experts`` (执法+专家) and the share of each (``*_share``), ``findings``, ``major_findings``,
    ``penalties``, ``penalty_amount`` (yuan, two decimals), the per-inspection rates, and ``zero_penalty`` (the
    group inspected and never penalised in the period). ``group_by=region`` groups by the direct children of
    ``region`` (records of enterprises registered at ``region`` itself form a group keyed by its own code,
    ``own``: true); ``department`` by unit (``0``: records without a unit; ``own``: a unit of ``region`` itself);
    ``month`` by ``YYYY-MM``. ``with_closures`` false leaves out the Art. 113 part (the dashboard's card reads
    the tallies only).

    Raises FieldErrors (``group_by``, ``from``, ``to``, ``region``), NotFound and PermissionDenied (the scope)."""
    if group_by not in GROUPS:
        raise FieldErrors({"group_by": f"应为 {'、'.join(GROUPS)} 之一"})
    answer = enforcement_report(
        actor=actor,
        region=region,
        department=department,
        date_from=date_from,
        date_to=date_to,
        groupings=(group_by,),
        with_closures=with_closures,
        today=today,
    )
    answer["groups"] = answer.pop(f"by_{group_by}")
    answer["group_by"] = group_by
    return answer


# --- the rows (the rows path, the recount, the lists) ----------------------------------------------------


def _inspections(scope: StatsScope, period: Period, *, own_only: bool) -> QuerySet[Inspection]:
    """The inspections of the scope and period the actor may see; ``own_only``: only the scope's unit's own (the
    figures; the lists narrow to a unit only when the caller named one)."""
    qs = inspections_visible(scope.actor).filter(on__gte=period.start, on__lte=period.end)
    if scope.region is not None:
        qs = qs.filter(region__code__prefix=scope.region.code)
    if scope.department is not None and (own_only or scope.asked):
        qs = qs.filter(department_id=scope.department.pk)
    return qs


def _penalties(scope: StatsScope, start: datetime.date, end: datetime.date, *, own_only: bool) -> QuerySet[Penalty]:
    qs = penalties_visible(scope.actor).filter(decided_on__gte=start, decided_on__lte=end)
    if scope.region is not None:
        qs = qs.filter(region__code__prefix=scope.region.code)
    if scope.department is not None and (own_only or scope.asked):
        qs = qs.filter(department_id=scope.department.pk)
    return qs


def _month_text(field: str) -> Any:
    # YYYY-MM of a date column: ISO text on SQLite, date::text on PostgreSQL
    return Substr(Cast(field, output_field=CharField()), 1, 7)


def enforcement_recount(
    *, inspections: QuerySet[Inspection] | None = None, penalties: QuerySet[Penalty] | None = None
) -> dict[TallyKey, dict[str, Any]]:
    """What the tallies should hold, counted from the records: ``{(region code, unit id or 0, YYYY-MM): figures}``
    (rows with nothing counted are left out). Default: every inspection and penalty.

    Counted as the services count them (``tallies.enforcement_add``): an inspection at its ``region``, unit and
    the month of ``on``, with its flags (``unannounced``, ``covert``, ``cross_region``) and ``with_experts``
    when an expert is on its team; its findings (``major_findings``: the hazard is major) in the inspection's
    row, plus the findings an imported ledger row counts without hazards behind them (``ledger_findings``,
    ``ledger_major_findings``); a penalty at its ``region``, unit and the month of ``decided_on``,
    ``penalty_amount`` its ``amount`` (yuan)."""
    inspections = Inspection.objects.all() if inspections is None else inspections
    penalties = Penalty.objects.all() if penalties is None else penalties
    out: dict[TallyKey, dict[str, Any]] = defaultdict(_zero)
    expert = TeamMember.objects.filter(inspection=OuterRef("pk"), role=TeamRole.EXPERT)
    rows = (
        inspections.order_by()
        .annotate(has_expert=Exists(expert))
        .values_list(
            "region_id", "department_id", "on", "flags", "has_expert", "ledger_findings", "ledger_major_findings"
        )
    )
    for code, unit, on, flags, has_expert, ledger_n, ledger_major in rows.iterator(chunk_size=5000):
        row = out[(code, unit or NO_UNIT, month_of(on))]
        marks = set(flags or ())
        row["inspections"] += 1
        row["findings"] += ledger_n
        row["major_findings"] += ledger_major
        row["unannounced"] += InspectionFlag.UNANNOUNCED in marks
        row["covert"] += InspectionFlag.COVERT in marks
        row["cross_region"] += InspectionFlag.CROSS_REGION in marks
        row["with_experts"] += bool(has_expert)
    found = (
        Finding.objects.filter(inspection__in=inspections.order_by().values("pk"))
        .order_by()
        .values_list("inspection__region_id", "inspection__department_id", _month_text("inspection__on"))
        .annotate(n=Count("id"), major=Count("id", filter=Q(hazard__level=Level.MAJOR)))
    )
    for code, unit, month, n, major in found:
        row = out[(code, unit or NO_UNIT, month)]
        row["findings"] += n
        row["major_findings"] += major
    fined = (
        penalties.order_by()
        .values_list("region_id", "department_id", _month_text("decided_on"))
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    for code, unit, month, n, amount in fined:
        row = out[(code, unit or NO_UNIT, month)]
        row["penalties"] += n
        row["penalty_amount"] += Decimal(amount or 0)
    return dict(out)


def tally_drift() -> list[str]:
    """Where the tallies differ from a recount of the records: one line per differing figure (empty: they agree).
    Reads every tally row and every record: an operator's check (``rebuild_enforcement_tallies --check``) and the
    tests', never a request's."""
    expected = enforcement_recount()
    kept: dict[TallyKey, dict[str, Any]] = {}
    for t in EnforcementTally.objects.all().iterator(chunk_size=5000):
        kept[(t.region_code, t.department_id, t.month)] = {f: getattr(t, f) for f in FIGURES}
    problems = []
    for key in sorted(set(expected) | set(kept)):
        want, have = expected.get(key, _zero()), kept.get(key, _zero())
        for f in FIGURES:
            if Decimal(want[f]) != Decimal(have[f]):
                problems.append(f"{key[0]} 单位{key[1]} {key[2]} {f}: 汇总 {have[f]}，明细 {want[f]}")
    return problems


# --- 安全生产法 第一百一十三条: closure proposals --------------------------------------------------------


def _rule(rule: repeat.Rule) -> dict[str, Any]:
    return {"key": rule.key, "count": rule.count, "window": rule.window, "label": rule.label}


class _DistinctDays(Aggregate):
    """The distinct days of a group as one text, ``YYYY-MM-DD,YYYY-MM-DD,…`` (GROUP_CONCAT; PostgreSQL's
    STRING_AGG), so that a group's days come in one row."""

    function = "GROUP_CONCAT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "STRING_AGG(DISTINCT CAST(%(expressions)s AS text), ',')"
        return self.as_sql(compiler, connection, template=template, **extra)


def closure_proposals(*, scope: StatsScope, period: Period) -> dict[str, Any]:
    """Repeat offenders (安全生产法 第一百一十三条第（一）项, ``repeat.py``) among the enterprises of the scope, from
    the penalties for a major hazard the actor may see (``major_hazard``; a 提请关闭 itself is not counted):

    ``closure_proposals``: the enterprises that reached a rule within the period (the day of the penalty that
    reached it lies in the period) — ``[{"credit_code", "name", "region", "region_name", "rule", "rule_label",
    "dates", "window_start", "window_end", "reached_on", "hits": [per rule reached: the same keys]}]``;
    ``approaching``: the others one penalty short of a rule whose window is still open at the period's end —
    ``[{…enterprise, "rule", "rule_label", "dates", "window_start", "until"}]`` (``until``: the last day a further
    penalty reaches the rule). Also ``rules``, ``first_day_counted`` and ``window_convention`` (the boundary in
    words). Two queries: the days of the enterprises penalised on enough days, then the enterprises named."""
    rules = repeat.rules_from_settings()
    counted = repeat.first_day_counted()
    since = period.start - max(r.longest() for r in rules)
    fewest = min(r.count for r in rules) - 1  # an enterprise with fewer decision days is neither
    penalised = (
        _penalties(scope, since, period.end, own_only=False).filter(major_hazard=True).exclude(kind=PenaltyKind.CLOSURE)
    )
    # One read of the partial index penalty_major_by_region: per enterprise with enough decision days (most of a
    # province's have one such penalty or none), its distinct days as one text.
    days = {
        enterprise: [datetime.date.fromisoformat(d) for d in text.split(",")]
        for enterprise, _, text in penalised.order_by()
        .values_list("enterprise_id")
        .annotate(n=Count("decided_on", distinct=True), days=_DistinctDays("decided_on"))
        .filter(n__gte=fewest)
    }
    reached: dict[int, list[repeat.Hit]] = {}
    near: dict[int, list[repeat.Approach]] = {}
    for enterprise, when in days.items():
        found = repeat.first_hits(when, rules, counted=counted, start=period.start, end=period.end)
        if found:
            reached[enterprise] = found
            continue
        close = repeat.approaching(when, rules, counted=counted, on=period.end)
        if close:
            near[enterprise] = close
    firms = (
        {
            e["pk"]: e
            for e in Enterprise.objects.filter(pk__in=[*reached, *near])
            .order_by()
            .values("pk", "credit_code", "name", "region_id", "region__name")
        }
        if (reached or near)
        else {}
    )

    def firm(pk: int) -> dict[str, Any]:
        e = firms[pk]
        return {
            "credit_code": e["credit_code"],
            "name": e["name"],
            "region": e["region_id"],
            "region_name": e["region__name"],
        }

    def hit_view(hit: repeat.Hit) -> dict[str, Any]:
        return {
            "rule": hit.rule.key,
            "rule_label": hit.rule.label,
            "dates": list(hit.dates),
            "window_start": hit.window_start,
            "window_end": hit.window_end,
            "reached_on": hit.reached_on,
        }

    proposals = []
    for pk, found in reached.items():
        first = min(found, key=lambda h: (h.reached_on, h.rule.count))
        proposals.append({**firm(pk), **hit_view(first), "hits": [hit_view(h) for h in found]})
    proposals.sort(key=lambda p: (p["reached_on"], p["region"], p["name"]))
    approaching_rows = []
    for pk, close in near.items():
        for a in close:
            approaching_rows.append(
                {
                    **firm(pk),
                    "rule": a.rule.key,
                    "rule_label": a.rule.label,
                    "dates": list(a.dates),
                    "window_start": a.window_start,
                    "until": a.until,
                }
            )
    approaching_rows.sort(key=lambda p: (p["until"], p["region"], p["name"], p["rule"]))
    return {
        "closure_proposals": proposals,
        "approaching": approaching_rows,
        "rules": [_rule(r) for r in rules],
        "first_day_counted": counted,
        "window_convention": repeat.convention(counted),
    }


# --- 有问题查不出: major hazards the self-check missed ----------------------------------------------------


def missed_findings(*, scope: StatsScope, period: Period) -> QuerySet[Finding]:
    """The findings of the scope's inspections in the period (the actor's visible ones; a unit's own when the
    caller named it) whose hazard is major (and not cancelled) while the enterprise's own self-check recorded
    nothing similar in the ``SELF_CHECK_LOOKBACK_DAYS`` (365) days before the inspection day (the day itself not
    included: a self-report typed in on the inspection day may be the inspection's own finding).

    "Similar" is the same criteria clause: a self-check hazard (``source=self_check``, any level, not cancelled)
    at the same enterprise citing the clause the finding cites. A major hazard always cites a clause (the
    ``hazard_major_cites_a_criterion`` constraint), so no coarser comparison (by sector) is needed: the sector of
    a hazard is its enterprise's anyway, and any self-check hazard there would hide a different problem."""
    inspections = _inspections(scope, period, own_only=False)
    seen = (
        Hazard.objects.filter(
            enterprise_id=OuterRef("hazard__enterprise_id"),
            criterion_id=OuterRef("hazard__criterion_id"),
            source=Source.SELF_CHECK,
            discovered_on__lt=OuterRef("inspection__on"),
        )
        .exclude(status=Status.CANCELLED)
        .annotate(seen_until=AddDays("discovered_on", SELF_CHECK_LOOKBACK_DAYS))
        .filter(seen_until__gte=OuterRef("inspection__on"))
    )
    return (
        Finding.objects.filter(inspection__in=inspections.order_by().values("pk"), hazard__level=Level.MAJOR)
        .exclude(hazard__status=Status.CANCELLED)
        .filter(~Exists(seen))
    )


def self_check_saw(*, enterprise_id: int, criterion_id: str | None, on: datetime.date) -> bool:
    """Whether the enterprise's own self-check recorded something similar to a major finding of day ``on``: the
    rule of :func:`missed_findings` for one finding (a self-check hazard, not cancelled, citing the same clause,
    found in the ``SELF_CHECK_LOOKBACK_DAYS`` days before ``on``). False: 有问题查不出."""
    if not criterion_id:
        return False
    return (
        Hazard.objects.filter(
            enterprise_id=enterprise_id,
            criterion_id=criterion_id,
            source=Source.SELF_CHECK,
            discovered_on__lt=on,
            discovered_on__gte=on - datetime.timedelta(days=SELF_CHECK_LOOKBACK_DAYS),
        )
        .exclude(status=Status.CANCELLED)
        .exists()
    )


def self_check_missed(
    *,
    actor: User,
    region: str | None = None,
    department: int | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = 50,
    offset: int = 0,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """``GET /api/v1/stats/enforcement/self-check-missed``: 有问题查不出 (:func:`missed_findings`) in the scope and
    period, to feed accountability (参照事故调查处理)::

        {"region", "from", "to", "count", "lookback_days", "rule",
         "by_region": [{"key", "name", "own", "count"}], "by_department": [{"id", "name", "count"}],
         "items": [{"hazard", "title", "credit_code", "enterprise", "region", "region_name", "inspection", "on",
                    "department", "department_name", "criterion", "criterion_article"}]}

    ``items``: newest inspection first, ``limit``/``offset`` paged. Raises as :func:`enforcement_stats`."""
    period = period_of(date_from, date_to, today=today)
    scope = enforcement_scope(actor=actor, region=region, department=department)
    missed = missed_findings(scope=scope, period=period)
    own_code = scope.region.code if scope.region is not None else None
    n = scope.child_length
    # one pass over the findings for both counts (each pass reads every finding of the period)
    per_region: dict[str, int] = defaultdict(int)
    per_unit: dict[int, int] = defaultdict(int)
    for code, unit, count in (
        missed.order_by().values_list("inspection__region_id", "inspection__department_id").annotate(c=Count("id"))
    ):
        per_region[_child_of(scope, code)] += count
        per_unit[unit or NO_UNIT] += count
    names = _region_names([*per_region, *([own_code] if own_code else [])])
    units = {u: name for u, (name, _) in _units(per_unit).items()}
    rows = missed.select_related(
        "hazard",
        "hazard__enterprise",
        "hazard__criterion",
        "inspection",
        "inspection__region",
        "inspection__department",
    ).order_by("-inspection__on", "-id")[offset : offset + limit]
    items = [
        {
            "hazard": f.hazard_id,
            "title": f.hazard.title,
            "credit_code": f.hazard.enterprise.credit_code,
            "enterprise": f.hazard.enterprise.name,
            "region": f.inspection.region_id,
            "region_name": f.inspection.region.name,
            "inspection": f.inspection_id,
            "on": f.inspection.on,
            "department": f.inspection.department_id,
            "department_name": f.inspection.department.name if f.inspection.department else NO_UNIT_NAME,
            "criterion": f.hazard.criterion_id or "",
            "criterion_article": f.hazard.criterion.article if f.hazard.criterion else "",
        }
        for f in rows
    ]
    return {
        "region": own_code,
        "from": period.start,
        "to": period.end,
        "count": sum(per_region.values()),
        "lookback_days": SELF_CHECK_LOOKBACK_DAYS,
        "rule": (
            f"检查发现的重大事故隐患，企业在检查日前{SELF_CHECK_LOOKBACK_DAYS}日内（不含检查当日）的自查"
            "未记录引用同一判定标准条款的隐患（已撤销的不计）"
        ),
        "by_region": [
            {
                "key": k,
                "name": f"{names.get(k, k)}（本级）" if k == own_code and n else names.get(k, k),
                "own": k == own_code,
                "count": c,
            }
            for k, c in sorted(per_region.items(), key=lambda kv: (kv[0] == own_code, kv[0]))
        ],
        "by_department": [
            {"id": u, "name": NO_UNIT_NAME if u == NO_UNIT else units.get(u, str(u)), "count": c}
            for u, c in sorted(per_unit.items(), key=lambda kv: (kv[0] == NO_UNIT, kv[0]))
        ],
        "items": items,
    }


# --- the dashboard's card -----------------------------------------------------------------------------


def dashboard_figures(actor: Any, region: Any) -> dict[str, Any]:
    """The enforcement card of the dashboard (``enforcement`` in ``GET /api/v1/stats/dashboard``): this year's
    totals in the dashboard's region (a Region, or None for all the actor sees) and how many child regions and
    units inspected without penalising (``totals.zero_penalty_regions``, ``totals.zero_penalty_departments``) —
    one read of the tallies (the region comes read already). An enterprise user (the dashboard is the regulators';
    the API's dashboard answers them their own figures) gets nothing counted here: ``available`` false, zeros."""
    year = dates.today().year
    if (
        not isinstance(actor, User)
        or actor.role == Role.ENTERPRISE
        or not (actor.role == Role.ADMIN or actor.is_regulator)
    ):
        nothing = {**_figures(_empty()), "zero_penalty_regions": 0, "zero_penalty_departments": 0}
        return {"available": False, "year": year, "totals": nothing}
    if actor.role != Role.ADMIN and region is None:
        region = Region.objects.filter(code=actor.region_id).first()
    scope = _scope(actor=actor, target=region, department=None)
    period = period_of(None, None)
    by_region: dict[str, Sums] = defaultdict(_empty)
    by_unit: dict[int, Sums] = defaultdict(_empty)
    totals = _empty()
    for code, unit, sums in _place_sums(scope, period):
        _plus(by_region[_child_of(scope, code)], sums)
        _plus(by_unit[unit], sums)
        _plus(totals, sums)
    return {
        "available": True,
        "year": period.start.year,
        "totals": {
            **_figures(totals),
            "zero_penalty_regions": sum(1 for sums in by_region.values() if _zero_penalty(sums)),
            "zero_penalty_departments": sum(1 for u, sums in by_unit.items() if u != NO_UNIT and _zero_penalty(sums)),
        },
    }
