"""The demo's enforcement statistics (执法统计) in 秀山县: this year's inspections by 县应急管理局 (some 四不两直,
some with an expert) and its penalties; 县住房和城乡建设局's inspections of building firms without a penalty
(只检查不处罚, picked out on the page and the dashboard's card); one firm penalised for a major hazard three times
within 180 days (提请关闭, 安全生产法 第一百一十三条) and one twice (one short); and at 秀山县清溪化工有限公司 a major
hazard an inspection found that the firm's own self-check never recorded (有问题查不出).

The rows are written as the inspections and penalties services write them — the record and its tally deltas
(``tallies.enforcement_add``) in one transaction; the findings' hazards through ``hazard_create``. Run again, it
adds nothing (its inspections carry ``MARK`` in their summary)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.db import transaction

from zhiben.accounts.models import User
from zhiben.common import dates
from zhiben.common.inputs import parse
from zhiben.departments.models import Department
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import hazard_create
from zhiben.inspections.models import Finding, Inspection, Penalty, TeamMember, TeamRole
from zhiben.inspections.tallies import enforcement_add
from zhiben.reference.selectors import criteria_in_force

COUNTY = "500241"
MARK = "（演示：执法统计）"
TEAM = (("张建国", "渝执500241001"), ("李红梅", "渝执500241002"))
BASIS = "《中华人民共和国安全生产法》第一百零二条"


def _inspection(
    actor: User,
    firm: Enterprise,
    unit: Department,
    on: datetime.date,
    *,
    flags: tuple[str, ...] = (),
    expert: bool = False,
) -> Inspection:
    with transaction.atomic():
        made = Inspection.objects.create(
            enterprise=firm,
            region_id=firm.region_id,
            sector_id=firm.sector_id,
            department=unit,
            kind="planned",
            flags=list(flags),
            on=on,
            status="done",
            summary=f"现场检查安全生产主体责任落实情况。{MARK}",
            created_by=actor,
        )
        for name, number in TEAM:
            TeamMember.objects.create(inspection=made, role=TeamRole.OFFICER, name=name, certificate_no=number)
        if expert:
            TeamMember.objects.create(inspection=made, role=TeamRole.EXPERT, name="王工（注册安全工程师）")
        enforcement_add(
            region_code=made.region_id,
            department_id=unit.pk,
            day=on,
            inspections=1,
            unannounced=int("unannounced" in flags),
            covert=int("covert" in flags),
            cross_region=int("cross_region" in flags),
            with_experts=int(expert),
        )
    return made


def _penalty(
    actor: User, firm: Enterprise, unit: Department, on: datetime.date, amount: int, *, major: bool, ref: str
) -> None:
    with transaction.atomic():
        row = Penalty.objects.create(
            enterprise=firm,
            region_id=firm.region_id,
            sector_id=firm.sector_id,
            department=unit,
            decided_on=on,
            amount=Decimal(amount),
            basis=BASIS,
            facts="重大事故隐患未按期整改" if major else "未按规定开展隐患排查治理",
            major_hazard=major,
            external_ref=ref,
            created_by=actor,
        )
        enforcement_add(
            region_code=row.region_id, department_id=unit.pk, day=on, penalties=1, penalty_amount=row.amount
        )


def _major_finding(actor: User, made: Inspection) -> None:
    """A major hazard the inspection found, citing a clause the firm's self-check never cited."""
    firm = made.enterprise
    cited = set(Hazard.objects.filter(enterprise=firm).exclude(criterion=None).values_list("criterion_id", flat=True))
    clause = next(
        (c for c in criteria_in_force(firm.sector_id, made.on).values_list("code", flat=True) if c not in cited), None
    )
    if clause is None:
        return
    report = {
        "enterprise": firm.credit_code,
        "title": "涉及重点监管危险化工工艺的装置未实现自动化控制",
        "level": "major",
        "source": "inspection",
        "discovered_on": made.on,
        "criterion": clause,
        "location": "硝化车间",
    }
    with transaction.atomic():
        hazard = hazard_create(actor=actor, report=parse(HazardReport, report))
        Finding.objects.create(inspection=made, hazard=hazard)
        enforcement_add(
            region_code=made.region_id, department_id=made.department_id, day=made.on, findings=1, major_findings=1
        )


def seed_enforcement_stats(*, admin: User, enterprise: str) -> None:
    """The demo county's enforcement records of this year (see the module's docstring); ``enterprise``: the credit
    code of the demo enterprise (its user sees its inspection)."""
    if Inspection.objects.filter(summary__endswith=MARK).exists():
        return
    officer = User.objects.filter(username="county").first() or admin
    emergency = Department.objects.filter(region_id=COUNTY, kind="emergency").order_by("position", "id").first()
    housing = Department.objects.filter(region_id=COUNTY, kind="housing").order_by("position", "id").first()
    if emergency is None or housing is None:
        return
    today = dates.today()
    start = datetime.date(today.year, 1, 1)

    def day(n: int) -> datetime.date:
        """The n-th step of the year so far (spread from 1 January to today)."""
        return min(start + datetime.timedelta(days=n * max(1, (today - start).days) // 12), today)

    firms = list(
        Enterprise.objects.filter(region__code__prefix=COUNTY).exclude(credit_code=enterprise).order_by("credit_code")
    )
    building = [f for f in firms if f.sector_id == "construction"][:3]
    others = [f for f in firms if f.sector_id != "construction"]
    if len(others) < 8:
        return
    serial = itertools.count(101)  # the penalties area's demo numbers its own from 1
    for i, firm in enumerate(others[:8]):
        flags = ("unannounced",) if i % 2 == 0 else ()
        made = _inspection(officer, firm, emergency, day(i + 1), flags=flags, expert=i % 3 == 0)
        if i in (1, 4):
            _penalty(
                officer,
                firm,
                emergency,
                made.on,
                20000 + 10000 * i,
                major=False,
                ref=f"秀应急罚〔{today.year}〕{next(serial)}号",
            )
    for i, firm in enumerate(building):
        _inspection(officer, firm, housing, day(i + 3), flags=("covert",) if i == 0 else ())
    # 提请关闭: three penalties for a major hazard within 180 days; one short: two
    repeat, near = others[8:10] if len(others) >= 10 else (others[0], others[1])
    for back in (150, 80, 5):
        _penalty(
            officer,
            repeat,
            emergency,
            today - datetime.timedelta(days=back),
            50000,
            major=True,
            ref=f"秀应急罚〔{today.year}〕{next(serial)}号",
        )
    for back in (60, 10):
        _penalty(
            officer,
            near,
            emergency,
            today - datetime.timedelta(days=back),
            30000,
            major=True,
            ref=f"秀应急罚〔{today.year}〕{next(serial)}号",
        )
    demo_firm = Enterprise.objects.filter(credit_code=enterprise).first()
    if demo_firm is not None:
        made = _inspection(officer, demo_firm, emergency, day(10), flags=("unannounced",), expert=True)
        _major_finding(officer, made)
