"""The write path of the enforcement ledgers (执法台账) brought in from other systems: historical inspections, each
with its team and the penalty the ledger gives it. The import engine checks every row first (``ledgers.py``) and
then hands the rows here, all in one transaction (DESIGN.md §5: the importer calls the register's bulk services,
which write the same events and tallies as a single write).

An imported inspection is stored done, on its day, with the findings its ledger counts (``ledger_findings``,
``ledger_major_findings``: their hazards are not in zhiben) and its document number there (``ledger_ref``); its
penalty is recorded by ``penalty_create_many`` (its tallies, events and tip fine with it). The enforcement
tallies count the inspection in the month of its day: one inspection, its flags (四不两直, 明察暗访, 异地交叉),
whether experts were on the team, its findings and major findings.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhiben.accounts.models import User
from zhiben.audit.services import NewEvent, event_append_many

from ..models import Inspection, InspectionFlag, InspectionStatus, Penalty, TeamMember, TeamRole
from ..tallies import enforcement_add
from .penalties import penalty_create_many, penalty_update_many

# the inspection fields a re-imported ledger row may change on an inspection it brought in before
UPDATABLE = ("kind", "flags", "summary", "ledger_findings", "ledger_major_findings")
FLAG_TALLIES = {
    InspectionFlag.UNANNOUNCED: "unannounced",
    InspectionFlag.COVERT: "covert",
    InspectionFlag.CROSS_REGION: "cross_region",
}


def _counts(inspection: Inspection, team: Iterable[Mapping[str, Any]], sign: int) -> dict[str, int]:
    """What one inspection adds to the enforcement tallies (``sign`` -1 takes it back)."""
    flags = set(inspection.flags or [])
    counts = {"inspections": sign, "findings": sign * inspection.ledger_findings}
    counts["major_findings"] = sign * inspection.ledger_major_findings
    counts["with_experts"] = sign * any(m["role"] == TeamRole.EXPERT for m in team)
    for flag, name in FLAG_TALLIES.items():
        counts[name] = sign * (flag in flags)
    return counts


def _tally(rows: Iterable[tuple[str, int | None, datetime.date, dict[str, int]]]) -> None:
    """Add each ``(region code, unit, day, counts)`` to the enforcement tallies, one write per month row."""
    sums: dict[tuple[str, int, str], dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    days: dict[tuple[str, int, str], datetime.date] = {}
    for region, unit, day, counts in rows:
        key = (region, unit or 0, f"{day:%Y-%m}")
        days[key] = day
        for name, n in counts.items():
            sums[key][name] += n
    for key, counts in sums.items():
        enforcement_add(region_code=key[0], department_id=key[1] or None, day=days[key], **counts)


def _team(inspection: Inspection, team: Sequence[Mapping[str, Any]]) -> list[TeamMember]:
    return [
        TeamMember(
            inspection=inspection,
            role=m["role"],
            officer_id=m.get("officer_id"),
            expert_id=m.get("expert_id"),
            name=m["name"],
            certificate_no=m.get("certificate_no", ""),
        )
        for m in team
    ]


def _team_view(team: Iterable[Mapping[str, Any]]) -> list[str]:
    return [f"{m['name']}（{m['certificate_no']}）" if m.get("certificate_no") else m["name"] for m in team]


def inspection_ledger_create_many(
    *, actor: User, rows: Sequence[Mapping[str, Any]], context: Iterable[Mapping[str, Any]] | None = None
) -> list[Inspection]:
    """Bring in many historical inspections (an inspection ledger import); returns them in the order of ``rows``.

    Each row is ``{"inspection": Inspection fields, "team": [{"role", "name", "certificate_no", "officer_id"?,
    "expert_id"?}], "penalty": check_penalty's fields or None}`` as the ledger's rows check them. Each inspection
    gets an ``imported`` event (plus, row by row, ``context``'s additions: the import's job and row) and its
    tallies; its penalty is recorded by ``penalty_create_many``. One transaction (the caller's, if any)."""
    extras = list(context) if context is not None else [{} for _ in rows]
    now = timezone.now()
    made = [
        Inspection(**dict(row["inspection"]), status=InspectionStatus.DONE, done_at=now, created_by=actor)
        for row in rows
    ]
    with transaction.atomic():
        Inspection.objects.bulk_create(made, batch_size=1000)
        members = [m for inspection, row in zip(made, rows, strict=True) for m in _team(inspection, row["team"])]
        TeamMember.objects.bulk_create(members, batch_size=2000)
        events = [
            NewEvent(
                "inspection",
                str(inspection.pk),
                "imported",
                {
                    "enterprise": row["credit_code"],
                    "on": inspection.on,
                    "kind": inspection.kind,
                    "flags": inspection.flags,
                    "team": _team_view(row["team"]),
                    "findings": inspection.ledger_findings,
                    "major_findings": inspection.ledger_major_findings,
                    "ledger_ref": inspection.ledger_ref,
                    **extra,
                },
            )
            for inspection, row, extra in zip(made, rows, extras, strict=True)
        ]
        event_append_many(actor=actor, events=events)
        _tally(
            (i.region_id, i.department_id, i.on, _counts(i, row["team"], 1)) for i, row in zip(made, rows, strict=True)
        )
        penalties = [
            ({**row["penalty"], "inspection_id": inspection.pk}, extra)
            for inspection, row, extra in zip(made, rows, extras, strict=True)
            if row.get("penalty")
        ]
        if penalties:
            penalty_create_many(actor=actor, rows=[p for p, _ in penalties], context=[e for _, e in penalties])
    return made


def inspection_ledger_update_many(
    *,
    actor: User,
    rows: Sequence[tuple[Inspection, Mapping[str, Any]]],
    context: Iterable[Mapping[str, Any]] | None = None,
) -> int:
    """Change inspections a ledger brought in before (a re-import): ``rows`` are ``(inspection, {"inspection":
    changed fields of UPDATABLE, "team": the new team or None, "penalty": None | ("create", fields) | ("update",
    penalty, changed fields)})``. The tallies move from the old values to the new, the team is replaced when it
    changed, each inspection gets a ``ledger_updated`` event naming the changes; its penalty is recorded or
    changed by the penalties register's bulk services. Returns how many changed. One transaction."""
    extras = list(context) if context is not None else [{} for _ in rows]
    tally: list[tuple[str, int | None, datetime.date, dict[str, int]]] = []
    events = []
    new_penalties: list[tuple[dict[str, Any], Mapping[str, Any]]] = []
    changed_penalties: list[tuple[Penalty, Mapping[str, Any]]] = []
    with transaction.atomic():
        ids = [i.pk for i, _ in rows]
        current = {i.pk: i for i in Inspection.objects.select_for_update().filter(pk__in=ids)}
        teams: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for m in TeamMember.objects.filter(inspection_id__in=ids).order_by("id").values():
            teams[m["inspection_id"]].append(dict(m))
        for (given, change), extra in zip(rows, extras, strict=True):
            inspection = current[given.pk]
            old_team = teams[inspection.pk]
            new_team = change.get("team")
            tally.append(
                (inspection.region_id, inspection.department_id, inspection.on, _counts(inspection, old_team, -1))
            )
            changes: dict[str, Any] = {}
            for name, value in (change.get("inspection") or {}).items():
                if name not in UPDATABLE:
                    raise ValueError(f"not a field a ledger changes: {name}")
                changes[name] = [getattr(inspection, name), value]
                setattr(inspection, name, value)
            if changes:
                inspection.save(update_fields=list(changes))
            if new_team is not None:
                TeamMember.objects.filter(inspection=inspection).delete()
                TeamMember.objects.bulk_create(_team(inspection, new_team))
                changes["team"] = [_team_view(old_team), _team_view(new_team)]
            tally.append(
                (
                    inspection.region_id,
                    inspection.department_id,
                    inspection.on,
                    _counts(inspection, new_team if new_team is not None else old_team, 1),
                )
            )
            penalty = change.get("penalty")
            if penalty is not None and penalty[0] == "create":
                new_penalties.append(({**penalty[1], "inspection_id": inspection.pk}, extra))
            elif penalty is not None:
                changed_penalties.append((penalty[1], penalty[2]))
            if changes:
                events.append(
                    NewEvent("inspection", str(inspection.pk), "ledger_updated", {"changes": changes, **extra})
                )
        event_append_many(actor=actor, events=events)
        _tally(tally)
        if new_penalties:
            penalty_create_many(actor=actor, rows=[p for p, _ in new_penalties], context=[e for _, e in new_penalties])
        if changed_penalties:
            penalty_update_many(actor=actor, rows=changed_penalties)
    return len(events) + len(new_penalties) + len(changed_penalties)
