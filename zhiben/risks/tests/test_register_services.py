"""The risk register's writes: scoring and grading by the enterprise's method, the rule that a control measure
belongs to an event of a unit of the same enterprise, soft deletion down the chain, the grades that follow with
their reason, who may write, and bad input named field by field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhiben.audit.models import Event
from zhiben.common.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from zhiben.risks.models import CheckTask, ControlMeasure, RiskEvent, RiskProfile, RiskUnit
from zhiben.risks.services import register as services
from zhiben.risks.tests import factories_register as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm() -> Any:
    return f.firm()


@pytest.fixture
def me(firm: Any) -> Any:
    return f.staff("chem1", firm)


def test_an_enterprise_user_records_a_unit_of_its_own_enterprise_with_the_copied_region(me, firm) -> None:
    unit = f.unit(me)
    assert unit.enterprise_id == firm.pk and unit.region_id == firm.region_id and unit.sector_id == firm.sector_id
    assert Event.objects.filter(subject_type="risk_unit", subject_id=str(unit.pk), kind="unit_created").exists()


def test_an_event_is_scored_by_lec_and_graded_and_the_grades_follow(me, firm) -> None:
    unit = f.unit(me)
    event = f.event(me, unit, l=3, e=6, c=15)  # 270: 较大
    assert event.method == "lec" and event.score == Decimal("270.00") and event.grade == "orange"
    unit.refresh_from_db()
    profile = RiskProfile.objects.get(enterprise=firm)
    assert unit.grade == "orange" and profile.grade == "orange"
    assert "液氯储罐区 · 液氯泄漏中毒" in profile.grade_reason["text"]
    red = f.event(me, unit, name="液氯储罐爆炸", l=6, e=6, c=40)  # 1440: 重大
    assert red.grade == "red"
    profile.refresh_from_db()
    assert profile.grade == "red" and profile.grade_reason["counts"]["red"] == 1


def test_a_factor_outside_the_table_is_refused_naming_the_field(me) -> None:
    unit = f.unit(me)
    with pytest.raises(FieldErrors) as caught:
        f.event(me, unit, e=4)
    assert "e" in caught.value.errors and "收到 4" in caught.value.errors["e"]
    assert not RiskEvent.objects.exists()


def test_a_measure_of_an_event_of_another_unit_is_refused_naming_the_event(me) -> None:
    one, two = f.unit(me), f.unit(me, name="装卸站台")
    event = f.event(me, one)
    with pytest.raises(FieldErrors) as caught:
        f.measure(me, event, unit=two.pk)
    assert "event" in caught.value.errors
    measure = f.measure(me, event, unit=one.pk, classify1="4", classify2="应急预案")
    assert measure.classify2 == "4-4" and measure.enterprise_id == event.enterprise_id


def test_deleting_a_unit_deletes_its_events_and_measures_and_stops_their_tasks(me, firm) -> None:
    unit = f.unit(me)
    event = f.event(me, unit)
    measure = f.measure(me, event)
    task = CheckTask.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        measure=measure,
        content="巡检液位",
        cycle_value=1,
        cycle_unit="day",
        starts_on="2026-01-01",
    )
    services.unit_delete(actor=me, unit_id=unit.pk)
    assert RiskUnit.objects.get(pk=unit.pk).deleted
    assert RiskEvent.objects.get(pk=event.pk).deleted
    assert ControlMeasure.objects.get(pk=measure.pk).deleted
    task.refresh_from_db()
    assert task.deleted and not task.active
    assert RiskProfile.objects.get(enterprise=firm).grade == ""


def test_another_enterprises_user_gets_404_and_an_officer_403(me, firm) -> None:
    unit = f.unit(me)
    stranger = f.staff("other1", f.firm())
    with pytest.raises(NotFound):
        services.unit_update(actor=stranger, unit_id=unit.pk, data={"name": "x"})
    with pytest.raises(PermissionDenied):
        services.unit_update(actor=f.officer(), unit_id=unit.pk, data={"name": "x"})


def test_the_method_cannot_change_while_events_are_scored_by_the_other(me, firm) -> None:
    f.event(me, f.unit(me))
    with pytest.raises(Conflict) as caught:
        services.profile_set(actor=me, enterprise=firm, method="ls")
    assert caught.value.field == "method" and "重新评价" in caught.value.message
