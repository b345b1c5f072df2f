"""The two hazard services an inspection's enforcement calls (issue 14): ``hazard_order`` (责令限期整改 sets the
regulator-owned deadline) and ``hazard_close_on_reinspection`` (a passed 复查 is the officer's review)."""

from __future__ import annotations

import datetime
import io

import pytest

from zhiben.analytics.tallies import tally_drift
from zhiben.audit.models import Event
from zhiben.common.errors import Conflict, FieldErrors, PermissionDenied
from zhiben.common.inputs import parse
from zhiben.hazards import rules
from zhiben.hazards.inputs import HazardSubmission
from zhiben.hazards.models import AttachmentKind, Status
from zhiben.hazards.services import hazard_close_on_reinspection, hazard_order, hazard_submit
from zhiben.tests_support import factories, files

from .conftest import evidence, new_hazard, planned

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 4, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch) -> datetime.date:
    monkeypatch.setattr(rules, "today", lambda: TODAY)
    return TODAY


def kinds(hazard) -> list[str]:
    return list(Event.objects.filter(subject_type="hazard", subject_id=str(hazard.pk)).values_list("kind", flat=True))


def photo() -> tuple[io.BytesIO, str, int]:
    content = files.jpeg()
    return io.BytesIO(content), "after.jpg", len(content)


# ------------------------------------------------------------------------------------------ hazard_order
def test_an_order_sets_a_deadline_where_there_was_none(officer, firm) -> None:
    hazard = new_hazard(officer, firm, source="inspection", level="general")
    ordered = hazard_order(hazard_id=hazard.pk, actor=officer, deadline=datetime.date(2025, 4, 30), order_ref="order:7")
    assert ordered.deadline == datetime.date(2025, 4, 30)
    assert rules.deadline_owner(ordered) == rules.REGULATOR
    event = Event.objects.get(subject_type="hazard", subject_id=str(hazard.pk), kind="deadline_ordered")
    assert event.payload == {"deadline": "2025-04-30", "previous": None, "order": "order:7"}
    assert tally_drift() == []


def test_an_order_moves_a_later_deadline_earlier_and_refuses_to_move_one_later(officer, firm) -> None:
    hazard = new_hazard(officer, firm, source="inspection", level="general", deadline="2025-05-31")
    hazard_order(hazard_id=hazard.pk, actor=officer, deadline=datetime.date(2025, 4, 20), order_ref="order:1")
    hazard.refresh_from_db()
    assert hazard.deadline == datetime.date(2025, 4, 20)
    with pytest.raises(FieldErrors) as refused:
        hazard_order(hazard_id=hazard.pk, actor=officer, deadline=datetime.date(2025, 4, 21), order_ref="order:2")
    assert "deadline" in refused.value.errors and "延期" in refused.value.errors["deadline"]
    hazard.refresh_from_db()
    assert hazard.deadline == datetime.date(2025, 4, 20)
    # the same day again is recorded and changes nothing
    hazard_order(hazard_id=hazard.pk, actor=officer, deadline=datetime.date(2025, 4, 20), order_ref="order:3")
    assert kinds(hazard).count("deadline_ordered") == 2


def test_an_order_before_discovery_or_past_the_longest_period_is_refused(officer, firm) -> None:
    hazard = new_hazard(officer, firm, source="inspection", level="general", discovered_on="2025-03-01")
    for day in (datetime.date(2025, 2, 28), datetime.date(2026, 5, 1)):
        with pytest.raises(FieldErrors) as refused:
            hazard_order(hazard_id=hazard.pk, actor=officer, deadline=day, order_ref="order:1")
        assert set(refused.value.errors) == {"deadline"}
    hazard.refresh_from_db()
    assert hazard.deadline is None and "deadline_ordered" not in kinds(hazard)


def test_only_a_regulator_in_scope_orders_and_only_what_is_still_to_rectify(officer, outsider, firm, firm_user) -> None:
    hazard = new_hazard(officer, firm, source="inspection", level="general")
    day = datetime.date(2025, 4, 30)
    with pytest.raises(PermissionDenied):
        hazard_order(hazard_id=hazard.pk, actor=firm_user, deadline=day, order_ref="order:1")
    from zhiben.common.errors import NotFound

    with pytest.raises(NotFound):
        hazard_order(hazard_id=hazard.pk, actor=outsider, deadline=day, order_ref="order:1")
    hazard_submit(hazard_id=hazard.pk, actor=firm_user, submission=parse(HazardSubmission, {"summary": "已整改"}))
    with pytest.raises(Conflict):
        hazard_order(hazard_id=hazard.pk, actor=officer, deadline=day, order_ref="order:1")


# ------------------------------------------------------------------------------ hazard_close_on_reinspection
def test_a_general_finding_open_is_closed_on_the_reinspection_day(officer, firm) -> None:
    hazard = new_hazard(officer, firm, source="inspection", level="general", deadline="2025-03-20")
    closed = hazard_close_on_reinspection(
        hazard_id=hazard.pk, actor=officer, verdict="已整改到位", on=datetime.date(2025, 3, 19)
    )
    assert closed.status == Status.CLOSED
    assert closed.submitted_on == closed.closed_on == datetime.date(2025, 3, 19)
    assert rules.closed_on_time(closed)
    assert kinds(hazard)[-2:] == ["closed_on_reinspection", "closed"]
    assert tally_drift() == []


def test_a_major_finding_without_evidence_is_refused_naming_files(officer, firm) -> None:
    hazard = new_hazard(officer, firm, source="inspection", level="major")
    with pytest.raises(FieldErrors) as refused:
        hazard_close_on_reinspection(hazard_id=hazard.pk, actor=officer, verdict="合格", on=TODAY)
    assert set(refused.value.errors) == {"files"}
    hazard.refresh_from_db()
    assert hazard.status == Status.OPEN and "closed" not in kinds(hazard)


def test_a_major_finding_closes_with_the_photos_of_the_reinspection(officer, firm) -> None:
    hazard = new_hazard(officer, firm, source="inspection", level="major")
    closed = hazard_close_on_reinspection(
        hazard_id=hazard.pk, actor=officer, verdict="报警器已更换", on=TODAY, files=[photo()]
    )
    assert closed.status == Status.CLOSED
    assert list(closed.attachments.values_list("kind", flat=True)) == [AttachmentKind.EVIDENCE]
    assert kinds(hazard)[-3:] == ["attachment_added", "closed_on_reinspection", "closed"]


def test_a_pending_review_is_approved_by_the_reinspection_not_by_its_submitter(officer, firm) -> None:
    second = factories.user("officer2", role="officer", region="500241")
    hazard = planned(officer, new_hazard(officer, firm, source="inspection", level="major"))
    attachment = evidence(officer, hazard)
    submission = parse(HazardSubmission, {"summary": "已更换", "attachments": [attachment]})
    hazard_submit(hazard_id=hazard.pk, actor=officer, submission=submission)  # an officer keying it in
    with pytest.raises(PermissionDenied):
        hazard_close_on_reinspection(hazard_id=hazard.pk, actor=officer, verdict="合格", on=TODAY)
    hazard.refresh_from_db()
    submitted_on = hazard.submitted_on
    assert submitted_on is not None
    closed = hazard_close_on_reinspection(
        hazard_id=hazard.pk, actor=second, verdict="合格", on=TODAY - datetime.timedelta(days=3)
    )
    assert closed.status == Status.CLOSED and closed.submitted_on == submitted_on
    assert closed.closed_on == max(TODAY - datetime.timedelta(days=3), submitted_on)
    assert tally_drift() == []


def test_a_reinspection_day_in_the_future_or_before_discovery_is_refused(officer, firm) -> None:
    hazard = new_hazard(officer, firm, source="inspection", level="general", discovered_on="2025-03-01")
    for day in (TODAY + datetime.timedelta(days=1), datetime.date(2025, 2, 1)):
        with pytest.raises(FieldErrors) as refused:
            hazard_close_on_reinspection(hazard_id=hazard.pk, actor=officer, verdict="合格", on=day)
        assert set(refused.value.errors) == {"on"}


def test_an_enterprise_user_cannot_close_on_reinspection(officer, firm, firm_user) -> None:
    hazard = new_hazard(officer, firm, source="inspection", level="general")
    with pytest.raises(PermissionDenied):
        hazard_close_on_reinspection(hazard_id=hazard.pk, actor=firm_user, verdict="合格", on=TODAY)
