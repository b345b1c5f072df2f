"""No half-done writes, one winner among concurrent reviewers, a tamper-evident timeline."""

from __future__ import annotations

import threading
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection

from zhiben.audit.models import Event
from zhiben.common.errors import Conflict, PermissionDenied
from zhiben.common.inputs import parse
from zhiben.hazards.inputs import HazardPlan, HazardReviewDecision, HazardSubmission
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import hazard_attach, hazard_plan, hazard_review, hazard_submit
from zhiben.tests_support import factories, files

from .conftest import new_hazard


def _pending(firm, firm_user) -> Hazard:
    h = new_hazard(firm_user, firm)
    hazard_plan(
        hazard_id=h.pk,
        actor=firm_user,
        plan=parse(
            HazardPlan,
            {
                "responsible_person": "p",
                "measures": "m",
                "funds": None,
                "deadline": "2025-06-01",
                "interim_measures": "i",
            },
        ),
    )
    aid = hazard_attach(hazard_id=h.pk, actor=firm_user, uploads=[(BytesIO(files.jpeg()), "a.jpg", None)])[0].pk
    return hazard_submit(
        hazard_id=h.pk, actor=firm_user, submission=parse(HazardSubmission, {"summary": "done", "attachments": [aid]})
    )


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_make_exactly_one_transition(firm, firm_user) -> None:
    h = _pending(firm, firm_user)
    reviewers = [factories.user(f"rev{i}", role="officer", region="500241") for i in range(2)]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def review(user, decision):
        close_old_connections()
        try:
            barrier.wait()
            hazard_review(
                hazard_id=h.pk,
                actor=user,
                review=parse(HazardReviewDecision, {"decision": decision, "comment": "并发"}),
            )
            results.append("ok")
        except Conflict:
            results.append("409")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=review, args=(reviewers[0], "approve")),
        threading.Thread(target=review, args=(reviewers[1], "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["409", "ok"]
    decided = Event.objects.filter(subject_type="hazard", subject_id=str(h.pk), kind__in=["approved", "rejected"])
    assert decided.count() == 1
    call_command("verify_events")


@pytest.mark.django_db
def test_a_refused_step_changes_nothing(firm, firm_user) -> None:
    h = _pending(firm, firm_user)
    events = Event.objects.count()
    with pytest.raises(PermissionDenied):
        hazard_review(
            hazard_id=h.pk, actor=firm_user, review=parse(HazardReviewDecision, {"decision": "approve", "comment": ""})
        )
    assert Hazard.objects.get(pk=h.pk).status == "pending_review"
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_an_edited_hazard_event_is_found(firm, firm_user) -> None:
    h = _pending(firm, firm_user)
    submitted = Event.objects.get(subject_type="hazard", subject_id=str(h.pk), kind="submitted")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET payload = %s WHERE id = %s", ['{"summary": "改过了"}', submitted.pk])
    with pytest.raises(CommandError, match=f"#{submitted.pk}"):
        call_command("verify_events")


@pytest.mark.django_db
def test_the_database_refuses_a_major_hazard_without_a_clause(firm) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Hazard.objects.create(
            enterprise=firm,
            region_id=firm.region_id,
            sector_id=firm.sector_id,
            level="major",
            source="inspection",
            title="t",
            discovered_on="2025-01-01",
        )
