"""The reads of 双随机 draws (DESIGN.md §4; issue 14, "双随机, verifiable").

Who sees a draw:

- the officers of its region subtree (``Draw.scope``), narrowed like inspections (``unit_filter``): an officer of
  a member unit that does not coordinate sees its own unit's draws and those of the sectors it leads; an officer
  limited to some sectors sees the draws of those sectors and those over every sector;
- an admin: all; an enterprise user: none (the enterprise learns of a draw from its publication);
- the public (no account): published and discarded draws only (:func:`public_draws`) — a discarded draw stays
  public with its reason, so that no draw can be redone quietly.

The pools (:func:`enterprise_pool`, :func:`inspector_pool`) are read as sorted lists of keys: a draw over
100,000 enterprises reads one column of 100,000 rows and sorts it in Python (the database's collation does
not decide the published order).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Count, Func, IntegerField, Max, Q, QuerySet
from django.db.models.functions import Coalesce

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import actor_sector_keys, scoped
from zhiben.audit.models import Event
from zhiben.departments.kinds import DepartmentKind
from zhiben.departments.models import Department
from zhiben.departments.selectors import department_list
from zhiben.enterprises.models import Enterprise, OperatingStatus
from zhiben.reference.models import Sector

from .. import draws as algorithm
from ..models import Draw, DrawStatus, Inspection, InspectionStatus, LawOfficer, OrderKind
from . import unit_filter

PUBLIC_STATUSES = (DrawStatus.PUBLISHED, DrawStatus.DISCARDED)


class JsonArrayLength(Func):
    """The number of items of a JSON list column, in the database (the pools are not loaded to count them)."""

    function = "json_array_length"
    output_field = IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="jsonb_array_length", **extra)


def with_pool_sizes(qs: QuerySet[Draw]) -> QuerySet[Draw]:
    """``qs`` with ``pool_enterprise_count`` and ``pool_inspector_count`` annotated and the pools themselves left
    unread (a list shows sizes and digests, not 100,000 codes a row)."""
    return qs.defer("pool_enterprises", "pool_inspectors").annotate(
        pool_enterprise_count=Coalesce(JsonArrayLength("pool_enterprises"), 0),
        pool_inspector_count=Coalesce(JsonArrayLength("pool_inspectors"), 0),
    )


def draws_visible(actor: Any) -> QuerySet[Draw]:
    """Every draw ``actor`` may see (see the module's rules)."""
    qs = scoped(Draw.objects, actor)
    narrow = unit_filter(actor, department="department_id", sector="sector")
    if narrow is not None:
        qs = qs.filter(narrow)
    if isinstance(actor, User) and actor.is_regulator:
        keys = actor_sector_keys(actor)
        if keys:
            qs = qs.filter(Q(sector="") | Q(sector__in=keys))
    return qs


def draw_get(*, actor: Any, draw_id: int) -> Draw | None:
    """The draw (pools included) if ``actor`` may see it, else None (the caller answers 404 for both)."""
    return draws_visible(actor).select_related("region", "department", "drawn_by", "plan").filter(pk=draw_id).first()


def draw_list(
    *,
    actor: Any,
    region: str | None = None,
    status: str | None = None,
    year: int | None = None,
    department: int | None = None,
) -> QuerySet[Draw]:
    """The draws ``actor`` may see, newest first, without their pools (sizes annotated: :func:`with_pool_sizes`).
    ``region``: a subtree (the caller has checked it is within the actor's scope)."""
    qs = draws_visible(actor)
    if region:
        qs = qs.filter(region__code__prefix=region)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    if department:
        qs = qs.filter(department_id=department)
    qs = qs.select_related("region", "department", "drawn_by")
    return with_pool_sizes(qs).order_by("-drawn_at", "-id")


# --- who may draw --------------------------------------------------------------------------------------


def may_draw(actor: Any, department: Department) -> bool:
    """Whether ``actor`` may draw, publish and discard for ``department``: an admin; an officer of the unit
    itself; an officer of the committee office (安委会办公室) of the unit's region or a region above it."""
    if not isinstance(actor, User) or not actor.is_active:
        return False
    if actor.role == Role.ADMIN:
        return True
    if actor.role != Role.OFFICER or actor.department_id is None:
        return False
    if actor.department_id == department.pk:
        return True
    own = actor.department
    return (
        own is not None
        and own.kind == DepartmentKind.COMMITTEE_OFFICE
        and department.region_id.startswith(own.region_id)
    )


def units_for(actor: Any) -> list[Department]:
    """The member units ``actor`` may draw for (the new-draw form's choices): their own unit, or for a committee
    office every active unit of its region and below; an admin every unit of their region (all without one)."""
    if not isinstance(actor, User) or actor.role not in (Role.ADMIN, Role.OFFICER):
        return []
    units = department_list(actor=actor).filter(active=True).exclude(kind=DepartmentKind.COMMITTEE_OFFICE)
    if actor.role == Role.ADMIN:
        units = units.filter(region__code__prefix=actor.region_id) if actor.region_id else units
        return list(units.order_by("region_id", "position", "id")[:500])
    own = actor.department
    if own is None:
        return []
    if own.kind == DepartmentKind.COMMITTEE_OFFICE:
        return list(units.filter(region__code__prefix=own.region_id).order_by("region_id", "position", "id")[:500])
    return [own] if own.active else []


# --- the pools -------------------------------------------------------------------------------------------


def _column(qs: QuerySet[Any], field: str) -> list[str]:
    """One column of ``qs``'s rows, unordered: the scoped queryset's own SQL run on the cursor, so that 100,000
    rows are read without the ORM's per-row iterator (the pools are sorted in Python anyway: the published order
    is code point order, not the database's collation)."""
    sql, params = qs.order_by().values_list(field).query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def enterprise_pool(*, actor: Any, region: str, sector: str = "", classes: Sequence[str] = ()) -> list[str]:
    """The enterprise pool: credit codes of the enterprises registered in ``region``'s subtree, of ``sector``
    (blank: every sector) and of the supervision ``classes`` (empty: every class, unclassified included), not
    closed (停产整顿 ones stay: they are inspected too), within ``actor``'s scope — sorted ascending by code
    point (the algorithm's order)."""
    qs = scoped(Enterprise.objects, actor).filter(region__code__prefix=region).exclude(status=OperatingStatus.CLOSED)
    if sector:
        qs = qs.filter(sector_id=sector)
    if classes:
        qs = qs.filter(supervision_class__in=list(classes))
    return sorted(_column(qs, "credit_code"))


def certified_q(on: datetime.date) -> Q:
    """Active officers with a certificate number not expired on ``on`` (no expiry recorded: counted)."""
    return (
        Q(active=True)
        & ~Q(certificate_no="")
        & (Q(certificate_valid_to__isnull=True) | Q(certificate_valid_to__gte=on))
    )


def inspector_pool(*, actor: Any, department: Department, on: datetime.date) -> list[str]:
    """The inspector pool: certificate numbers of ``department``'s law-enforcement officers who are active and
    hold a certificate not expired on ``on`` (行政处罚法 第四十二条: only they may inspect), sorted ascending by
    code point."""
    qs = scoped(LawOfficer.objects, actor).filter(certified_q(on), department=department)
    return sorted(_column(qs, "certificate_no"))


def sector_exists(key: str) -> bool:
    return Sector.objects.filter(pk=key).exists()


def next_serial(*, department_id: int, year: int) -> int:
    """The next serial of a unit's draws in a year (the caller holds the unit-year lock): numbers never skip,
    as a draw is never deleted."""
    top = Draw.objects.filter(department_id=department_id, year=year).aggregate(top=Max("serial"))["top"]
    return int(top or 0) + 1


# --- the published document ------------------------------------------------------------------------------


def draw_document(draw: Draw) -> dict[str, Any]:
    """The draw's published document: the algorithm's part (``draws.run``'s keys, recomputable from the pool and
    the seed) and, under ``draw``, what the record adds (number, unit, region, dates, state). Its canonical JSON
    (``draws.canonical_json``) is what the download gives, byte for byte the same each time."""
    picks = [{"enterprise": p["enterprise"], "inspectors": list(p["inspectors"])} for p in draw.picks]
    return {
        "algorithm": {"name": draw.algorithm, "version": draw.algorithm_version},
        "seed": draw.seed,
        "enterprises": len(picks),
        "inspectors": draw.team_size,
        "pool": {
            "enterprises": list(draw.pool_enterprises),
            "inspectors": list(draw.pool_inspectors),
            "order": algorithm.ORDER,
            "digest": draw.pool_digest,
        },
        "picks": picks,
        "picks_digest": algorithm.picks_digest(picks),
        "draw": {
            "id": draw.pk,
            "number": draw_number(draw),
            "year": draw.year,
            "serial": draw.serial,
            "title": draw.title,
            "department": draw.department.name,
            "region": draw.region_id,
            "region_name": draw.region.name,
            "sector": draw.sector,
            "classes": list(draw.classes),
            "ratio": None if draw.ratio is None else str(draw.ratio),
            "drawn_at": draw.drawn_at.isoformat(),
            "status": draw.status,
            "published_on": draw.published_on.isoformat() if draw.published_on else None,
            "discarded_reason": draw.discarded_reason,
        },
    }


def draw_number(draw: Draw) -> str:
    """How a draw is cited: 〔2026〕第3号 (its unit's number of the year)."""
    return f"〔{draw.year}〕第{draw.serial}号"


def recorded_digests(draw: Draw) -> dict[str, Any]:
    """What the event log recorded when the draw was made (the ``drawn`` event's payload), or {} if none."""
    event = Event.objects.filter(subject_type="draw", subject_id=str(draw.pk), kind="drawn").order_by("id").first()
    return dict(event.payload) if event is not None else {}


def verify_stored(draw: Draw) -> dict[str, Any]:
    """Recompute ``draw`` from its stored pool and seed (``draws.verify``), and also compare the row as it is now
    with what the event log recorded at the draw (seed, pool digest, picks digest): a row changed afterwards shows
    there even when it was changed consistently."""
    document = draw_document(draw)
    answer = algorithm.verify(document)
    recorded = recorded_digests(draw)
    for field, now in (
        ("seed", draw.seed),
        ("pool_digest", answer["pool_digest"]),
        ("picks_digest", document["picks_digest"]),
    ):
        then = recorded.get(field)
        if then != now:
            answer["differences"].append(
                {"field": f"event.{field}", "message": "与抽取时记录的事件不符", "published": then, "recomputed": now}
            )
    answer["verified"] = not answer["differences"]
    return answer


# --- the public ----------------------------------------------------------------------------------------


def public_draws(*, region: str | None = None) -> QuerySet[Draw]:
    """Published and discarded draws, for everyone (the 抽查计划公告 / 结果公告 page): newest first, pools left
    unread (sizes annotated). ``region``: a subtree code, or None for all. Public by design: a draw is published
    for anyone to recompute; no scope applies, and nothing else about a unit's records is read here."""
    qs = Draw.objects.filter(status__in=PUBLIC_STATUSES).select_related("region", "department")
    if region:
        qs = qs.filter(region__code__prefix=region)
    return with_pool_sizes(qs).order_by("-drawn_at", "-id")


def public_draw_get(draw_id: int) -> Draw | None:
    """A published or discarded draw with its pools, or None (an unpublished one is not there for the public)."""
    return Draw.objects.filter(status__in=PUBLIC_STATUSES, pk=draw_id).select_related("region", "department").first()


def public_regions() -> list[tuple[str, str]]:
    """``(code, name)`` of the regions with a public draw (the public page's filter)."""
    rows = (
        Draw.objects.filter(status__in=PUBLIC_STATUSES)
        .values_list("region_id", "region__name")
        .distinct()
        .order_by("region_id")
    )
    return [(code, name) for code, name in rows]


def serial_tally(draws: Iterable[Draw]) -> dict[tuple[int, int], dict[str, int]]:
    """For each (unit, year) of ``draws``: how many draws the unit made in the year, and how many are published,
    discarded and not (yet) published — the public sees the count of unpublished draws, never their content."""
    keys = {(d.department_id, d.year) for d in draws}
    if not keys:
        return {}
    q = Q()
    for unit, year in keys:
        q |= Q(department_id=unit, year=year)
    rows = Draw.objects.filter(q).values("department_id", "year", "status").annotate(n=Count("id"))
    out: dict[tuple[int, int], dict[str, int]] = defaultdict(
        lambda: {"total": 0, **dict.fromkeys(DrawStatus.values, 0)}
    )
    for row in rows:
        tally = out[(row["department_id"], row["year"])]
        tally[row["status"]] += row["n"]
        tally["total"] += row["n"]
    return dict(out)


# --- the picks, named, with their results -------------------------------------------------------------------


CHUNK = 10_000  # keys per IN (…) list: SQLite takes at most 32,766 bound values in one statement


def _names(model: Any, key: str, keys: Iterable[str]) -> dict[str, str]:
    """``{key: name}`` of ``model``'s rows whose ``key`` column is one of ``keys`` (in chunks)."""
    wanted = sorted(set(keys))
    out: dict[str, str] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        out.update(model.objects.filter(**{f"{key}__in": chunk}).values_list(key, "name"))
    return out


def pick_rows(
    draws: Sequence[Draw], results: dict[tuple[int, str], dict[str, Any]], *, limit: int | None = None
) -> dict[int, list[dict[str, Any]]]:
    """For each draw, its picks (the first ``limit`` of each; None: all) named and with their ``results``
    (:func:`draw_results`): ``{draw id: [{"position", "enterprise", "enterprise_name", "inspectors":
    [{"certificate_no", "name"}], "inspected", "done", "on", "inspections", "findings", "rectify_orders"}]}``.
    Names are read as they are now (an enterprise's register name, an officer's name by certificate number)."""
    chosen = {d.pk: list(d.picks)[:limit] if limit is not None else list(d.picks) for d in draws}
    names = _names(Enterprise, "credit_code", (p["enterprise"] for picks in chosen.values() for p in picks))
    people = _names(LawOfficer, "certificate_no", (c for ps in chosen.values() for p in ps for c in p["inspectors"]))
    out: dict[int, list[dict[str, Any]]] = {}
    for draw_id, picks in chosen.items():
        rows = []
        for i, p in enumerate(picks, start=1):
            got = results.get((draw_id, p["enterprise"]))
            rows.append(
                {
                    "position": i,
                    "enterprise": p["enterprise"],
                    "enterprise_name": names.get(p["enterprise"], ""),
                    "inspectors": [{"certificate_no": c, "name": people.get(c, "")} for c in p["inspectors"]],
                    "inspected": got is not None,
                    "done": bool(got and got["done"]),
                    "on": got["on"] if got else None,
                    "inspections": got["inspections"] if got else 0,
                    "findings": got["findings"] if got else 0,
                    "rectify_orders": got["rectify_orders"] if got else 0,
                }
            )
        out[draw_id] = rows
    return out


def draw_results(draw_ids: Sequence[int]) -> dict[tuple[int, str], dict[str, Any]]:
    """``{(draw id, credit code): {"inspections", "done", "on", "findings", "rectify_orders"}}`` of the
    inspections that started from these draws (``Inspection.draw``): how many, whether one is done (已完成), the
    latest day, the findings (检查发现问题) and the rectification orders (责令限期整改) issued. One query."""
    if not draw_ids:
        return {}
    rows = (
        Inspection.objects.filter(draw_id__in=list(draw_ids))
        .values("id", "draw_id", "enterprise__credit_code", "status", "on")
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_orders=Count("orders", filter=Q(orders__kind=OrderKind.RECTIFY), distinct=True),
        )
        .order_by("on", "id")
    )
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["draw_id"], row["enterprise__credit_code"])
        got = out.setdefault(key, {"inspections": 0, "done": False, "on": None, "findings": 0, "rectify_orders": 0})
        got["inspections"] += 1
        got["done"] = got["done"] or row["status"] == InspectionStatus.DONE
        got["on"] = row["on"]  # ordered by day: the latest
        got["findings"] += row["n_findings"]
        got["rectify_orders"] += row["n_orders"]
    return out


def result_tally(draw: Draw, results: dict[tuple[int, str], dict[str, Any]]) -> dict[str, int]:
    """A draw's results in figures (结果公告): picks, picks inspected, picks whose inspection is done, findings,
    picks ordered to rectify (已责令整改). Inspections at an enterprise the draw did not pick are not counted."""
    got = [results[(draw.pk, p["enterprise"])] for p in draw.picks if (draw.pk, p["enterprise"]) in results]
    return {
        "picks": len(draw.picks),
        "inspected": len(got),
        "done": sum(1 for r in got if r["done"]),
        "findings": sum(r["findings"] for r in got),
        "rectified": sum(1 for r in got if r["rectify_orders"]),
    }


def draw_events(draw: Draw) -> list[Event]:
    """The draw's events, oldest first."""
    return list(Event.objects.filter(subject_type="draw", subject_id=str(draw.pk)).order_by("id"))
