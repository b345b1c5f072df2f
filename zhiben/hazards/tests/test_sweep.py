"""The escalation sweep: thresholds, idempotence, set-based insert, notifications, tamper evidence."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from zhiben.common.inputs import parse
from zhiben.escalation.engine import sweep
from zhiben.hazards.inputs import (
    HazardCancellation,
    HazardExtension,
    HazardExtensionDecision,
    HazardSupervision,
)
from zhiben.hazards.models import Escalation, Hazard, SweepRun
from zhiben.hazards.services import hazard_extension_decide, hazard_extension_request
from zhiben.notifications.models import Notification
from zhiben.tests_support import factories

from .conftest import new_hazard

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _no_plan_ladder(settings) -> None:
    """The rectification ladder alone: these hazards are major and have no plan, so the plan ladder (a
    source of its own, zhiben/hazards/tests/test_closed_loop.py) would add its own rows and digests."""
    settings.ZHIBEN = {**settings.ZHIBEN, "PLAN_DAYS": 36500}


def overdue_by(days: int, actor, firm, **over) -> Hazard:
    deadline = DAY - datetime.timedelta(days=days)
    fields = {
        "source": "inspection",
        "discovered_on": str(deadline - datetime.timedelta(days=10)),
        "deadline": str(deadline),
        **over,
    }
    return new_hazard(actor, firm, **fields)


def steps(h: Hazard) -> list[str]:
    return list(h.escalations.order_by("id").values_list("step", flat=True))


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, ["due_soon"]),  # due today: not overdue yet, reminded (临期提醒)
        (1, ["reminder"]),
        (14, ["reminder"]),
        (15, ["letter"]),
        (29, ["letter"]),
        (30, ["circular"]),
        (60, ["interview"]),
        (89, ["interview"]),
        (90, ["interview", "listing_proposed"]),
    ],
)
def test_a_late_entered_hazard_starts_on_the_rung_it_has_reached(officer, firm, days, expected) -> None:
    h = overdue_by(days, officer, firm)
    sweep(today=DAY)
    assert sorted(steps(h)) == sorted(expected)


def test_day_by_day_a_hazard_climbs_every_rung(officer, firm) -> None:
    h = overdue_by(0, officer, firm)
    for offset in range(0, 95):
        sweep(today=DAY + datetime.timedelta(days=offset))
    assert steps(h) == ["due_soon", "reminder", "letter", "circular", "interview", "listing_proposed"]
    assert list(h.escalations.values_list("escalated_on", flat=True)) == [
        DAY + datetime.timedelta(days=d) for d in (0, 1, 15, 30, 60, 90)
    ]


def test_only_major_hazards_are_proposed_for_listing(officer, firm) -> None:
    general = overdue_by(120, officer, firm, level="general", criterion="")
    sweep(today=DAY)
    assert "listing_proposed" not in steps(general) and "interview" in steps(general)


def test_a_second_run_adds_nothing(officer, firm) -> None:
    for d in (3, 20, 45, 100):
        overdue_by(d, officer, firm)
    first = sweep(today=DAY)
    assert first.counts("hazard") == {
        "due_soon": 0,
        "reminder": 1,
        "letter": 1,
        "circular": 1,
        "interview": 1,
        "listing_proposed": 1,
    }
    second = sweep(today=DAY)
    assert sum(second.counts("hazard").values()) == 0 and second.notified == 0
    assert Escalation.objects.count() == 5


def test_closed_cancelled_and_undated_hazards_never_escalate(officer, firm) -> None:
    from zhiben.hazards.services import hazard_cancel

    h = overdue_by(40, officer, firm)
    second = factories.user("o-second", role="officer", region="500241")
    for who in (officer, second):  # a major hazard is cancelled by two officers
        hazard_cancel(hazard_id=h.pk, actor=who, cancellation=parse(HazardCancellation, {"reason": "误报"}))
    new_hazard(officer, firm, source="inspection", discovered_on="2025-01-01")  # no deadline
    assert sum(sweep(today=DAY).counts("hazard").values()) == 0


def test_a_revised_deadline_starts_the_ladder_again(officer, firm, firm_user) -> None:
    # an enterprise's own deadline (self-check), so that it may still be extended once passed
    h = overdue_by(20, officer, firm, source="self_check")
    sweep(today=DAY)
    assert steps(h) == ["letter"]
    new_deadline = DAY - datetime.timedelta(days=2)
    hazard_extension_request(
        hazard_id=h.pk,
        actor=firm_user,
        extension=parse(HazardExtension, {"deadline": str(new_deadline), "reason": "设备到货延迟"}),
    )
    hazard_extension_decide(
        hazard_id=h.pk,
        actor=officer,
        decision=parse(HazardExtensionDecision, {"decision": "approve", "comment": "同意"}),
    )
    sweep(today=DAY)
    assert steps(h) == ["letter", "reminder"]  # the letter on the old deadline stays
    assert h.escalations.get(step="reminder").deadline == new_deadline


def test_thresholds_are_settings(officer, firm, settings) -> None:
    settings.ZHIBEN = {
        **settings.ZHIBEN,
        "ESCALATION_DAYS": {"reminder": 3, "letter": 7, "circular": 10, "interview": 20},
    }
    h = overdue_by(8, officer, firm)
    sweep(today=DAY)
    assert steps(h) == ["letter"]


def test_each_responsible_user_gets_one_digest(
    officer, outsider, chem_officer, firm, firm_user, admin_user, township
) -> None:
    machinery = factories.enterprise(region="500241", sector="machinery")
    town = factories.user("town5", role="officer", region=township)
    for d in (2, 20, 40):
        overdue_by(d, officer, firm)
    new_hazard(
        officer,
        machinery,
        source="inspection",
        level="general",
        criterion="",
        discovered_on="2025-01-01",
        deadline="2025-05-01",
    )
    result = sweep(today=DAY)
    notes = {n.user.username: n for n in Notification.objects.select_related("user")}
    assert set(notes) == {officer.username, chem_officer.username, firm_user.username, admin_user.username}
    assert outsider.username not in notes and town.username not in notes
    assert result.notified == 4
    # overdue by 2, 20 and 40 days at the chemical firm (reminder, letter, circular), the machinery one by 31
    assert notes[officer.username].title.endswith("提醒 1 条，函告 1 条，通报 2 条")
    assert notes[chem_officer.username].title.endswith("提醒 1 条，函告 1 条，通报 1 条")  # only hazardous chemicals
    assert notes[firm_user.username].title.endswith("提醒 1 条，函告 1 条，通报 1 条")
    c = Client()
    c.force_login(officer)
    page = c.get("/notifications/").content.decode()
    assert "逾期隐患升级" in page
    assert '<span class="count" id="unread-count">1</span>' in c.get("/").content.decode()
    c.post("/notifications/read-all/")
    assert '<span class="count">' not in c.get("/").content.decode()


def test_mail_goes_out_when_configured(officer, firm, settings) -> None:
    settings.ZHIBEN_EMAIL_ENABLED = True
    officer.email = "county@example.gov.cn"
    officer.save()
    overdue_by(5, officer, firm)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        sweep(today=DAY)
    assert [m.to for m in mail.outbox] == [["county@example.gov.cn"]]
    assert "逾期隐患升级" in mail.outbox[0].subject


def test_escalations_show_in_the_timeline(officer, firm) -> None:
    h = overdue_by(16, officer, firm)
    sweep(today=DAY)
    c = Client()
    c.force_login(officer)
    events = c.get(f"/api/v1/hazards/{h.pk}").json()["events"]
    kinds = [(e["kind"], e["payload"].get("step")) for e in events]
    assert ("escalated", "letter") in kinds
    assert "函告" in c.get(f"/hazards/{h.pk}/").content.decode()


def test_an_edited_or_deleted_escalation_is_found(officer, firm) -> None:
    overdue_by(40, officer, firm)
    sweep(today=DAY)
    call_command("verify_events")
    Escalation.objects.filter(step="circular").update(escalated_on="2020-01-01")
    with pytest.raises(CommandError, match="升级明细"):
        call_command("verify_events")


def test_the_command_takes_a_date(officer, firm, capsys) -> None:
    overdue_by(31, officer, firm)
    call_command("sweep", "--today", "2025-06-01")
    assert "通报 1" in capsys.readouterr().out
    assert {run.day for run in SweepRun.objects.all()} == {DAY}  # a run per deadline source
    with pytest.raises(CommandError):
        call_command("sweep", "--today", "June")


def test_the_periodic_task_runs_the_sweep(officer, firm) -> None:
    from zhiben.escalation.tasks import nightly_sweep

    new_hazard(officer, firm, source="inspection", discovered_on="2020-01-01", deadline="2020-03-01")
    result = nightly_sweep.call_local()
    assert result["hazard"]["interview"] == 1 and result["hazard"]["listing_proposed"] == 1


def test_a_shrunk_range_a_deleted_row_or_a_forged_row_is_found(officer, firm) -> None:
    h = overdue_by(40, officer, firm)
    overdue_by(100, officer, firm)
    run = sweep(today=DAY).sources["hazard"].run
    assert run.first_id is not None and run.last_id is not None and run.last_id - run.first_id == 2
    SweepRun.objects.filter(pk=run.pk).update(last_id=run.first_id)  # hide the later rows
    call_command("verify_events")  # the range is read from the chained event, not from this row
    Escalation.objects.filter(pk=run.last_id).delete()
    with pytest.raises(CommandError, match="升级明细"):
        call_command("verify_events")
    Escalation.objects.create(
        hazard=h,
        step="letter",
        deadline=h.deadline or DAY,
        escalated_on=DAY,
        sweep=run,
        region_id=h.region_id,
        sector_id=h.sector_id,
        enterprise_id=h.enterprise_id,
    )
    with pytest.raises(CommandError):
        call_command("verify_events")


@pytest.mark.parametrize(("days_ahead", "reminded"), [(0, True), (3, True), (4, False)])
def test_a_deadline_a_few_days_ahead_gets_one_reminder_before_it(officer, firm, days_ahead, reminded) -> None:
    deadline = DAY + datetime.timedelta(days=days_ahead)
    h = new_hazard(officer, firm, source="inspection", discovered_on="2025-05-01", deadline=str(deadline))
    sweep(today=DAY)
    assert steps(h) == (["due_soon"] if reminded else [])
    sweep(today=DAY + datetime.timedelta(days=1))  # the next day adds no second reminder
    assert steps(h).count("due_soon") <= 1


def test_reminders_before_a_deadline_are_a_setting(officer, firm, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "REMIND_BEFORE_DAYS": 0}
    h = new_hazard(officer, firm, source="inspection", discovered_on="2025-05-01", deadline=str(DAY))
    result = sweep(today=DAY)
    assert steps(h) == [] and "due_soon" not in result.counts("hazard")


def test_a_hazard_entered_late_gets_no_reminder_before_its_past_deadline(officer, firm) -> None:
    h = overdue_by(2, officer, firm)
    sweep(today=DAY)
    assert steps(h) == ["reminder"]


def test_a_reminder_before_the_deadline_is_not_called_an_escalation(officer, firm) -> None:
    h = new_hazard(officer, firm, source="inspection", discovered_on="2025-05-01", deadline=str(DAY))
    sweep(today=DAY)
    note = Notification.objects.get(user=officer)
    assert note.title == f"{DAY:%Y-%m-%d} 隐患整改期限临近：临期提醒 1 条" and "逾期" not in note.title
    assert note.link == "/hazards/?status=active&overdue=false"
    c = Client()
    c.force_login(officer)
    events = c.get(f"/api/v1/hazards/{h.pk}").json()["events"]
    soon = next(e for e in events if e["kind"] == "escalated")
    assert soon["label"] == "期限督办" and soon["text"] == f"临期提醒，整改期限 {DAY:%Y-%m-%d}"
    assert "超过整改期限" not in c.get(f"/hazards/{h.pk}/").content.decode()


def test_a_hazard_already_listed_is_not_proposed_for_listing_again(officer, firm) -> None:
    from zhiben.hazards.services import hazard_supervise

    listed = overdue_by(120, officer, firm)
    hazard_supervise(
        hazard_id=listed.pk,
        actor=officer,
        supervision=parse(HazardSupervision, {"level": "county", "listed_on": str(DAY)}),
    )
    unlisted = overdue_by(120, officer, firm)
    sweep(today=DAY)
    assert "listing_proposed" not in steps(listed) and "listing_proposed" in steps(unlisted)
