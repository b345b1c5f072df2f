"""The demo's inspections on site (监督检查) in 秀山县: the 应急管理局's law-enforcement officers (the demo officers
``county``, ``county2`` and ``chem`` with certificate numbers 渝应急执5002xx, and one without an account), the
county's expert pool (one expert tied to the demo enterprise, so the 回避 rule shows on its form), a completed
inspection at the demo enterprise with two findings that became hazards (one major, citing its failed clause),
and an open inspection started from the demo's tip about a fireworks warehouse — both today, written through the
services after the demo's history (zhiben/demo/clock.py), so that every event chain grows in time. Idempotent: a
second run adds nothing."""

from __future__ import annotations

import datetime
from typing import Any

from zhiben.accounts.models import User
from zhiben.common import dates
from zhiben.departments.models import Department, DepartmentKind
from zhiben.enterprises.models import Enterprise
from zhiben.inspections.models import CheckResult, Expert, ExpertRelation, Inspection, LawOfficer, RelationKind
from zhiben.inspections.services.inspections import (
    inspection_complete,
    inspection_create,
    inspection_finding_add,
    inspection_items_set,
)
from zhiben.tips.models import Tip, TipStatus

COUNTY = "500241"
DEMO_ENTERPRISE = "91500241MA5U0DEM30"
# demo user → (name on the certificate, certificate number); the last one has no account
OFFICERS = (
    ("county", "张明", "渝应急执500201"),
    ("county2", "刘强", "渝应急执500202"),
    ("chem", "王磊", "渝应急执500203"),
    ("", "赵刚", "渝应急执500204"),
)
EXPERTS = (
    ("孙建华", "重庆化工职业学院", "高级工程师", ["hazardous_chemicals"], "危化工艺安全、自动化控制"),
    ("周立新", "重庆市安全生产科学研究院", "高级工程师", ["hazardous_chemicals", "fireworks"], "储存、消防"),
    ("吴海", "秀山县某安全评价公司", "工程师", ["hazardous_chemicals"], "电气、防爆"),
)
COMPLETED_KEY = "demo-inspection-completed-0001"
FROM_TIP_KEY = "demo-inspection-from-tip-00001"


def seed_inspections_insp(*, admin: User) -> None:
    """Seed the county's officers, experts and two inspections (see the module's docstring)."""
    emergency = Department.objects.filter(region_id=COUNTY, kind=DepartmentKind.EMERGENCY).first()
    if emergency is None:
        return
    people = {u.username: u for u in User.objects.filter(username__in=[u for u, _, _ in OFFICERS if u])}
    officers = []
    for username, name, certificate in OFFICERS:
        user = people.get(username)
        if user is not None and LawOfficer.objects.filter(user=user).exclude(certificate_no=certificate).exists():
            user = None  # another area's demo tied the user to its own officer: a user is one officer at most
        found, _ = LawOfficer.objects.get_or_create(
            certificate_no=certificate,
            defaults={
                "department": emergency,
                "region_id": COUNTY,
                "user": user,
                "name": name,
                "certificate_valid_to": datetime.date(2028, 12, 31),
            },
        )
        officers.append(found)
    experts = []
    for name, organisation, title, sectors, specialty in EXPERTS:
        expert, _ = Expert.objects.get_or_create(
            region_id=COUNTY,
            name=name,
            defaults={
                "organisation": organisation,
                "title": title,
                "sectors": sectors,
                "specialty": specialty,
                "created_by": admin,
            },
        )
        experts.append(expert)
    firm = Enterprise.objects.filter(credit_code=DEMO_ENTERPRISE).first()
    if firm is None:
        return
    # 吴海's company assessed the demo enterprise: he is refused on its team (回避)
    ExpertRelation.objects.get_or_create(
        expert=experts[2],
        enterprise=firm,
        defaults={"kind": RelationKind.SERVICE, "note": "2025年为该企业出具安全现状评价报告"},
    )
    county = people.get("county")
    if county is not None and not Inspection.objects.filter(client_key=COMPLETED_KEY).exists():
        _completed(county, firm, officers, experts)
    if county is not None and not Inspection.objects.filter(client_key=FROM_TIP_KEY).exists():
        _from_tip(county, officers)


def _completed(county: User, firm: Enterprise, officers: list[LawOfficer], experts: list[Expert]) -> None:
    """四不两直 with an expert at the demo enterprise today: two lines failed, each a hazard (one major, citing its
    clause), the rest passed or not applicable, the 现场检查记录 signed by the principal. Written now, after the
    demo's history: every event chain grows in time (the hazards' findings join the hazards' chain)."""
    on = dates.today()
    inspection, _ = inspection_create(
        actor=county,
        data={
            "enterprise": firm.credit_code,
            "kind": "special",
            "flags": ["unannounced"],
            "on": on,
            "place": "储罐区、装卸区、生产车间",
            "team": [{"officer": officers[0].pk}, {"officer": officers[1].pk}, {"expert": experts[0].pk}],
            "client_key": COMPLETED_KEY,
        },
    )
    lines = list(inspection.items.order_by("position"))
    clauses = [line for line in lines if line.criterion_id]
    # the emergency shutdown's clause of the edition in force (AQ 3067 “紧急停车”, 121号 （四）), else the fourth
    major_line = next((line for line in clauses if "紧急停车" in line.text), clauses[3])
    general_line = lines[-1] if lines[-1].pk != major_line.pk else lines[0]
    results: list[dict[str, Any]] = []
    for n, line in enumerate(lines):
        if line.pk in (major_line.pk, general_line.pk):
            note = "现场核查发现" if line.pk == general_line.pk else "紧急停车系统处于旁路状态，未投入使用"
            results.append({"id": line.pk, "result": CheckResult.FAIL, "note": note})
        else:
            results.append({"id": line.pk, "result": CheckResult.NA if n % 9 == 8 else CheckResult.PASS})
    inspection_items_set(actor=county, inspection_id=inspection.pk, data={"items": results})
    inspection_finding_add(
        actor=county,
        inspection_id=inspection.pk,
        data={
            "item": major_line.pk,
            "title": "紧急停车系统未投入使用",
            "level": "major",
            "location": "1号罐区控制室",
            "description": "紧急停车系统处于旁路状态，未投入使用",
            "deadline": on + datetime.timedelta(days=30),
        },
    )
    inspection_finding_add(
        actor=county,
        inspection_id=inspection.pk,
        data={
            "item": general_line.pk,
            "title": "装卸区灭火器压力不足",
            "level": "general",
            "location": "装卸区",
            "deadline": on + datetime.timedelta(days=7),
        },
    )
    inspection_complete(
        actor=county,
        inspection_id=inspection.pk,
        data={
            "summary": "检查储罐区、装卸区和生产车间，发现问题2项，已当场告知企业。",
            "acknowledged_by": "陈建国",
        },
    )


def _from_tip(county: User, officers: list[LawOfficer]) -> None:
    """The fireworks warehouse tip (accepted, being verified): an open inspection started from it today."""
    tip = (
        Tip.objects.filter(region_code__startswith=COUNTY, status=TipStatus.ACCEPTED, category="major_hazard")
        .order_by("-accepted_on", "id")
        .first()
    )
    if tip is None:
        return
    where = Enterprise.objects.filter(region__code__prefix=COUNTY)
    named = Enterprise.objects.filter(pk=tip.enterprise_id).first() if tip.enterprise_id is not None else None
    firm = named or where.filter(sector_id="fireworks").order_by("id").first() or where.order_by("id").first()
    if firm is None:
        return
    inspection_create(
        actor=county,
        data={
            "tip": tip.pk,
            "enterprise": firm.credit_code,
            "flags": ["unannounced"],
            "on": dates.today(),
            "place": "仓库",
            "team": [{"officer": officers[0].pk}, {"officer": officers[3].pk}],
            "client_key": FROM_TIP_KEY,
        },
    )
