"""Rows the check tests start from: a risk unit with one red event and one control measure (written directly: the
register's own services are tested in test_register*.py)."""

from __future__ import annotations

from zhiben.enterprises.models import Enterprise
from zhiben.risks.models import ControlMeasure, RiskEvent, RiskUnit


def measure_of(
    enterprise: Enterprise, *, unit: str = "液氯储罐区", grade: str = "red", score: int = 600
) -> ControlMeasure:
    """液氯储罐区 → 液氯泄漏中毒 (LEC, ``score``, ``grade``) → 储罐液位高限报警联锁 (工程技术 · 安全仪表)."""
    made = RiskUnit.objects.create(
        enterprise=enterprise,
        region_id=enterprise.region_id,
        sector_id=enterprise.sector_id,
        name=unit,
        department="储运车间",
        responsible="王工",
    )
    event = RiskEvent.objects.create(
        unit=made, enterprise=enterprise, name="液氯泄漏中毒", method="lec", score=score, grade=grade
    )
    return ControlMeasure.objects.create(
        event=event,
        enterprise=enterprise,
        description="储罐液位高限报警联锁",
        classify1="1",
        classify2="1-4",
        content="检查液位报警联锁投用",
    )
