"""The risk register's writes: scoring and grading by the enterprise's method, the rule that a control measure
belongs to an event of a unit of the same enterprise, soft deletion down the chain, the grades that follow with
their reason, who may write, and bad input named field by field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhiben.audit.models import Event
from zhiben.common import kit
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


# --- the rule: a control measure belongs to an event of a unit of the same enterprise -----------------------------


def test_a_measure_of_a_deleted_event_is_refused_naming_the_event(me) -> None:
    unit = f.unit(me)
    event = f.event(me, unit)
    services.event_delete(actor=me, unit_id=unit.pk, event_id=event.pk)
    with pytest.raises(FieldErrors) as caught:
        f.measure(me, event)
    assert list(caught.value.errors) == ["event"]


def test_a_measure_for_another_enterprises_event_is_refused_naming_the_event(me) -> None:
    other_firm = f.firm()
    theirs = f.event(f.staff("other1", other_firm), f.unit(f.staff("other2", other_firm)))
    with pytest.raises(FieldErrors) as caught:
        f.measure(me, theirs)
    assert list(caught.value.errors) == ["event"]
    # an admin naming one enterprise and an event of another
    admin = f.admin()
    with pytest.raises(FieldErrors) as caught:
        f.measure(admin, theirs, enterprise=me.enterprise.credit_code)
    assert list(caught.value.errors) == ["event"]
    assert not ControlMeasure.objects.exists()
    made = f.measure(admin, theirs, enterprise=other_firm.credit_code)
    assert made.enterprise_id == other_firm.pk


def test_a_sub_class_of_another_class_is_refused_naming_it(me) -> None:
    event = f.event(me, f.unit(me))
    with pytest.raises(FieldErrors) as caught:
        f.measure(me, event, classify1="2", classify2="1-4")
    assert list(caught.value.errors) == ["classify2"] and "维护保养" in caught.value.errors["classify2"]
    with pytest.raises(FieldErrors) as caught:
        f.measure(me, event, classify1="9")
    assert list(caught.value.errors) == ["classify1"]
    measure = f.measure(me, event, classify1="维护保养", classify2="静设备")
    assert (measure.classify1, measure.classify2) == ("2", "2-2")
    with pytest.raises(FieldErrors):
        services.measure_update(actor=me, measure_id=measure.pk, data={"classify1": "3"})  # 2-2 is not of 3
    changed = services.measure_update(actor=me, measure_id=measure.pk, data={"classify1": "3", "classify2": "3-3"})
    assert (changed.classify1, changed.classify2) == ("3", "3-3")


# --- soft deletion ------------------------------------------------------------------------------------------------


def _task(firm: Any, measure: ControlMeasure) -> CheckTask:
    return CheckTask.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        measure=measure,
        content="巡检",
        cycle_value=1,
        cycle_unit="day",
        starts_on="2026-01-01",
    )


def test_deleting_an_event_or_a_measure_stops_their_tasks_and_marks_the_update(me, firm) -> None:
    unit = f.unit(me)
    event = f.event(me, unit)
    one, two = f.measure(me, event), f.measure(me, event, description="操作规程", classify1="3", classify2="3-2")
    first, second = _task(firm, one), _task(firm, two)
    before = ControlMeasure.objects.get(pk=one.pk).updated_at
    services.measure_delete(actor=me, measure_id=one.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.deleted and not first.active and second.active
    assert ControlMeasure.objects.get(pk=one.pk).updated_at > before  # the incremental feed sees the deletion
    with pytest.raises(NotFound):
        services.measure_update(actor=me, measure_id=one.pk, data={"description": "x"})
    services.event_delete(actor=me, unit_id=unit.pk, event_id=event.pk)
    second.refresh_from_db()
    assert second.deleted and ControlMeasure.objects.get(pk=two.pk).deleted
    assert Event.objects.filter(subject_type="risk_unit", kind="event_deleted", payload__tasks_stopped=1).exists()


# --- the grades that follow ---------------------------------------------------------------------------------------


def test_the_grade_falls_back_with_its_reason_when_the_red_event_goes(me, firm) -> None:
    tank, dock = f.unit(me), f.unit(me, name="装卸站台")
    red = f.event(me, tank, name="液氯储罐爆炸", l=6, e=6, c=40)  # 1440
    f.event(me, dock, name="槽车泄漏", l=3, e=3, c=15)  # 135 yellow
    profile = RiskProfile.objects.get(enterprise=firm)
    assert profile.grade == "red" and profile.grade_reason["worst"][0]["event"] == "液氯储罐爆炸"
    services.event_delete(actor=me, unit_id=tank.pk, event_id=red.pk)
    profile.refresh_from_db()
    tank.refresh_from_db()
    assert profile.grade == "yellow" and tank.grade == ""
    assert "装卸站台 · 槽车泄漏" in profile.grade_reason["text"] and "一般风险 1 项" in profile.grade_reason["text"]


# --- the settings -------------------------------------------------------------------------------------------------


def test_the_safety_manager_must_be_an_active_user_of_the_enterprise(me, firm) -> None:
    stranger = f.staff("other1", f.firm())
    gone = f.staff("gone1", firm)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    for name in (stranger.username, "gone1", "nobody", f.officer().username):
        with pytest.raises(FieldErrors) as caught:
            services.profile_set(actor=me, enterprise=firm, safety_manager=name)
        assert list(caught.value.errors) == ["safety_manager"]
    colleague = f.staff("chem2", firm)
    profile = services.profile_set(actor=me, enterprise=firm, safety_manager="chem2")
    assert profile.safety_manager_id == colleague.pk
    assert services.profile_set(actor=me, enterprise=firm, safety_manager="").safety_manager_id is None
    kinds = list(
        Event.objects.filter(subject_type="risk_profile", subject_id=str(firm.pk)).values_list("kind", flat=True)
    )
    assert kinds == ["set", "set"]


def test_the_method_changes_once_the_old_events_are_gone(me, firm) -> None:
    unit = f.unit(me)
    event = f.event(me, unit)
    with pytest.raises(Conflict):
        services.profile_set(actor=me, enterprise=firm, method="ls")
    services.event_delete(actor=me, unit_id=unit.pk, event_id=event.pk)
    assert services.profile_set(actor=me, enterprise=firm, method="ls").method == "ls"
    with pytest.raises(FieldErrors) as caught:
        services.profile_set(actor=me, enterprise=firm, method="abc")
    assert list(caught.value.errors) == ["method"]


def test_officers_may_not_change_the_settings_and_outsiders_do_not_find_them(me, firm) -> None:
    with pytest.raises(PermissionDenied):
        services.profile_set(actor=f.officer(), enterprise=firm, method="ls")
    with pytest.raises(NotFound):
        services.profile_set(actor=f.staff("other1", f.firm()), enterprise=firm.credit_code, method="ls")
    with pytest.raises(NotFound):
        services.profile_set(actor=f.officer("far1", region="110105"), enterprise=firm.pk, method="ls")


# --- who writes ---------------------------------------------------------------------------------------------------


def test_every_write_of_another_enterprises_user_is_404_and_of_an_officer_403(me, firm) -> None:
    unit = f.unit(me)
    event = f.event(me, unit)
    measure = f.measure(me, event)
    stranger, officer = f.staff("other1", f.firm()), f.officer()
    writes = [
        lambda a: services.unit_update(actor=a, unit_id=unit.pk, data={"name": "x"}),
        lambda a: services.unit_delete(actor=a, unit_id=unit.pk),
        lambda a: services.event_create(actor=a, unit_id=unit.pk, data={"name": "x", "l": 1, "e": 1, "c": 1}),
        lambda a: services.event_update(actor=a, unit_id=unit.pk, event_id=event.pk, data={"c": 40}),
        lambda a: services.event_delete(actor=a, unit_id=unit.pk, event_id=event.pk),
        lambda a: services.measure_update(actor=a, measure_id=measure.pk, data={"description": "x"}),
        lambda a: services.measure_delete(actor=a, measure_id=measure.pk),
    ]
    for write in writes:
        with pytest.raises(NotFound):
            write(stranger)
        with pytest.raises(PermissionDenied):
            write(officer)
    with pytest.raises(PermissionDenied):
        services.measure_create(
            actor=officer, data={"event": event.pk, "description": "x", "classify1": "1", "classify2": "1-1"}
        )
    with pytest.raises(PermissionDenied):
        services.unit_create(
            actor=officer, data={"enterprise": firm.credit_code, "name": "x", "department": "d", "responsible": "r"}
        )
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=officer, data={"name": "x", "department": "d", "responsible": "r"})
    assert RiskUnit.objects.get(pk=unit.pk).name == "液氯储罐区" and not RiskUnit.objects.get(pk=unit.pk).deleted


def test_an_admin_names_the_enterprise_of_a_new_unit(firm) -> None:
    admin = f.admin()
    with pytest.raises(FieldErrors) as caught:
        services.unit_create(actor=admin, data={"name": "x", "department": "d", "responsible": "r"})
    assert list(caught.value.errors) == ["enterprise"]
    unit = services.unit_create(
        actor=admin, data={"enterprise": firm.credit_code, "name": "x", "department": "d", "responsible": "r"}
    )
    assert unit.enterprise_id == firm.pk


def test_every_change_is_an_audit_event_of_the_unit_with_a_chinese_label(me) -> None:
    unit = f.unit(me)
    event = f.event(me, unit)
    measure = f.measure(me, event)
    services.unit_update(actor=me, unit_id=unit.pk, data={"department": "安全环保部"})
    services.event_update(actor=me, unit_id=unit.pk, event_id=event.pk, data={"name": "液氯泄漏"})
    services.measure_update(actor=me, measure_id=measure.pk, data={"content": "查液位计"})
    services.measure_delete(actor=me, measure_id=measure.pk)
    services.event_delete(actor=me, unit_id=unit.pk, event_id=event.pk)
    services.unit_delete(actor=me, unit_id=unit.pk)
    written = list(
        Event.objects.filter(subject_type="risk_unit", subject_id=str(unit.pk))
        .order_by("id")
        .values_list("kind", "payload")
    )
    assert [k for k, _ in written] == [
        "unit_created",
        "event_created",
        "measure_created",
        "unit_changed",
        "event_changed",
        "measure_changed",
        "measure_deleted",
        "event_deleted",
        "unit_deleted",
    ]
    for kind, payload in written:
        label, text = kit.event_view("risk_unit", kind, payload)
        assert label != "其他记录" and text, kind


def test_renaming_a_unit_renames_it_in_the_grade_reason(me, firm) -> None:
    unit = f.unit(me)
    f.event(me, unit)
    services.unit_update(actor=me, unit_id=unit.pk, data={"name": "一号液氯储罐"})
    reason = RiskProfile.objects.get(enterprise=firm).grade_reason
    assert reason["worst"][0]["unit"] == "一号液氯储罐" and "一号液氯储罐 · 液氯泄漏中毒" in reason["text"]
