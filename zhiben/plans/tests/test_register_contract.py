"""The plan register's contract (zhiben/tests_support/contract.py): a county's plan and its tasks are seen by the
officers of the county (and above) and by the officers of the tasks' units; to everyone else — officers of
another county or of a township the task does not name, enterprise users — every endpoint and page answers 404
and changes nothing, and the lists and figures do not count it."""

from __future__ import annotations

import datetime
import io
from typing import Any

from zhiben.accounts.models import User
from zhiben.departments.models import Department
from zhiben.plans.inputs import plan_input
from zhiben.plans.services import plan_create, progress_report
from zhiben.tests_support import factories, files
from zhiben.tests_support.contract import COUNTY, Call, Listing, RegisterContract, Spec, Subject, World, api_count

PLAN = "/api/v1/plans/{id}"
TASK = "/api/v1/tasks/{task}"
OUTSIDE = ("outsider", "other_enterprise", "enterprise", "township_officer")


def _unit(kind: str, name: str) -> Department:
    return Department.objects.get_or_create(region_id=COUNTY, name=name, defaults={"kind": kind})[0]


def _member(username: str, unit: Department) -> User:
    user = factories.user(username, role="officer", region=COUNTY)
    user.department = unit
    user.save(update_fields=["department"])
    return user


def _plan(world: World, title: str) -> Any:
    emergency = _unit("emergency", "秀山县应急管理局")
    return plan_create(
        actor=world.users["admin"],
        data=plan_input(
            {
                "region": COUNTY,
                "title": title,
                "tasks": [
                    {
                        "number": "1",
                        "text": "开展重大事故隐患专项排查整治",
                        "due": "2026-06-30",
                        "lead_units": [{"text": "县应急局", "department": emergency.pk}],
                        "co_units": [{"text": "县考核办"}],
                    }
                ],
            }
        ),
    )


def make_plan(world: World) -> Subject:
    plan = _plan(world, "秀山县契约方案")
    task = plan.tasks.get()
    png = files.png()
    report = progress_report(
        actor=world.users["admin"],
        task_id=task.pk,
        period="2026-03",
        text="已部署",
        percent=10,
        files=[(io.BytesIO(png), "photo.png", len(png))],
        today=datetime.date(2026, 4, 1),
    )
    return Subject(task, {"id": plan.pk, "task": task.pk, "file": report.files.get().pk})


def more_plans(world: World, n: int) -> None:
    for i in range(n):
        _plan(world, f"秀山县契约方案 {i}")


def tasks_total(body: Any) -> int:
    return int(body["totals"]["total"])


SPEC = Spec(
    name="plans",
    prefixes=("/api/v1/plans", "/api/v1/tasks", "/api/v1/stats/tasks", "/plans/"),
    make=make_plan,
    make_more=more_plans,
    inside=("officer", "unit", "office"),
    outside=OUTSIDE,
    users={
        "unit": lambda world: _member("c-unit", _unit("emergency", "秀山县应急管理局")),
        "office": lambda world: _member("c-office", _unit("committee_office", "秀山县安委会办公室")),
    },
    calls=(
        Call("GET", PLAN),
        Call("GET", f"{PLAN}/board.xlsx"),
        # adding a task: the officers of the plan's region or above (the township officer, a unit below, is 403)
        Call("POST", f"{PLAN}/tasks", body={"number": "99", "text": "补充任务"}, refused=(403, 404)),
        Call("POST", "/plans/{id}/", body={"number": "98", "task_text": "补充任务"}, refused=(403, 404)),
        Call("GET", TASK),
        Call("GET", f"{TASK}/files/{{file}}"),
        Call("GET", "/api/v1/stats/tasks?plan={id}"),
        # the steps: the unit reports and marks done, the office accepts or refuses; others in scope 403/409
        Call("POST", f"{TASK}/progress", body={"period": "2026-03", "text": "已部署", "percent": 20}),
        Call("POST", f"{TASK}/done"),
        Call("POST", f"{TASK}/accept"),
        Call("POST", f"{TASK}/reject", body={"reason": "佐证不全"}),
        Call("GET", "/plans/{id}/"),
        Call("GET", "/plans/board/?plan={id}"),
        Call("GET", "/plans/tasks/{task}/"),
        Call("POST", "/plans/tasks/{task}/", body={"action": "done"}),
    ),
    lists=(
        Listing("/api/v1/plans", count=api_count, baseline=6),
        Listing("/api/v1/tasks", {"plan": "{id}"}, count=api_count, baseline=8),
        # one more than the figures: the check that any task is kept at all (none: the figures are not asked)
        Listing("/api/v1/stats/tasks", count=tasks_total, outside=("outsider", "township_officer"), baseline=11),
        Listing("/plans/", marker='href="/plans/{id}/"', outside=OUTSIDE, baseline=16),
        Listing("/plans/board/", marker='href="/plans/tasks/{task}/"', outside=OUTSIDE, baseline=14),
    ),
    elsewhere={
        "POST /api/v1/plans": "saving, and refusing a county outside the caller's: zhiben/plans/tests/test_plans.py",
        "POST /api/v1/plans/parse": "the preview saves nothing: zhiben/plans/tests/test_parse_endpoint.py",
        "GET /plans/import/": "the import page: zhiben/plans/tests/test_plans.py",
    },
)


class TestPlanContract(RegisterContract):
    spec = SPEC
