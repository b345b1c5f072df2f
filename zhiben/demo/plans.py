"""The demo's plans: the Chongqing plan (渝安委〔2024〕6号, shared/seeds) read through the plan-document parser,
its units matched to 重庆市's member units and saved as the user would confirm it; under it a plan of the demo
county (秀山县) with a handful of tasks at every stage — reported on, done, accepted (对账销号), overdue. Run again,
it adds nothing."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from zhiben.accounts.models import User
from zhiben.common import dates
from zhiben.departments.models import Department
from zhiben.departments.services import departments_seed
from zhiben.plans.inputs import plan_input
from zhiben.plans.models import Plan
from zhiben.plans.preview import preview_plan
from zhiben.plans.services import plan_create, progress_report, task_accept, task_done

CITY = "50"
COUNTY = "500241"
CITY_FILE = Path(__file__).resolve().parent / "data" / "chongqing-plan-2024-2026.txt"
COUNTY_TITLE = "秀山县安全生产治本攻坚三年行动实施方案（2024—2026年）"


def _unit(unit: dict[str, Any]) -> dict[str, Any]:
    """A matched unit as the user confirms it: the unit or region it matched, else its text (kept, flagged)."""
    if unit.get("department"):
        return {"text": unit["text"], "department": unit["department"]}
    if unit.get("region"):
        return {"text": unit["text"], "region": unit["region"]}
    return {"text": unit["text"]}


def _city_plan(admin: User, today: datetime.date) -> Plan:
    found = Plan.objects.filter(region_id=CITY, source_name=CITY_FILE.name).first()
    if found is not None:
        return found
    preview = preview_plan(CITY_FILE.read_bytes(), CITY_FILE.name, CITY)
    for task in preview["tasks"]:
        task["lead_units"] = [_unit(u) for u in task["lead_units"]]
        task["co_units"] = [_unit(u) for u in task["co_units"]]
    body = {**preview, "region": CITY, "source_name": CITY_FILE.name, "title": preview.get("title") or "重庆市方案"}
    return plan_create(actor=admin, data=plan_input(body), today=today)


def _member(username: str, admin: User) -> User:
    """The demo officer ``username`` when they belong to a unit of the county, else ``admin``."""
    found = User.objects.filter(username=username, department__region_id=COUNTY).first()
    return found or admin


def _by_kind(kind: str) -> int:
    unit = Department.objects.filter(region_id=COUNTY, kind=kind).order_by("position", "id").first()
    assert unit is not None, f"the demo county has no {kind} unit"
    return unit.pk


def _county_plan(admin: User, parent: Plan, today: datetime.date) -> Plan:
    day = datetime.timedelta(days=1)
    emergency, housing, transport = _by_kind("emergency"), _by_kind("housing"), _by_kind("transport")
    market, education = _by_kind("market"), _by_kind("education")
    tasks = [
        {
            "number": "1",
            "action_number": "一",
            "action": "重大事故隐患动态清零行动",
            "text": "组织各行业领域开展重大事故隐患专项排查整治，建立隐患台账，逐项落实整改责任、措施、资金和时限。",
            "due_text": "限期完成",
            "due": (today - 20 * day).isoformat(),
            "lead_units": [{"text": "县应急局", "department": emergency}],
            "co_units": [
                {"text": "县住房城乡建委", "department": housing},
                {"text": "县交通局", "department": transport},
            ],
        },
        {
            "number": "2",
            "action_number": "一",
            "action": "重大事故隐患动态清零行动",
            "text": "开展城镇燃气安全专项整治，完成老旧管网更新改造年度任务。",
            "due_text": "年底前",
            "due": datetime.date(today.year, 12, 31).isoformat(),
            "lead_units": [{"text": "县住房城乡建委", "department": housing}],
            "co_units": [{"text": "县市场监管局", "department": market}, {"text": "各乡镇（街道）"}],
        },
        {
            "number": "3",
            "action_number": "二",
            "action": "安全生产责任落实行动",
            "text": "各乡镇（街道）落实安全生产网格化管理，按季度报送网格员巡查情况。",
            "due_text": "长期坚持",
            "due_rule": {"kind": "ongoing", "every": "quarter"},
            "lead_units": [{"text": "各乡镇（街道）"}],
            "co_units": [{"text": "县应急局", "department": emergency}],
        },
        {
            "number": "4",
            "action_number": "二",
            "action": "安全生产责任落实行动",
            "text": "将安全生产纳入中小学安全教育课程，组织开展应急疏散演练。",
            "due_text": "已完成",
            "due": (today - 60 * day).isoformat(),
            "lead_units": [{"text": "县教委", "department": education}],
        },
        {
            "number": "5",
            "action_number": "三",
            "action": "安全监管执法能力提升行动",
            "text": "完成道路运输企业安全生产标准化建设评估。",
            "due": (today + 45 * day).isoformat(),
            "due_text": "明年一季度",
            "lead_units": [{"text": "县交通局", "department": transport}],
            "co_units": [{"text": "县考核办"}],
        },
    ]
    body = {
        "region": COUNTY,
        "parent": parent.pk,
        "title": COUNTY_TITLE,
        "doc_number": "秀山安委〔2024〕3号",
        "tasks": tasks,
    }
    plan = plan_create(actor=admin, data=plan_input(body), today=today - 120 * day)
    one, two, three, four = (plan.tasks.get(number=n) for n in "1234")
    # the demo's officers of the units (zhiben/demo/departments.py) act where they are there; else the admin
    emergency_officer, housing_officer, office = (_member(name, admin) for name in ("county", "housing", "office"))
    for actor, task, days_ago, text, percent in (
        (emergency_officer, one, 40, "已完成排查，建立台账 36 项，整改 21 项。", 60),
        (housing_officer, two, 30, "已更新老旧管网 12 公里。", 45),
        (admin, four, 70, "课程已纳入，演练已开展。", 100),
    ):
        when = today - days_ago * day
        progress_report(actor=actor, task_id=task.pk, period=f"{when:%Y-%m}", text=text, percent=percent, today=when)
    task_done(actor=admin, task_id=four.pk, today=today - 65 * day)
    task_accept(actor=office, task_id=four.pk, today=today - 60 * day)
    task_done(actor=housing_officer, task_id=two.pk, today=today - 2 * day)
    assert three.report_due is not None  # the townships' quarterly report: owed since the plan, and late
    return plan


def seed_plans(*, admin: User) -> None:
    """The demo's plans (see the module docstring); nothing when they are there already."""
    today = dates.today()
    for code in (CITY, COUNTY):
        departments_seed(actor=admin, region=code)
    city = _city_plan(admin, datetime.date(2024, 3, 26))
    if not Plan.objects.filter(region_id=COUNTY, title=COUNTY_TITLE).exists():
        _county_plan(admin, city, today)
