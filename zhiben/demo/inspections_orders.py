"""The demo's orders (执法指令 · 复查) in the demo county, through the orders area's services with their business
dates (the inspection's, the order's and the re-inspection's days, DESIGN.md §3) — typed in today, as a unit
entering last month's enforcement would, so that every event chain stays in the order it was written:

- at the demo enterprise, three weeks ago: a 责令限期整改指令书 whose deadline has passed and whose re-inspection is
  late (on the ladder, red in the unit's list), and a 现场处理措施决定书 (停止作业 at the failed alarm);
- at another chemicals firm of the county, six weeks ago: an order re-inspected and failed, with the continuing
  daily penalty recorded (安全生产法 第一百一十二条) — a penalty proposed in the unit's to-do;
- at the demo enterprise, this week: an order still within its deadline (the enterprise's to-do).

The inspections are the inspection area's demo rows when they exist (an inspection of the county's 应急管理局 with
two certified officers and findings); otherwise the rows are written here directly. Idempotent: nothing is added
once the county has an order."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from zhiben.accounts.models import User
from zhiben.common import dates
from zhiben.common.inputs import parse
from zhiben.departments.models import Department, DepartmentKind
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.services import hazard_create
from zhiben.inspections.models import (
    CheckItem,
    CheckResult,
    Finding,
    Inspection,
    InspectionFlag,
    InspectionKind,
    LawOfficer,
    Order,
    TeamMember,
    TeamRole,
)
from zhiben.inspections.services.orders import order_issue, reinspection_record
from zhiben.inspections.tallies import enforcement_add
from zhiben.reference.models import Kind
from zhiben.reference.selectors import criteria_in_force

COUNTY = "500241"
DEMO_ENTERPRISE = "91500241MA5U0DEM30"
# The county 应急管理局's officers on the demo's teams (certificate numbers as the demo writes them).
OFFICERS = (("张明", "渝应急执500241001"), ("刘洋", "渝应急执500241002"))


def seed_inspection_orders(*, admin: User) -> None:
    """Seed the county's orders (see the module's docstring); nothing when the county has one already, or when
    its 应急管理局, its officer ``county`` or the demo enterprise is missing."""
    if Order.objects.filter(region_code__startswith=COUNTY).exists():
        return
    unit = Department.objects.filter(region_id=COUNTY, kind=DepartmentKind.EMERGENCY).order_by("id").first()
    officer = User.objects.filter(username="county").first()
    demo_firm = Enterprise.objects.filter(credit_code=DEMO_ENTERPRISE).first()
    if unit is None or officer is None or demo_firm is None:
        return
    other_firm = (
        Enterprise.objects.filter(region__code__startswith=COUNTY, sector_id="hazardous_chemicals")
        .exclude(pk=demo_firm.pk)
        .order_by("id")
        .first()
        or demo_firm
    )
    today = dates.today()
    day = datetime.timedelta(days=1)
    with transaction.atomic():  # the county's orders, all or none
        late = _inspection(officer, unit, demo_firm, today - 21 * day, [("二车间可燃气体报警器失效", "major")])
        failed = _inspection(officer, unit, other_firm, today - 42 * day, [("储罐区防火堤破损未修复", "general")])
        recent = _inspection(officer, unit, demo_firm, today - 3 * day, [("仓库安全出口被货物堵塞", "general")])
        issued = today - 20 * day
        order_issue(
            actor=officer,
            inspection_id=late.pk,
            data={"kind": "rectify", "deadline": today - 10 * day, "issued_on": issued},
        )
        order_issue(
            actor=officer,
            inspection_id=late.pk,
            data={
                "kind": "measures",
                "measures": ["停止作业", "停止使用相关设施、设备"],
                "text": "二车间反应釜区域",
                "issued_on": issued,
            },
        )
        order = order_issue(
            actor=officer,
            inspection_id=failed.pk,
            data={"kind": "rectify", "deadline": today - 30 * day, "issued_on": today - 41 * day},
        )
        reinspection_record(
            actor=officer,
            order_id=order.pk,
            data={
                "on": today - 26 * day,
                "passed": False,
                "verdict": "防火堤破损处仍未修复，未落实整改措施。",
                "daily_penalty_from": today - 40 * day,
            },
        )
        order_issue(
            actor=officer,
            inspection_id=recent.pk,
            data={"kind": "rectify", "deadline": today + 12 * day, "issued_on": today - 2 * day},
        )


def _inspection(
    officer: User, unit: Department, firm: Enterprise, on: datetime.date, findings: list[tuple[str, str]]
) -> Inspection:
    """The inspection area's demo inspection of ``firm`` on ``on`` by ``unit`` if there is one with findings, else
    one written here with a team of two certified officers, a checklist and ``findings`` (title, level)."""
    existing = (
        Inspection.objects.filter(enterprise=firm, department=unit, on=on, findings__isnull=False).distinct().first()
    )
    if existing is not None:
        return existing
    inspection = Inspection.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        department=unit,
        kind=InspectionKind.PLANNED,
        flags=[InspectionFlag.UNANNOUNCED],
        on=on,
        place=firm.address or firm.name,
        acknowledged_by=firm.principal or "",
        created_by=officer,
    )
    for i, (name, number) in enumerate(OFFICERS):
        person, _ = LawOfficer.objects.get_or_create(
            certificate_no=number, defaults={"department": unit, "region_id": unit.region_id, "name": name}
        )
        TeamMember.objects.create(
            inspection=inspection,
            role=TeamRole.LEADER if i == 0 else TeamRole.OFFICER,
            officer=person,
            name=person.name,
            certificate_no=person.certificate_no,
        )
    majors = 0
    for position, (title, level) in enumerate(findings, start=1):
        item = CheckItem.objects.create(inspection=inspection, position=position, text=title, result=CheckResult.FAIL)
        hazard = _hazard(officer, firm, on, title, level)
        majors += hazard.level == "major"
        Finding.objects.create(inspection=inspection, hazard=hazard, item=item)
    # the enforcement tallies, in the same transaction as the rows they count (tallies.py)
    enforcement_add(
        region_code=firm.region_id,
        department_id=unit.pk,
        day=on,
        inspections=1,
        unannounced=1,
        findings=len(findings),
        major_findings=majors,
    )
    return inspection


def _hazard(officer: User, firm: Enterprise, on: datetime.date, title: str, level: str) -> Any:
    criterion = ""
    if level == "major":
        found = criteria_in_force(firm.sector_id, on).exclude(kind=Kind.DETERMINATION).exclude(all_sectors=True).first()
        if found is None:  # no clause of the sector in force: recorded as a general hazard
            level = "general"
        else:
            criterion = found.code
    report = {
        "enterprise": firm.credit_code,
        "title": title,
        "level": level,
        "source": "inspection",
        "discovered_on": on,
        "criterion": criterion,
    }
    return hazard_create(actor=officer, report=parse(HazardReport, report))
