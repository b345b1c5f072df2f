"""A county's member units and officers, and a small plan of theirs, for the plan register's tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from zhiben.accounts.models import User
from zhiben.departments.models import Department
from zhiben.plans.inputs import plan_input
from zhiben.plans.models import Plan
from zhiben.plans.services import plan_create
from zhiben.tests_support import factories

COUNTY = "500241"
TOWNSHIP = "500241100"
CREATED = datetime.date(2026, 3, 2)


@dataclass
class County:
    office: Department
    emergency: Department
    housing: Department
    users: dict[str, User]


def county(prefix: str = "p") -> County:
    """The county's committee office, 应急管理局 and 住建局, with an officer each; the township; a county officer
    without a unit; an admin."""
    factories.township(TOWNSHIP, "清溪场镇", COUNTY)
    office = Department.objects.create(region_id=COUNTY, name="秀山县安全生产委员会办公室", kind="committee_office")
    emergency = Department.objects.create(
        region_id=COUNTY, name="秀山县应急管理局", kind="emergency", aliases="县应急局"
    )
    housing = Department.objects.create(region_id=COUNTY, name="秀山县住房和城乡建设委员会", kind="housing")
    users = {
        "county": factories.user(f"{prefix}-county", role="officer", region=COUNTY),
        "office": factories.user(f"{prefix}-office", role="officer", region=COUNTY),
        "emergency": factories.user(f"{prefix}-emergency", role="officer", region=COUNTY),
        "housing": factories.user(f"{prefix}-housing", role="officer", region=COUNTY),
        "town": factories.user(f"{prefix}-town", role="officer", region=TOWNSHIP),
        "outsider": factories.user(f"{prefix}-outsider", role="officer", region="110105"),
        "admin": factories.user(f"{prefix}-admin", role="admin"),
    }
    for name, unit in (("office", office), ("emergency", emergency), ("housing", housing)):
        users[name].department = unit
        users[name].save(update_fields=["department"])
    return County(office, emergency, housing, users)


def plan_body(c: County, **changes: Any) -> dict[str, Any]:
    """Four tasks: a dated one led by 应急局, one led by 住建委 with 应急局 co-operating, a 长期坚持 one for the
    townships (generic), one with a unit nobody matches."""
    body = {
        "region": COUNTY,
        "title": "秀山县安全生产治本攻坚三年行动实施方案",
        "doc_number": "秀山安委〔2024〕1号",
        "tasks": [
            {
                "number": "1",
                "action": "隐患排查整治行动",
                "text": "开展重大事故隐患专项排查整治",
                "due_text": "2026年6月底前",
                "due_rule": {"kind": "month_end", "due": "2026-06-30"},
                "lead_units": [{"text": "县应急局", "department": c.emergency.pk}],
            },
            {
                "number": "2",
                "text": "城镇燃气安全专项整治",
                "due": "2026-09-30",
                "lead_units": [{"text": "县住建委", "department": c.housing.pk}],
                "co_units": [{"text": "县应急局", "department": c.emergency.pk}],
            },
            {
                "number": "3",
                "text": "落实乡镇安全生产网格化管理",
                "due_text": "长期坚持",
                "due_rule": {"kind": "ongoing", "every": "quarter"},
                "lead_units": [{"text": "各乡镇（街道）"}],
            },
            {
                "number": "4",
                "text": "完善安全生产考核办法",
                "due": "2026-12-31",
                "lead_units": [{"text": "县考核办"}],
            },
        ],
    }
    body.update(changes)
    return body


def make_plan(c: County, *, today: datetime.date = CREATED, **changes: Any) -> Plan:
    return plan_create(actor=c.users["county"], data=plan_input(plan_body(c, **changes)), today=today)
