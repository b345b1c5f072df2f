"""The demo's enforcement data for 秀山县 (penalties, plans and pools): the county 应急管理局's law-enforcement officers
(certificate numbers 渝应急执5004xx; the demo officers ``county``, ``county2`` and ``chem`` get their logins unless
another area's demo gave them one) and, if the county has none, an expert pool with one tie (回避) to the demo
enterprise; the bureau's yearly inspection plan for this year
with progress — inspections of this year brought in through the inspection ledger's write path; penalties: one
continued by the day (安全生产法 第一百一十二条) on one of those inspections, and one on the demo tip whose
violation was confirmed (its fine, 20,000 yuan, is the penalty's). Everything through the services, so events
and tallies are as for any user's writes. Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime
from typing import Any

from zhiben.accounts.models import User
from zhiben.common import dates
from zhiben.departments.models import Department, DepartmentKind
from zhiben.enterprises.models import Enterprise
from zhiben.inspections.models import (
    Expert,
    Inspection,
    InspectionKind,
    InspectionPlan,
    LawOfficer,
    Penalty,
    PlanItem,
    TeamRole,
)
from zhiben.inspections.services.ledgers import inspection_ledger_create_many
from zhiben.inspections.services.penalties import penalty_record
from zhiben.inspections.services.plans import plan_create
from zhiben.inspections.services.pools import expert_create, officer_create, relation_add
from zhiben.tips.models import Category, Outcome, Tip

COUNTY = "500241"
DEMO_ENTERPRISE = "91500241MA5U0DEM30"
# certificate number, name, the demo user it is (or "")
OFFICERS = (
    ("渝应急执500401", "张科长", "county"),
    ("渝应急执500402", "刘副科长", "county2"),
    ("渝应急执500403", "王股长", "chem"),
    ("渝应急执500404", "杨晓明", ""),
    ("渝应急执500405", "何建平", ""),
    ("渝应急执500406", "罗丽", ""),
)
EXPERTS = (
    ("周工", "重庆化工设计研究院", "高级工程师", ["hazardous_chemicals"], "危化工艺安全、重大危险源"),
    ("吴工", "秀山县电力工程有限公司", "工程师", ["power", "machinery"], "电气安全"),
    ("郑工", "重庆安全技术职业学院", "副教授", ["fireworks", "hazardous_chemicals"], "烟花爆竹储存、防爆"),
)


def seed_inspections_pen() -> None:
    """Seed the county's officers, experts, this year's plan with progress and two penalties (see the module)."""
    county = User.objects.filter(username="county").first()
    bureau = Department.objects.filter(region_id=COUNTY, kind=DepartmentKind.EMERGENCY).order_by("id").first()
    if county is None or bureau is None or county.department_id != bureau.pk:
        return  # the demo's users and units come first (seed_demo)
    _officers(county, bureau)
    _experts(county)
    plan = _plan(county, bureau)
    visits = _inspections(county, bureau, plan)
    _penalties(county, visits)


def _officers(county: User, bureau: Department) -> None:
    for certificate_no, name, username in OFFICERS:
        if LawOfficer.objects.filter(certificate_no=certificate_no).exists():
            continue
        login = username if username and not LawOfficer.objects.filter(user__username=username).exists() else ""
        valid_to = datetime.date(dates.today().year + 2, 12, 31)
        officer_create(
            actor=county,
            data={
                "department": bureau.pk,
                "name": name,
                "certificate_no": certificate_no,
                "valid_to": valid_to,
                "user": login,
            },
        )


def _experts(county: User) -> None:
    """The county's expert pool, when no other part of the demo has filled it."""
    if Expert.objects.filter(region_id=COUNTY).exists():
        return
    for name, organisation, title, sectors, specialty in EXPERTS:
        if Expert.objects.filter(region_id=COUNTY, name=name).exists():
            continue
        expert = expert_create(
            actor=county,
            data={
                "region": COUNTY,
                "name": name,
                "organisation": organisation,
                "title": title,
                "sectors": sectors,
                "specialty": specialty,
            },
        )
        if name == "周工" and Enterprise.objects.filter(credit_code=DEMO_ENTERPRISE).exists():
            # he assessed the demo enterprise's plant: barred from its inspections
            relation_add(
                actor=county,
                expert=expert,
                data={"enterprise": DEMO_ENTERPRISE, "kind": "service", "note": "曾为该企业开展安全现状评价"},
            )


def _plan(county: User, bureau: Department) -> InspectionPlan:
    year = dates.today().year
    found = InspectionPlan.objects.filter(department=bureau, year=year).first()
    if found is not None:
        return found
    return plan_create(
        actor=county,
        data={
            "region": COUNTY,
            "department": bureau.pk,
            "year": year,
            "title": f"秀山县应急管理局{year}年度安全生产监督检查计划",
            "key_sectors": ["hazardous_chemicals", "fireworks"],
            "random_draws": 4,
            "random_ratio": "10",
            "approved_on": datetime.date(year, 1, 1) if dates.today() > datetime.date(year, 1, 1) else None,
        },
    )


def _day(days_ago: int) -> datetime.date:
    """A day this year, ``days_ago`` before today (not before 1 January: the plan's year)."""
    today = dates.today()
    return max(today - datetime.timedelta(days=days_ago), datetime.date(today.year, 1, 1))


def _inspections(county: User, bureau: Department, plan: InspectionPlan) -> list[Inspection]:
    """This year's inspections of the plan's A and B class firms, as a ledger would bring them in (done, with a
    team of two certified officers)."""
    year = plan.year
    mine = list(
        Inspection.objects.filter(department=bureau, ledger_ref__startswith=f"秀应急检〔{year}〕").order_by("id")
    )
    if mine:
        return mine
    items = list(
        PlanItem.objects.filter(plan=plan, planned__gt=0)
        .select_related("enterprise")
        .order_by("supervision_class", "id")
    )[:6]
    team = [
        {"role": TeamRole.LEADER, "name": "张科长", "certificate_no": "渝应急执500401"},
        {"role": TeamRole.OFFICER, "name": "刘副科长", "certificate_no": "渝应急执500402"},
    ]
    officers = dict(
        LawOfficer.objects.filter(certificate_no__in=[m["certificate_no"] for m in team]).values_list(
            "certificate_no", "pk"
        )
    )
    rows: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        firm = item.enterprise
        rows.append(
            {
                "inspection": {
                    "enterprise_id": firm.pk,
                    "region_id": firm.region_id,
                    "sector_id": firm.sector_id,
                    "department_id": bureau.pk,
                    "kind": InspectionKind.PLANNED if n % 3 else InspectionKind.SPECIAL,
                    "flags": ["unannounced"] if n % 2 == 0 else [],
                    "on": _day(200 - n * 30),
                    "summary": "按年度计划开展检查",
                    "ledger_ref": f"秀应急检〔{year}〕{n + 1}号",
                    "ledger_findings": n % 4,
                    "ledger_major_findings": 1 if n == 0 else 0,
                },
                "team": [{**m, "officer_id": officers.get(m["certificate_no"])} for m in team],
                "penalty": None,
                "credit_code": firm.credit_code,
            }
        )
    return inspection_ledger_create_many(actor=county, rows=rows) if rows else []


def _penalties(county: User, visits: list[Inspection]) -> None:
    year = dates.today().year
    first = visits[0] if visits else None
    decided = min(first.on + datetime.timedelta(days=30), dates.today()) if first else dates.today()
    start = first.on + datetime.timedelta(days=1) if first else decided
    if first is not None and start <= decided and not Penalty.objects.filter(inspection=first).exists():
        days = (decided - start).days + 1  # from the day after the order to correct (made at the inspection)
        penalty_record(
            actor=county,
            inspection_id=first.pk,
            data={
                "decided_on": decided,
                "amount": str(10000 * days),
                "basis": "安全生产法 第一百一十二条",
                "facts": "检查发现的重大事故隐患经责令限期整改、罚款后拒不改正",
                "major_hazard": True,
                "daily": True,
                "daily_from": start,
                "daily_amount": "10000",
                "external_ref": f"秀应急罚〔{year}〕1号",
            },
        )
    tip = (
        Tip.objects.filter(region_code__startswith=COUNTY, category=Category.VIOLATION, outcome=Outcome.CONFIRMED)
        .order_by("id")
        .first()
    )
    if tip is None or Penalty.objects.filter(tip=tip).exists() or tip.verified_on is None:
        return
    firm = (
        Enterprise.objects.filter(region__code__startswith=COUNTY, sector_id="hazardous_chemicals")
        .exclude(credit_code=DEMO_ENTERPRISE)
        .order_by("id")
        .first()
    )
    if firm is None:
        return
    penalty_record(
        actor=county,
        data={
            "enterprise": firm.credit_code,
            "decided_on": tip.verified_on,
            "amount": str(tip.fine or 20000),
            "basis": "安全生产法 第一百零一条",
            "facts": "违规储存危险化学品，未建立专门安全管理制度（群众举报核查属实）",
            "tip": tip.pk,
            "external_ref": f"秀应急罚〔{tip.verified_on.year}〕2号",
        },
    )
