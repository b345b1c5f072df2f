"""The demo's check tasks and records (issue 15: 日周月排查) at the demo enterprise (秀山县清溪化工有限公司, whose
user is ``firm``): the rhythm tasks (班组日检 · 车间周检 · 厂级月检 · 主要负责人带队检查), a check task for each of up
to three control measures when the risk register's demo has made them, the last 14 days generated day by day and
mostly done on time by the assignee (each at a moment inside its window, written as it would have happened: the
services run at that moment), a few left to be missed (the sweep marks them and climbs the ladder), one uploaded
late from a phone that was offline, and today's 班组日检 failed, opening a hazard.

Run again, it adds nothing: the tasks exist, the days are generated (one record per cycle), and only cycles still
``planned`` are filled.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from zhiben.accounts.models import Role, User
from zhiben.common import dates
from zhiben.enterprises.models import Enterprise
from zhiben.risks import checks
from zhiben.risks.models import CheckKind, CheckRecord, CheckTask, ControlMeasure, RecordStatus
from zhiben.risks.services.records import records_submit
from zhiben.risks.services.tasks import rhythm_ensure, task_create, task_update

from . import clock

DAYS = 14
DEMO_USER = "firm"
# the measures' checks: every 8 hours, every day, every 7 days (working days only for the last)
MEASURE_CYCLES = ((8, "hour", False), (1, "day", False), (7, "day", True))
FOUND = {"title": "班组日检发现：消防通道堆放包装桶，堵塞疏散通道", "level": "general"}


def _staff(firm: Enterprise) -> User | None:
    staff = User.objects.filter(enterprise=firm, role=Role.ENTERPRISE, is_active=True)
    return staff.filter(username=DEMO_USER).first() or staff.order_by("id").first()


def _tasks(staff: User, firm: Enterprise, start: datetime.date) -> None:
    """The rhythm tasks and the measures' tasks, each assigned to ``staff`` (none made twice)."""
    rhythm_ensure(actor=staff, enterprise=firm, starts_on=start)
    measures = ControlMeasure.objects.filter(enterprise=firm, deleted=False).order_by("id")[: len(MEASURE_CYCLES)]
    for measure, (value, unit, working) in zip(measures, MEASURE_CYCLES, strict=False):
        if CheckTask.objects.filter(measure=measure, deleted=False).exists():
            continue
        task_create(
            actor=staff,
            data={
                "measure": measure.pk,
                "cycle_value": value,
                "cycle_unit": unit,
                "working_days_only": working,
                "starts_on": start.isoformat(),
                "assignee": staff.username,
            },
        )
    for task in CheckTask.objects.filter(enterprise=firm, deleted=False, assignee__isnull=True).order_by("id"):
        task_update(actor=staff, task_id=task.pk, data={"assignee": staff.username})


def _done_at(record: CheckRecord) -> datetime.datetime:
    """A moment inside the record's window: half-way through a short one, 09:30 on its first day otherwise, a few
    minutes apart from one record to the next."""
    span = record.due_at - record.opens_at
    offset = min(span / 2, datetime.timedelta(hours=9, minutes=30))
    return record.opens_at + offset + datetime.timedelta(minutes=record.pk % 25)


def _left_missed(record: CheckRecord) -> bool:
    """About one cycle in nine is left undone (deterministic, so a second run chooses the same)."""
    return (record.day.toordinal() * 7 + record.task_id) % 9 == 0


def _submit(staff: User, record: CheckRecord, done_at: datetime.datetime, **extra: object) -> None:
    item = {"task": record.task_id, "done_at": done_at, "result": "pass", "note": "", "client_id": f"demo-{record.pk}"}
    records_submit(actor=staff, items=[{**item, **extra}])


def seed_risks_checks(*, enterprise: str) -> None:
    """Tasks and 14 days of checks at ``enterprise`` (credit code), as its user ``firm`` keeps them."""
    firm = Enterprise.objects.filter(credit_code=enterprise).first()
    staff = _staff(firm) if firm is not None else None
    if firm is None or staff is None:
        return
    today = dates.today()
    start = today - datetime.timedelta(days=DAYS)
    _tasks(staff, firm, start)
    now = timezone.now()
    late_done = CheckRecord.objects.filter(enterprise=firm, status=RecordStatus.LATE).exists()
    failed_done = CheckRecord.objects.filter(enterprise=firm, hazard__isnull=False).exists()
    for offset in range(DAYS, -1, -1):
        day = today - datetime.timedelta(days=offset)
        checks.generate(day)
        planned = (
            CheckRecord.objects.filter(
                enterprise=firm, day=day, status=RecordStatus.PLANNED, task__deleted=False, task__active=True
            )
            .select_related("task")
            .order_by("opens_at", "id")
        )
        for record in planned:
            if day == today and record.task.kind == CheckKind.TEAM_DAILY and not failed_done:
                # today's round found something: recorded now (its hazard's history starts now)
                found_at = max(record.opens_at, now - datetime.timedelta(minutes=5))
                _submit(staff, record, found_at, result="fail", note="通道内堆放空包装桶约20个", hazard=FOUND)
                failed_done = True
                continue
            done_at = _done_at(record)
            if done_at > now or _left_missed(record):
                continue
            if not late_done and offset >= 3 and record.task.kind == CheckKind.TEAM_DAILY:
                # done on time but the phone was offline: uploaded the next afternoon (逾期上传)
                with clock.at(done_at + datetime.timedelta(hours=30)):
                    _submit(staff, record, done_at, note="离线完成，次日补传")
                late_done = True
                continue
            with clock.at(done_at + datetime.timedelta(minutes=3)):
                _submit(staff, record, done_at)
        closing = min(clock.moment(day + datetime.timedelta(days=1), 0, 1), now)
        with clock.at(closing):
            checks.sweep_missed(closing)
