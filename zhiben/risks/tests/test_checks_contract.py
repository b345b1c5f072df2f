"""The contract of check tasks and records (zhiben/tests_support/contract.py): every call by every outsider 404
with nothing changed, lists hide what is out of scope, query counts flat."""

from __future__ import annotations

import datetime

from zhiben.common.dates import today
from zhiben.risks import checks
from zhiben.risks.models import CheckRecord, CheckTask, ControlMeasure, RiskEvent, RiskUnit
from zhiben.tests_support.contract import COUNTY, Call, Listing, RegisterContract, Spec, Subject, World


def api_count(response):
    return response["count"]


def make_task(world: World) -> Subject:
    firm = world.firm
    n = CheckTask.objects.count()
    unit = RiskUnit.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        name=f"契约单元{n}",
        department="生产部",
        responsible="张三",
    )
    event = RiskEvent.objects.create(unit=unit, enterprise=firm, name="泄漏", method="lec", score=90, grade="yellow")
    measure = ControlMeasure.objects.create(
        event=event, enterprise=firm, description="巡检", classify1="3", classify2="3-2", content="查巡检记录"
    )
    task = CheckTask(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        measure=measure,
        content=f"契约排查任务{n}",
        cycle_value=1,
        cycle_unit="day",
        starts_on=today() - datetime.timedelta(days=1),
    )
    task.phase, task.anchor_day = checks.phase_of("day", 1, task.starts_on)
    task.save()
    checks.generate(today())
    record = CheckRecord.objects.get(task=task, day=today())
    return Subject(task, {"id": task.pk, "record": record.pk, "credit_code": firm.credit_code, "content": task.content})


def _done_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


SPEC = Spec(
    name="check-tasks",
    prefixes=("/api/v1/check-tasks", "/api/v1/check-records", "/risks/enterprises/{credit_code}/tasks"),
    make=make_task,
    calls=(
        Call("GET", "/api/v1/check-tasks/{id}"),
        Call("PATCH", "/api/v1/check-tasks/{id}", body={"content": "改过的排查内容"}, inside=("enterprise",)),
        Call("DELETE", "/api/v1/check-tasks/{id}", inside=("enterprise",)),
        Call("GET", "/api/v1/check-records/{record}"),
        Call("POST", "/api/v1/enterprises/{credit_code}/rhythm-tasks", inside=("enterprise",)),
        # the enterprise's tasks page: officers in scope read it (their POSTs answer 403: test_checks_pages.py)
        Call("GET", "/risks/enterprises/{credit_code}/tasks/"),
        Call(
            "POST",
            "/risks/enterprises/{credit_code}/tasks/",
            body={"action": "delete", "task": "{id}"},
            inside=("enterprise",),
        ),
        Call("POST", "/risks/enterprises/{credit_code}/tasks/", body={"action": "rhythm"}, inside=("enterprise",)),
        # an outsider's check of the task: refused on the task (422 naming items[0].task), nothing written
        Call(
            "POST",
            "/api/v1/check-records",
            body={"task": "{id}", "done_at": "2026-12-01T00:00:00Z", "result": "pass"},
            inside=(),
            refused=(422,),
        ),
    ),
    lists=(
        Listing("/api/v1/check-tasks", {"enterprise": "{credit_code}"}, count=api_count),
        Listing("/api/v1/check-records", {"enterprise": "{credit_code}"}, count=api_count),
        Listing("/api/v1/check-tasks", baseline=6),
        Listing("/api/v1/check-records", baseline=6),
    ),
    elsewhere={
        "POST /api/v1/check-tasks": "creating a task: zhiben/risks/tests/test_checks_api.py",
    },
)


class TestCheckContract(RegisterContract):
    spec = SPEC


def make_checked(world: World) -> Subject:
    """A task of the county's firm with today's cycle done by its user: the county's figures count one check."""
    from zhiben.risks.services.records import records_submit

    made = make_task(world)
    task = CheckTask.objects.get(pk=made.keys["id"])
    task.assignee = world.users["enterprise"]
    task.save(update_fields=["assignee"])
    record = CheckRecord.objects.get(pk=made.keys["record"])
    done_at = min(record.due_at - datetime.timedelta(minutes=1), datetime.datetime.now(datetime.UTC))
    records_submit(
        actor=world.users["enterprise"], items=[{"task": task.pk, "done_at": done_at.isoformat(), "result": "pass"}]
    )
    return Subject(record, {**made.keys, "county": COUNTY})


def checks_counted(body) -> int:
    return int(body["totals"]["on_time"]) + int(body["totals"]["late"])


STATS = "/api/v1/stats/checks?date_from=2000-01-01"
STATS_PAGE = "/risks/stats/?date_from=2000-01-01"
OFFICERS_OUTSIDE = ("outsider", "township_officer")
STATS_SPEC = Spec(
    name="check-stats",
    prefixes=("/api/v1/stats/checks", "/risks/stats"),
    make=make_checked,
    inside=("officer", "enterprise"),
    outside=OFFICERS_OUTSIDE,
    calls=(
        # the county asked for by name: 404 to the officers outside it
        Call("GET", f"{STATS}&region={{county}}"),
        Call("GET", f"{STATS_PAGE}&region={{county}}"),
    ),
    lists=(
        # each one's own figures: the county's check counted for its officer and its enterprise, for nobody else
        Listing(STATS, count=checks_counted, outside=(*OFFICERS_OUTSIDE, "sector_officer", "other_enterprise")),
        Listing(STATS, baseline=16),
    ),
)


class TestCheckStatsContract(RegisterContract):
    spec = STATS_SPEC
