"""Register rows for the map and posts tests, written directly (the register's own services are another area's):
a unit with a scored event, measures of each class and a check task."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from zhiben.enterprises.models import Enterprise
from zhiben.risks import grades
from zhiben.risks.models import CheckTask, ControlMeasure, RiskEvent, RiskUnit

# LEC scores by grade (D = L×E×C; bands of settings RISK_METHODS: >320 red, >160 orange, >70 yellow)
SCORES = {"red": (6, 10, 15), "orange": (3, 6, 15), "yellow": (3, 6, 7), "blue": (1, 6, 3)}


def unit(firm: Enterprise, name: str = "液氯储罐区", *, grade: str | None = "red", **fields: Any) -> RiskUnit:
    """A live unit of ``firm`` (its region and sector copied), with one event of ``grade`` (none when None) and, for
    that event, an engineering measure with a daily check task and an emergency measure; grades recomputed."""
    made = RiskUnit.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        name=name,
        department=fields.pop("department", "储运车间"),
        responsible=fields.pop("responsible", "张工"),
        **fields,
    )
    if grade is not None:
        event(made, f"{name}泄漏中毒", grade)
    grades.regrade([firm.pk])
    made.refresh_from_db()
    return made


def event(on: RiskUnit, name: str, grade: str) -> RiskEvent:
    l_, e_, c_ = SCORES[grade]
    made = RiskEvent.objects.create(
        unit=on,
        enterprise_id=on.enterprise_id,
        name=name,
        consequence="中毒和窒息",
        method="lec",
        l=Decimal(l_),
        e=Decimal(e_),
        c=Decimal(c_),
        score=Decimal(l_ * e_ * c_),
        grade=grade,
    )
    control = ControlMeasure.objects.create(
        event=made,
        enterprise_id=on.enterprise_id,
        description=f"{name}：储罐设置液位、压力远传和高低限报警",
        classify1="1",
        classify2="1-4",
        content="检查液位计、压力表显示正常，报警联锁投用",
        department="仪表班",
        responsible="李工",
    )
    ControlMeasure.objects.create(
        event=made,
        enterprise_id=on.enterprise_id,
        description=f"{name}：配备正压式空气呼吸器 2 套",
        classify1="4",
        classify2="4-2",
        content="检查空气呼吸器气压不低于 25 MPa",
        department="安全科",
        responsible="王工",
    )
    CheckTask.objects.create(
        enterprise_id=on.enterprise_id,
        region_id=on.region_id,
        sector_id=on.sector_id,
        measure=control,
        content="巡检储罐液位与报警联锁",
        cycle_value=1,
        cycle_unit="day",
        starts_on=datetime.date(2026, 11, 1),
    )
    return made
