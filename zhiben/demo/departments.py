"""The demo's member units: 重庆市 and 秀山县 with their usual units, 秀山县's townships as units of the county,
清溪场镇's own offices (the township plan names them), and each demo officer in a unit. Idempotent."""

from __future__ import annotations

from typing import Any

from zhiben.accounts.models import User
from zhiben.departments.kinds import DepartmentKind
from zhiben.departments.models import Department
from zhiben.departments.services import department_create, departments_seed, member_set

# 清溪场镇's own offices, as a township plan names them (镇安监站, 镇党政办 …).
TOWNSHIP_OFFICES = (
    ("清溪场镇安全生产监督管理站", DepartmentKind.STATION, "镇安监站\n安监站"),
    ("清溪场镇党政办公室", DepartmentKind.STATION, "镇党政办\n党政办"),
    ("清溪场镇财政所", DepartmentKind.FINANCE, "镇财政所"),
    ("清溪场镇综合行政执法大队", DepartmentKind.OTHER, "镇综合执法局\n综合执法局"),
    ("清溪场镇村镇建设办公室", DepartmentKind.HOUSING, "镇村建办\n村建办"),
    ("清溪场镇纪律检查委员会", DepartmentKind.DISCIPLINE, "镇纪委"),
    ("清溪场镇党群服务中心", DepartmentKind.STATION, "镇党群服务中心"),
    ("秀山县市场监督管理局清溪场市场监管所", DepartmentKind.MARKET, "市场监管所"),
)
# demo user → (region of the unit, unit kind or name)
MEMBERS = {
    "county": ("500241", DepartmentKind.EMERGENCY),
    "county2": ("500241", DepartmentKind.EMERGENCY),
    "chem": ("500241", DepartmentKind.EMERGENCY),
    "office": ("500241", DepartmentKind.COMMITTEE_OFFICE),
    "housing": ("500241", DepartmentKind.HOUSING),
    "town": ("500241100", "清溪场镇安全生产监督管理站"),
}


def seed_departments(*, admin: User, townships: list[tuple[str, str]]) -> None:
    """Create the demo's units and put the demo officers in them (nothing twice)."""
    for code in ("50", "500241"):
        departments_seed(actor=admin, region=code)
    for code, name in townships:
        if not Department.objects.filter(region_id="500241", township_id=code).exists():
            department_create(
                actor=admin,
                region="500241",
                name=f"{name}人民政府" if name.endswith("镇") else f"{name}办事处",
                kind=DepartmentKind.GOVERNMENT,
                township=code,
            )
    for name, kind, aliases in TOWNSHIP_OFFICES:
        if not Department.objects.filter(region_id="500241100", name=name).exists():
            department_create(actor=admin, region="500241100", name=name, kind=kind, aliases=aliases)
    for username, (region, which) in MEMBERS.items():
        user = User.objects.filter(username=username, department__isnull=True).first()
        if user is None:
            continue
        found: Any = Department.objects.filter(region_id=region)
        found = found.filter(name=which) if which.startswith("清溪场") else found.filter(kind=which)
        unit = found.order_by("position", "id").first()
        if unit is not None:
            member_set(actor=admin, user=user, department=unit.pk)
