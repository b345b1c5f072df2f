"""Factories of the risk register's tests: an enterprise with its staff, an admin, an officer, and a register
written through the services (so events, grades and audit events come with it)."""

from __future__ import annotations

from typing import Any

from zhiben.accounts.models import User
from zhiben.enterprises.models import Enterprise
from zhiben.risks.models import ControlMeasure, RiskEvent, RiskUnit
from zhiben.risks.services import register as services
from zhiben.tests_support import factories


def firm(**fields: Any) -> Enterprise:
    """A hazardous-chemicals enterprise in 500241 unless told otherwise."""
    fields.setdefault("region", "500241")
    fields.setdefault("sector", "hazardous_chemicals")
    return factories.enterprise(**fields)


def staff(username: str, enterprise: Enterprise) -> User:
    return factories.user(username, role="enterprise", enterprise=enterprise)


def admin(username: str = "admin1") -> User:
    return factories.user(username, role="admin")


def officer(username: str = "officer1", region: str = "500241") -> User:
    return factories.user(username, role="officer", region=region)


def unit(actor: User, **data: Any) -> RiskUnit:
    body = {"name": "液氯储罐区", "kind": "place", "department": "储运车间", "responsible": "王强", **data}
    return services.unit_create(actor=actor, data=body)


def event(actor: User, u: RiskUnit, **data: Any) -> RiskEvent:
    body = {"name": "液氯泄漏中毒", "consequence": "中毒和窒息", "l": 3, "e": 6, "c": 15, **data}
    return services.event_create(actor=actor, unit_id=u.pk, data=body)


def measure(actor: User, e: RiskEvent, **data: Any) -> ControlMeasure:
    body = {"event": e.pk, "description": "储罐设液位、压力远传报警", "classify1": "1", "classify2": "1-4", **data}
    return services.measure_create(actor=actor, data=body)
