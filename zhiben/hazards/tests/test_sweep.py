"""The escalation sweep: thresholds, idempotence, set-based insert, notifications, tamper evidence."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from zhiben.hazards.models import Escalation, Hazard, SweepRun
from zhiben.hazards.services import hazard_plan
from zhiben.hazards.sweep import sweep
from zhiben.notifications.models import Notification
from zhiben.tests_support import factories

from .conftest import new_hazard

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 6, 1)


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
        (0, []),  # due today: not overdue yet
        (1, ["reminder"]),
        (14, ["reminder"]),
        (15, ["reminder", "letter"]),
        (30, ["reminder", "letter", "circular"]),
        (60, ["reminder", "letter", "circular", "interview"]),
        (89, ["reminder", "letter", "circular", "interview"]),
        (90, ["reminder", "letter", "circular", "interview", "listing_proposed"]),
    ],
)
def test_the_ladder_follows_days_overdue(officer, firm, days, expected) -> None:
    h = overdue_by(days, officer, firm)
    sweep(today=DAY)
    assert sorted(steps(h)) == sorted(expected)


def test_only_major_hazards_are_proposed_for_listing(officer, firm) -> None:
    general = overdue_by(120, officer, firm, level="general", criterion="")
    sweep(today=DAY)
    assert "listing_proposed" not in steps(general) and "interview" in steps(general)


def test_a_second_run_adds_nothing(officer, firm) -> None:
    for d in (3, 20, 45, 100):
        overdue_by(d, officer, firm)
    first = sweep(today=DAY)
    assert sum(first.counts.values()) == 1 + 2 + 3 + 5
    second = sweep(today=DAY)
    assert sum(second.counts.values()) == 0 and second.notified == 0
    assert Escalation.objects.count() == 11


def test_closed_cancelled_and_undated_hazards_never_escalate(officer, firm) -> None:
    from zhiben.hazards.services import hazard_cancel

    h = overdue_by(40, officer, firm)
    hazard_cancel(hazard_id=h.pk, actor=officer, reason="误报")
    new_hazard(officer, firm, source="inspection", discovered_on="2025-01-01")  # no deadline
    assert sum(sweep(today=DAY).counts.values()) == 0


def test_a_revised_deadline_starts_the_ladder_again(officer, firm) -> None:
    h = overdue_by(20, officer, firm)
    sweep(today=DAY)
    assert sorted(steps(h)) == ["letter", "reminder"]
    hazard_plan(
        hazard_id=h.pk,
        actor=officer,
        responsible_person="p",
        measures="m",
        funds=None,
        deadline=str(DAY - datetime.timedelta(days=2)),
        interim_measures="i",
    )
    sweep(today=DAY)
    assert steps(h).count("reminder") == 2 and steps(h).count("letter") == 1


def test_thresholds_are_settings(officer, firm, settings) -> None:
    settings.ZHIBEN = {
        **settings.ZHIBEN,
        "ESCALATION_DAYS": {"reminder": 3, "letter": 7, "circular": 10, "interview": 20},
    }
    h = overdue_by(8, officer, firm)
    sweep(today=DAY)
    assert sorted(steps(h)) == ["letter", "reminder"]


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
    assert "提醒 4 条" in notes[officer.username].title  # three chemical firms' hazards and the machinery one
    assert "提醒 3 条" in notes[chem_officer.username].title  # only hazardous chemicals
    assert "函告 2 条" in notes[firm_user.username].title
    c = Client()
    c.force_login(officer)
    page = c.get("/notifications/").content.decode()
    assert "逾期隐患升级" in page
    assert '<span class="count">1</span>' in c.get("/").content.decode()
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
    assert ("escalated", "reminder") in kinds and ("escalated", "letter") in kinds
    assert "函告" in c.get(f"/hazards/{h.pk}/").content.decode()


def test_an_edited_or_deleted_escalation_is_found(officer, firm) -> None:
    overdue_by(40, officer, firm)
    sweep(today=DAY)
    call_command("verify_events")
    Escalation.objects.filter(step="letter").update(escalated_on="2020-01-01")
    with pytest.raises(CommandError, match="升级明细"):
        call_command("verify_events")


def test_the_command_takes_a_date(officer, firm, capsys) -> None:
    overdue_by(31, officer, firm)
    call_command("sweep", "--today", "2025-06-01")
    assert "通报 1" in capsys.readouterr().out
    assert SweepRun.objects.get().day == DAY
    with pytest.raises(CommandError):
        call_command("sweep", "--today", "June")


def test_the_periodic_task_runs_the_sweep(officer, firm) -> None:
    from zhiben.hazards.tasks import nightly_sweep

    new_hazard(officer, firm, source="inspection", discovered_on="2020-01-01", deadline="2020-03-01")
    result = nightly_sweep.call_local()
    assert result["reminder"] == 1 and result["listing_proposed"] == 1
