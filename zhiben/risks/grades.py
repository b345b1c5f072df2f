"""Grades that follow from the register: a unit's is its worst live event's, an enterprise's its worst unit's
(``rules`` module docstring), with the reason kept so a regulator can see why (issue 15).

The enterprise's grade from its register is kept on its ``RiskProfile``, apart from ``Enterprise.risk_level`` —
the level the regulator records (for hazardous-chemical enterprises a 100-point assessment, FACTS §5): the two
answer different questions, and pages show both.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import rules
from .models import RiskEvent, RiskProfile, RiskUnit

WORST_SHOWN = 5  # the reason names this many of the worst events


def regrade(enterprise_ids: Iterable[int]) -> dict[int, str]:
    """Recompute the grades of the units and of the enterprises ``enterprise_ids`` from their live (not deleted)
    risk events; answers ``{enterprise id: grade}`` ("" for an enterprise with no graded event).

    Each enterprise's ``RiskProfile`` (created when missing) gets ``grade``, ``graded_at`` and ``grade_reason`` =
    ``{"rule": "worst", "text": "…", "counts": {"red": n, …}, "worst": [{"unit", "event", "method", "score",
    "grade"}…]}``. Runs in the caller's transaction (or its own)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    with transaction.atomic():
        events = (
            RiskEvent.objects.filter(enterprise_id__in=ids, deleted=False, unit__deleted=False)
            .select_related("unit")
            .order_by("enterprise_id", "-score", "id")
        )
        by_unit: dict[int, list[str]] = defaultdict(list)
        by_enterprise: dict[int, list[RiskEvent]] = defaultdict(list)
        for event in events:
            by_unit[event.unit_id].append(event.grade)
            by_enterprise[event.enterprise_id].append(event)
        units = list(RiskUnit.objects.filter(enterprise_id__in=ids).only("id", "grade", "deleted"))
        changed = []
        for unit in units:
            grade = "" if unit.deleted else rules.worst(by_unit.get(unit.pk, []))
            if unit.grade != grade:
                unit.grade = grade
                changed.append(unit)
        # bulk_update does not touch updated_at: a unit's own fields did not change, only what follows from them
        RiskUnit.objects.bulk_update(changed, ["grade"], batch_size=1000)
        profiles = {p.pk: p for p in RiskProfile.objects.select_for_update().filter(enterprise_id__in=ids)}
        now = timezone.now()
        answer: dict[int, str] = {}
        for enterprise_id in ids:
            found = by_enterprise.get(enterprise_id, [])
            grade, reason = explain(found)
            profile = profiles.get(enterprise_id)
            if profile is None:
                profile = RiskProfile.objects.create(enterprise_id=enterprise_id)
            if profile.grade != grade or profile.grade_reason != reason:
                profile.grade, profile.grade_reason, profile.graded_at = grade, reason, now
                profile.save(update_fields=["grade", "grade_reason", "graded_at", "updated_at"])
            answer[enterprise_id] = grade
    return answer


def explain(events: list[RiskEvent]) -> tuple[str, dict[str, Any]]:
    """The grade that follows from some live events and the reason, in words and figures (see ``regrade``)."""
    counts = Counter(e.grade for e in events)
    grade = rules.worst(list(counts))
    ordered = sorted(events, key=lambda e: (rules.GRADES.index(e.grade), -e.score, e.pk))
    worst = [
        {
            "unit": e.unit.name,
            "event": e.name,
            "method": e.method,
            "score": rules.value_text(e.score),
            "grade": e.grade,
        }
        for e in ordered[:WORST_SHOWN]
    ]
    shown = {g: counts.get(g, 0) for g in rules.GRADES}
    if not grade:
        text = "尚无已评价的风险事件，未得出企业风险等级"
    else:
        top = worst[0]
        tally = "，".join(f"{rules.GRADE_NAMES[g]} {shown[g]} 项" for g in rules.GRADES if shown[g])
        text = (
            f"按“最高风险定级”规则：共 {len(events)} 项风险事件（{tally}），最高为“{top['unit']} · {top['event']}”"
            f"（风险值 {top['score']}，{rules.GRADE_NAMES[top['grade']]}），企业风险等级为{rules.GRADE_NAMES[grade]}"
        )
    return grade, {"rule": "worst", "text": text, "counts": shown, "worst": worst}
