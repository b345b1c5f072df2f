"""The demo's risk register: five units with LEC-scored events (one red, the others orange, yellow and blue),
measures of all four national classes, the grade following with its reason; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from zhiben.accounts.models import User
from zhiben.demo.risks_register import seed_risk_register
from zhiben.risks.models import ControlMeasure, RiskEvent, RiskProfile, RiskUnit
from zhiben.risks.tests import factories_register as f

pytestmark = pytest.mark.django_db


def test_the_demo_register_is_realistic_and_seeded_once() -> None:
    firm = f.firm(name="秀山县清溪化工有限公司")
    user = f.staff("firm", firm)
    assert seed_risk_register(enterprise=firm.credit_code) == 5
    assert seed_risk_register(enterprise=firm.credit_code) == 0
    assert RiskUnit.objects.filter(enterprise=firm).count() == 5
    events = RiskEvent.objects.filter(enterprise=firm)
    grades = list(events.values_list("grade", flat=True))
    assert grades.count("red") == 1 and {"orange", "yellow", "blue"} <= set(grades)
    assert all(2 <= e.measures.count() <= 3 for e in events)
    assert set(ControlMeasure.objects.filter(enterprise=firm).values_list("classify1", flat=True)) == {
        "1",
        "2",
        "3",
        "4",
    }
    profile = RiskProfile.objects.get(enterprise=firm)
    assert profile.grade == "red" and profile.safety_manager_id == user.pk
    assert "液氯储罐区 · 液氯储罐泄漏中毒" in profile.grade_reason["text"]


def test_without_an_enterprise_user_nothing_is_seeded() -> None:
    firm = f.firm()
    assert seed_risk_register(enterprise=firm.credit_code) == 0
    assert seed_risk_register(enterprise="91500241MA5U0DEM30") == 0


def test_seed_demo_gives_the_demo_enterprise_user_its_register() -> None:
    call_command("seed_demo")
    firm = User.objects.get(username="firm").enterprise
    assert firm is not None and firm.sector_id == "hazardous_chemicals"
    assert RiskUnit.objects.filter(enterprise=firm, deleted=False).count() == 5
    assert RiskProfile.objects.get(enterprise=firm).grade == "red"
