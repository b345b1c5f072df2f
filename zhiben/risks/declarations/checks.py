"""Check tasks and check records on the register kit (DESIGN.md §5): their event catalogues (so that their timelines
and the audit log read in Chinese) and the to-do item of the people who do the checks (待排查). The missed-check
ladder tells people through ``hooks.people_told`` (``ladder.py``), not through role rules: its recipients are named
persons (the assignee, the safety manager), then the officers over the enterprise."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from zhiben.accounts.models import Role
from zhiben.common import kit

from ..checks import cycle_text
from ..models import CheckKind
from ..selectors import records_visible, tasks_visible
from ..selectors.checks import due_now, hazard_panel


def _task_lines(p: Mapping[str, Any]) -> list[str]:
    kind = CheckKind(p["kind"]).label if p.get("kind") in CheckKind.values else str(p.get("kind", ""))
    value, _, unit = str(p.get("cycle", "")).partition(" ")
    every = cycle_text(int(value), unit, bool(p.get("working_days_only"))) if value.isdigit() else value
    lines = [f"{kind}：{p.get('content', '')}", f"周期：{every}"]
    if p.get("active") is False:
        lines.append("已停用")
    return lines


TASK_EVENTS = kit.EventCatalogue(
    (
        kit.EventKind("task_created", "制定隐患排查任务", render=_task_lines),
        kit.EventKind("task_updated", "修改隐患排查任务", render=_task_lines),
        kit.EventKind("task_deleted", "删除隐患排查任务", render=_task_lines),
    )
)

RECORD_EVENTS = kit.EventCatalogue(
    (
        kit.EventKind(
            "recorded",
            "填写隐患排查记录",
            (("records", "记录条数"), ("failed", "发现隐患"), ("late", "逾期上传")),
        ),
        kit.EventKind("photo_added", "上传排查照片", (("name", "文件名"), ("size", "大小（字节）"))),
    )
)


def _due_day(record: Any) -> Any:
    return timezone.localtime(record.due_at).date()


CHECK_TASKS = kit.register(
    kit.Register(
        name="check_task",
        label="隐患排查任务",
        path="check-tasks",
        app_label="risks",
        get_scoped=kit.scoped_get(
            lambda actor, key: tasks_visible(actor).filter(pk=key, deleted=False).first(), "排查任务不存在"
        ),
        events=TASK_EVENTS,
        todo=(
            kit.TodoSource(
                "check_due",
                "待排查的隐患排查任务",
                frozenset({Role.ENTERPRISE}),
                lambda actor, today: due_now(actor=actor, now=timezone.now()),
                url="/risks/checks/#task-{record.task_id}",
                title=lambda r: f"排查：{r.task.content[:60]}（{timezone.localtime(r.due_at):%m-%d %H:%M} 前）",
                due=_due_day,
                order_by=("due_at",),
                order=15,
            ),
        ),
    )
)

CHECK_RECORDS = kit.register(
    kit.Register(
        name="check_record",
        label="隐患排查记录",
        path="check-records",
        app_label="risks",
        get_scoped=kit.scoped_get(lambda actor, key: records_visible(actor).filter(pk=key).first(), "排查记录不存在"),
        events=RECORD_EVENTS,
        # a hazard a failed check opened cites the record and the control measure on its page
        panels=(kit.Panel("hazard", "risks/_hazard_panel.html", hazard_panel, order=12),),
    )
)
