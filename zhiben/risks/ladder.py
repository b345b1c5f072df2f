"""The missed-check ladder (issue 15: "missed checks warn the assignee, then the enterprise's safety manager, then
its officers").

Each missed cycle tells its assignee. When one task has missed ``ZHIBEN["CHECK_LADDER"]["safety_manager"]`` cycles in
a row (2 by default) the enterprise's safety manager (``RiskProfile.safety_manager``; without one, the enterprise's
active staff) is told too; at ``["officers"]`` in a row (3) the officers whose scope covers the enterprise. Every rung
reached is an append-only ``CheckWarning`` row (one per record and rung), and each person gets one digest per sweep,
not one notice per record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from zhiben.accounts.models import Role, User
from zhiben.common import hooks

from .models import CheckRecord, CheckWarning, LadderStep, RiskProfile

LINES_SHOWN = 10


def steps_for(missed_in_row: int, *, has_assignee: bool) -> list[str]:
    """The rungs a task missed ``missed_in_row`` times in a row reaches (mildest first)."""
    ladder = settings.ZHIBEN["CHECK_LADDER"]
    out = [LadderStep.ASSIGNEE.value] if has_assignee else []
    if missed_in_row >= ladder["safety_manager"]:
        out.append(LadderStep.SAFETY_MANAGER.value)
    if missed_in_row >= ladder["officers"]:
        out.append(LadderStep.OFFICERS.value)
    return out


def climb(record_ids: Sequence[int]) -> int:
    """Write the rungs the newly missed records reach and tell the people on them (in the caller's transaction).
    Answers the number of warnings written."""
    records = list(
        CheckRecord.objects.filter(id__in=record_ids)
        .select_related("task", "enterprise")
        .order_by("enterprise_id", "id")
    )
    warnings: list[CheckWarning] = []
    to_assignee: dict[int, list[CheckRecord]] = defaultdict(list)
    to_manager: dict[int, list[CheckRecord]] = defaultdict(list)
    to_officers: dict[int, list[CheckRecord]] = defaultdict(list)
    for record in records:
        task = record.task
        for step in steps_for(task.consecutive_missed, has_assignee=task.assignee_id is not None):
            warnings.append(
                CheckWarning(
                    record=record,
                    task=task,
                    enterprise_id=record.enterprise_id,
                    step=step,
                    missed_in_row=task.consecutive_missed,
                )
            )
            if step == LadderStep.ASSIGNEE:
                to_assignee[int(task.assignee_id or 0)].append(record)
            elif step == LadderStep.SAFETY_MANAGER:
                to_manager[record.enterprise_id].append(record)
            else:
                to_officers[record.enterprise_id].append(record)
    CheckWarning.objects.bulk_create(warnings, batch_size=2000, ignore_conflicts=True)
    notices: list[hooks.PersonNotice] = []
    for user_id, missed in to_assignee.items():
        notices.append(
            hooks.PersonNotice(
                title=f"您有 {len(missed)} 项隐患排查任务未按时排查（漏检）",
                body=_lines(missed),
                link="/risks/checks/",
                users=(user_id,),
            )
        )
    managers = dict(
        RiskProfile.objects.filter(enterprise_id__in=to_manager, safety_manager__is_active=True).values_list(
            "enterprise_id", "safety_manager_id"
        )
    )
    staff: dict[int, list[int]] = defaultdict(list)
    for enterprise_id, user_id in User.objects.filter(
        enterprise_id__in=[e for e in to_manager if e not in managers], role=Role.ENTERPRISE, is_active=True
    ).values_list("enterprise_id", "id"):
        staff[enterprise_id].append(user_id)
    threshold = settings.ZHIBEN["CHECK_LADDER"]
    for enterprise_id, missed in to_manager.items():
        users = (managers[enterprise_id],) if enterprise_id in managers else tuple(staff.get(enterprise_id, ()))
        notices.append(
            hooks.PersonNotice(
                title=f"本企业 {len(missed)} 项隐患排查任务连续漏检（{threshold['safety_manager']} 次及以上）",
                body=_lines(missed),
                link="/risks/checks/?status=missed",
                users=users,
            )
        )
    for enterprise_id, missed in to_officers.items():
        first = missed[0]
        notices.append(
            hooks.PersonNotice(
                title=(
                    f"{first.enterprise.name} {len(missed)} 项隐患排查任务连续漏检（{threshold['officers']} 次及以上）"
                ),
                body=_lines(missed),
                link=f"/risks/stats/?region={first.region_id}",
                officers_over=(first.region_id, first.sector_id, enterprise_id),
            )
        )
    hooks.people_told("risks.check_missed", notices)
    return len(warnings)


def _lines(records: list[CheckRecord]) -> str:
    shown = [
        f"{r.task.content[:60]}（{timezone.localtime(r.opens_at):%m-%d %H:%M} 起，"
        f"连续漏检 {r.task.consecutive_missed} 次）"
        for r in records[:LINES_SHOWN]
    ]
    more = len(records) - LINES_SHOWN
    return "\n".join(shown + ([f"……另有 {more} 项"] if more > 0 else []))
