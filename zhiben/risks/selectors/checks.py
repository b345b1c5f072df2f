"""Reads of check tasks and records, and the regulator's figures (``GET /api/v1/stats/checks``, issue 15: "by region
and sector: enterprises by risk grade, check compliance rates, enterprises with no checks recorded, hazards found by
checks vs by inspections").

Compliance comes from the tallies (``tallies.py``): a province's figures read a few hundred tally rows whatever the
number of records. ``compliance`` = checks done (on time or uploaded late) / cycles closed (done + missed);
``on_time_rate`` = on time / cycles closed. The period is by the Beijing day a cycle opened.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import actor_sector_keys, region_in_scope
from zhiben.common import dates
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.enterprises.models import Enterprise, OperatingStatus
from zhiben.hazards.models import Hazard, Source
from zhiben.regions.models import Region
from zhiben.regions.selectors import parse_region

from ..models import CheckEnterpriseTally, CheckRecord, CheckTally, CheckTask, RiskProfile
from . import enterprise_visible, records_visible, tasks_visible

FIGURES = ("planned", "on_time", "late", "missed", "failed")
LISTED = 50  # enterprises named in a list (no checks; 有问题查不出)


def task_list(*, actor: Any, filters: Mapping[str, Any]) -> QuerySet[CheckTask]:
    """Check tasks the actor may see, live ones, filtered by ``enterprise`` (credit code), ``kind``, ``measure``,
    ``mine`` (assigned to the actor), ``active``."""
    qs = tasks_visible(actor).filter(deleted=False).select_related("enterprise", "assignee", "measure")
    if filters.get("enterprise"):
        qs = qs.filter(enterprise__credit_code=str(filters["enterprise"]).strip().upper())
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("measure"):
        qs = qs.filter(measure_id=filters["measure"])
    if filters.get("mine"):
        qs = qs.filter(assignee_id=getattr(actor, "pk", None))
    if filters.get("active") is not None:
        qs = qs.filter(active=bool(filters["active"]))
    return qs.order_by("enterprise_id", "id")


def record_list(*, actor: Any, filters: Mapping[str, Any]) -> QuerySet[CheckRecord]:
    """Check records the actor may see, newest cycle first, filtered by ``enterprise``, ``task``, ``status``, ``mine``
    (tasks assigned to the actor), ``date_from``/``date_to`` (Beijing days the cycles opened)."""
    qs = records_visible(actor).select_related("task", "done_by", "enterprise")
    if filters.get("enterprise"):
        qs = qs.filter(enterprise__credit_code=str(filters["enterprise"]).strip().upper())
    if filters.get("task"):
        qs = qs.filter(task_id=filters["task"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("mine"):
        qs = qs.filter(task__assignee_id=getattr(actor, "pk", None))
    if filters.get("date_from"):
        qs = qs.filter(day__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(day__lte=filters["date_to"])
    return qs.order_by("-opens_at", "-id")


def due_now(*, actor: User, now: datetime.datetime) -> QuerySet[CheckRecord]:
    """The open cycles waiting on the actor now (their own tasks, or any task without an assignee of their
    enterprise): what the phone page lists first."""
    qs = records_visible(actor).filter(status="planned", opens_at__lte=now, due_at__gt=now)
    mine = Q(task__assignee_id=actor.pk)
    if actor.role == Role.ENTERPRISE and actor.enterprise_id:
        mine |= Q(task__assignee__isnull=True, enterprise_id=actor.enterprise_id)
    return qs.filter(mine).select_related("task", "task__measure").order_by("due_at", "id")


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    closed = row["on_time"] + row["late"] + row["missed"]
    row["pending"] = max(row["planned"] - closed, 0)
    row["closed"] = closed
    row["compliance"] = round((row["on_time"] + row["late"]) / closed, 4) if closed else None
    row["on_time_rate"] = round(row["on_time"] / closed, 4) if closed else None
    return row


def _sums(qs: QuerySet[Any]) -> dict[str, int]:
    got = qs.aggregate(**{f: Sum(f) for f in FIGURES})
    return {f: int(got[f] or 0) for f in FIGURES}


def check_stats(
    *,
    actor: User,
    region: str | None = None,
    sector: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict[str, Any]:
    """The check figures of a region subtree (default: the actor's) over Beijing days ``date_from``–``date_to``
    (default: this month to today): ``{"region", "region_name", "from", "to", "totals", "rows" (per direct child
    region), "sectors", "grades", "no_checks": {"count", "enterprises"}, "hazards": {"by_checks", "by_inspections"},
    "gap": [{"credit_code", "name", "by_inspections", "checks_done"}]}``; each figure row holds planned, on_time,
    late, missed, failed, pending, closed, compliance, on_time_rate. An enterprise user gets their enterprise's.
    Raises FieldErrors (``region``, ``from``), NotFound (a region outside the scope)."""
    today = dates.today()
    start = date_from or today.replace(day=1)
    end = date_to or today
    if start > end:
        raise FieldErrors({"from": "起始日期不能晚于截止日期"})
    if actor.role == Role.ENTERPRISE:
        return _enterprise_stats(actor, start, end)
    if region:
        code = parse_region(region)
        if not actor.is_admin_role and not region_in_scope(actor, code):
            raise NotFound("区划不存在或不在您的管辖范围内")
    else:
        code = actor.region_id or ""
    place = Region.objects.filter(code=code).first() if code else None
    if code and place is None:
        raise NotFound("区划不存在")
    sectors = actor_sector_keys(actor) if actor.is_regulator else []
    daily = CheckTally.objects.filter(day__gte=start, day__lte=end)
    if code:
        daily = daily.filter(region__code__prefix=code)
    if sectors:
        daily = daily.filter(sector_id__in=sectors)
    if sector:
        daily = daily.filter(sector_id=sector)
    child_len = {0: 2, 2: 4, 4: 6, 6: 9, 9: 9}.get(len(code), 9)
    names = (
        dict(Region.objects.filter(parent_id=code or None).values_list("code", "name"))
        if code
        else dict(Region.objects.filter(parent__isnull=True).values_list("code", "name"))
    )
    rows = []
    for r in (
        daily.order_by()
        .annotate(child=Substr("region_id", 1, child_len))
        .values("child")
        .annotate(**{f: Sum(f) for f in FIGURES})
    ):
        # the region's own enterprises (registered at its level, not below) form a row of their own: 本级
        name = names.get(r["child"]) or (f"{place.name}（本级）" if place is not None else r["child"])
        rows.append(_rates({"region": r["child"], "name": name, **{f: int(r[f]) for f in FIGURES}}))
    rows.sort(key=lambda r: r["region"])
    by_sector = [
        _rates({"sector": r["sector_id"], **{f: int(r[f]) for f in FIGURES}})
        for r in daily.order_by().values("sector_id").annotate(**{f: Sum(f) for f in FIGURES})
    ]
    firms = Enterprise.objects.all()
    if code:
        firms = firms.filter(region__code__prefix=code)
    if sectors:
        firms = firms.filter(sector_id__in=sectors)
    if sector:
        firms = firms.filter(sector_id=sector)
    # every operating enterprise in scope: those whose register gives no grade yet (or that have none) are 未定级
    operating = firms.exclude(status=OperatingStatus.CLOSED)
    graded = dict(
        RiskProfile.objects.filter(enterprise__in=operating)
        .exclude(grade="")
        .values_list("grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    grades = {**graded, "none": operating.count() - sum(graded.values())}
    months = CheckEnterpriseTally.objects.filter(month__gte=start.replace(day=1), month__lte=end, enterprise__in=firms)
    quiet = (
        months.values("enterprise_id")
        .annotate(done=Sum("on_time") + Sum("late"), planned=Sum("planned"))
        .filter(done=0, planned__gt=0)
    )
    quiet_count = quiet.count()
    quiet_ids = [r["enterprise_id"] for r in quiet.order_by("enterprise_id")[:LISTED]]
    # an enterprise with live tasks has cycles in the period: the monthly tallies tell, not the tasks
    counted = months.filter(planned__gt=0).values("enterprise_id")
    no_tasks = firms.filter(high_risk=True).exclude(pk__in=counted).count()
    totals = _rates(_sums(daily))
    inspections = Hazard.objects.filter(
        enterprise__in=firms, source=Source.INSPECTION, discovered_on__gte=start, discovered_on__lte=end
    )
    by_inspection = dict(inspections.order_by().values_list("enterprise_id").annotate(n=Count("pk")))
    checked = dict(
        months.filter(enterprise_id__in=list(by_inspection))
        .order_by()
        .values_list("enterprise_id")
        .annotate(n=Sum("failed"))
    )
    done = dict(
        months.filter(enterprise_id__in=list(by_inspection))
        .order_by()
        .values_list("enterprise_id")
        .annotate(n=Sum("on_time") + Sum("late"))
    )
    gap_ids = [e for e in by_inspection if not checked.get(e)]
    named = {
        e.pk: e for e in Enterprise.objects.filter(pk__in=quiet_ids + gap_ids[:LISTED]).only("credit_code", "name")
    }
    return {
        "region": code,
        "region_name": place.name if place else "全国",
        "from": start,
        "to": end,
        "totals": totals,
        "rows": rows,
        "sectors": by_sector,
        "grades": {g: grades.get(g, 0) for g in ("red", "orange", "yellow", "blue", "none")},
        "no_checks": {
            "count": quiet_count,
            "high_risk_without_tasks": no_tasks,
            "enterprises": [{"credit_code": named[e].credit_code, "name": named[e].name} for e in quiet_ids],
        },
        "hazards": {"by_checks": totals["failed"], "by_inspections": sum(by_inspection.values())},
        "gap": [
            {
                "credit_code": named[e].credit_code,
                "name": named[e].name,
                "by_inspections": by_inspection[e],
                "checks_done": int(done.get(e) or 0),
            }
            for e in gap_ids[:LISTED]
        ],
    }


def _enterprise_stats(actor: User, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    enterprise = actor.enterprise
    if enterprise is None:
        raise NotFound("企业不存在")
    months = CheckEnterpriseTally.objects.filter(month__gte=start.replace(day=1), month__lte=end, enterprise=enterprise)
    totals = _rates(_sums(months))
    profile = RiskProfile.objects.filter(pk=enterprise.pk).first()
    grade = profile.grade if profile else ""
    inspections = Hazard.objects.filter(
        enterprise=enterprise, source=Source.INSPECTION, discovered_on__gte=start, discovered_on__lte=end
    ).count()
    return {
        "region": enterprise.region_id,
        "region_name": enterprise.name,
        "from": start,
        "to": end,
        "totals": totals,
        "rows": [],
        "sectors": [],
        "grades": {g: int(grade == g) for g in ("red", "orange", "yellow", "blue")} | {"none": int(not grade)},
        "no_checks": {
            "count": int(totals["planned"] > 0 and not totals["on_time"] + totals["late"]),
            "high_risk_without_tasks": 0,
            "enterprises": [],
        },
        "hazards": {"by_checks": totals["failed"], "by_inspections": inspections},
        "gap": [],
    }


def enterprise_compliance(
    *, actor: User, credit_code: str, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> dict[str, Any]:
    """One enterprise's check figures over Beijing days ``date_from``–``date_to`` (default: this month to today),
    from its monthly tallies (whole months: a tally counts the cycles opened in its month): the figure row of
    ``check_stats`` (planned, on_time, late, missed, failed, pending, closed, compliance, on_time_rate). Raises
    NotFound when the actor may not see the enterprise (for the tasks page, which officers read too)."""
    enterprise = enterprise_visible(actor, credit_code)
    today = dates.today()
    start = date_from or today.replace(day=1)
    end = date_to or today
    months = CheckEnterpriseTally.objects.filter(month__gte=start.replace(day=1), month__lte=end, enterprise=enterprise)
    return _rates(_sums(months))


def hazard_panel(actor: Any, hazard: Any) -> dict[str, Any]:
    """The 来源排查 section of a hazard's page: the check record that opened it (within the actor's scope), its task
    and, for a control measure's check, the measure, its event and unit — so the hazard cites the failed measure and
    the record (issue 15). ``{"record": None}`` for a hazard no check opened."""
    record = (
        records_visible(actor)
        .filter(hazard_id=hazard.pk)
        .select_related("task__measure__event__unit", "done_by", "enterprise")
        .first()
    )
    measure = record.task.measure if record is not None and record.task.measure_id else None
    return {"record": record, "measure": measure}
