"""Every transition, allowed and refused, for every role (DESIGN.md §3 lifecycle)."""

from __future__ import annotations

import itertools
from io import BytesIO

import pytest

from zhiben.common.errors import Conflict, PermissionDenied
from zhiben.common.inputs import parse
from zhiben.hazards.inputs import HazardCancellation, HazardPlan, HazardReport, HazardReviewDecision, HazardSubmission
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import (
    hazard_attach,
    hazard_cancel,
    hazard_create,
    hazard_plan,
    hazard_review,
    hazard_submit,
)
from zhiben.tests_support import factories, files

pytestmark = pytest.mark.django_db

STATES = ["open_major", "open_general", "rectifying", "pending_review", "closed", "cancelled"]
ACTIONS = ["plan", "submit", "approve", "reject", "cancel"]
ROLES = ["enterprise", "officer", "tip_handler", "admin"]
REGULATORS = {"officer", "tip_handler", "admin"}

# The expected outcome, written out by hand from DESIGN.md §3 (not derived from the code's table):
# the resulting status, "403" (role may not) or "409" (wrong state).
EXPECTED: dict[tuple[str, str], str] = {
    ("open_major", "plan"): "rectifying",
    ("open_general", "plan"): "rectifying",
    ("rectifying", "plan"): "rectifying",
    ("open_general", "submit"): "closed",
    ("rectifying", "submit"): "pending_review",
    ("pending_review", "approve"): "closed",
    ("pending_review", "reject"): "rectifying",
    ("open_major", "cancel"): "cancelled",
    ("open_general", "cancel"): "cancelled",
    ("rectifying", "cancel"): "cancelled",
    ("pending_review", "cancel"): "cancelled",
}
REGULATOR_ONLY = {"approve", "reject", "cancel"}


def expected(state: str, action: str, role: str) -> str:
    if action in REGULATOR_ONLY and role not in REGULATORS:
        return "403"
    return EXPECTED.get((state, action), "409")


@pytest.fixture
def world(township):
    firm = factories.enterprise(region="500241", sector="hazardous_chemicals")
    users = {
        "enterprise": factories.user("e1", role="enterprise", enterprise=firm),
        "officer": factories.user("o1", role="officer", region="500241"),
        "tip_handler": factories.user("t1", role="tip_handler", region="500241"),
        "admin": factories.user("a1", role="admin"),
    }
    return firm, users


def make(state: str, firm, users) -> Hazard:
    ent = users["enterprise"]
    level = "general" if state == "open_general" else "major"
    h = hazard_create(
        actor=ent,
        report=parse(
            HazardReport,
            {
                "enterprise": firm.credit_code,
                "title": "t",
                "level": level,
                "source": "self_check",
                "discovered_on": "2025-01-01",
                "criterion": "SAWS121C-2" if level == "major" else "",
            },
        ),
    )
    if state in ("open_major", "open_general"):
        return h
    hazard_plan(
        hazard_id=h.pk,
        actor=ent,
        plan=parse(
            HazardPlan,
            {
                "responsible_person": "p",
                "measures": "m",
                "funds": None,
                "deadline": "2025-03-01",
                "interim_measures": "i",
            },
        ),
    )
    if state == "rectifying":
        return h
    if state == "cancelled":  # a major hazard: proposed by one officer, confirmed by another
        for who in ("officer", "tip_handler"):
            h = hazard_cancel(
                hazard_id=h.pk, actor=users[who], cancellation=parse(HazardCancellation, {"reason": "误报"})
            )
        return h
    aid = hazard_attach(hazard_id=h.pk, actor=ent, uploads=[(BytesIO(files.jpeg()), "a.jpg", None)])[0].pk
    hazard_submit(
        hazard_id=h.pk, actor=ent, submission=parse(HazardSubmission, {"summary": "done", "attachments": [aid]})
    )
    if state == "pending_review":
        return h
    return hazard_review(
        hazard_id=h.pk,
        actor=users["admin"],
        review=parse(HazardReviewDecision, {"decision": "approve", "comment": "ok"}),
    )


def act(action: str, h: Hazard, user, users=None) -> Hazard:
    if action == "cancel" and h.level == "major" and users and user.role in REGULATORS:
        # cancelling a major hazard takes two regulators (issue 11): another one proposes first
        other = users["admin"] if user.role != "admin" else users["officer"]
        hazard_cancel(hazard_id=h.pk, actor=other, cancellation=parse(HazardCancellation, {"reason": "不构成"}))
    if action == "plan":
        return hazard_plan(
            hazard_id=h.pk,
            actor=user,
            plan=parse(
                HazardPlan,
                {
                    "responsible_person": "p",
                    "measures": "m",
                    "funds": "1",
                    # not later than the plan's 2025-03-01: a deadline moves later only by an extension
                    "deadline": "2025-02-20",
                    "interim_measures": "i",
                },
            ),
        )
    if action == "submit":
        ids = list(h.attachments.values_list("pk", flat=True))
        if h.level == "major" and not ids:
            ids = (
                [hazard_attach(hazard_id=h.pk, actor=user, uploads=[(BytesIO(files.png()), "b.png", None)])[0].pk]
                if h.status in ("open", "rectifying", "pending_review")
                else []
            )
        return hazard_submit(
            hazard_id=h.pk, actor=user, submission=parse(HazardSubmission, {"summary": "s", "attachments": ids})
        )
    if action in ("approve", "reject"):
        return hazard_review(
            hazard_id=h.pk, actor=user, review=parse(HazardReviewDecision, {"decision": action, "comment": "意见"})
        )
    return hazard_cancel(hazard_id=h.pk, actor=user, cancellation=parse(HazardCancellation, {"reason": "误报"}))


@pytest.mark.parametrize(("state", "action", "role"), list(itertools.product(STATES, ACTIONS, ROLES)))
def test_transition(world, state, action, role) -> None:
    firm, users = world
    h = make(state, firm, users)
    before = Hazard.objects.get(pk=h.pk).status
    outcome = expected(state, action, role)
    if outcome == "403":
        with pytest.raises(PermissionDenied):
            act(action, h, users[role], users)
    elif outcome == "409":
        with pytest.raises(Conflict):
            act(action, h, users[role], users)
    else:
        assert act(action, h, users[role], users).status == outcome
        return
    assert Hazard.objects.get(pk=h.pk).status == before


def test_a_submitter_cannot_approve_their_own_submission(world) -> None:
    firm, users = world
    officer = users["officer"]
    h = make("rectifying", firm, users)
    aid = hazard_attach(hazard_id=h.pk, actor=officer, uploads=[(BytesIO(files.jpeg()), "a.jpg", None)])[0].pk
    hazard_submit(
        hazard_id=h.pk, actor=officer, submission=parse(HazardSubmission, {"summary": "我来提交", "attachments": [aid]})
    )
    with pytest.raises(PermissionDenied):
        hazard_review(
            hazard_id=h.pk, actor=officer, review=parse(HazardReviewDecision, {"decision": "approve", "comment": ""})
        )
    assert (
        hazard_review(
            hazard_id=h.pk,
            actor=users["tip_handler"],
            review=parse(HazardReviewDecision, {"decision": "approve", "comment": ""}),
        ).status
        == "closed"
    )


def test_a_major_close_out_needs_evidence(world) -> None:
    from zhiben.common.errors import FieldErrors

    firm, users = world
    h = make("rectifying", firm, users)
    with pytest.raises(FieldErrors) as err:
        hazard_submit(
            hazard_id=h.pk,
            actor=users["enterprise"],
            submission=parse(HazardSubmission, {"summary": "done", "attachments": []}),
        )
    assert "attachments" in err.value.errors


def test_evidence_of_another_hazard_does_not_count(world) -> None:
    from zhiben.common.errors import FieldErrors

    firm, users = world
    a = make("rectifying", firm, users)
    b = make("rectifying", firm, users)
    foreign = hazard_attach(
        hazard_id=b.pk, actor=users["enterprise"], uploads=[(BytesIO(files.jpeg()), "x.jpg", None)]
    )[0].pk
    with pytest.raises(FieldErrors):
        hazard_submit(
            hazard_id=a.pk,
            actor=users["enterprise"],
            submission=parse(HazardSubmission, {"summary": "done", "attachments": [foreign]}),
        )


def test_the_plan_deadline_becomes_the_hazards_deadline(world) -> None:
    firm, users = world
    h = make("open_major", firm, users)
    h = hazard_plan(
        hazard_id=h.pk,
        actor=users["officer"],
        plan=parse(
            HazardPlan,
            {
                "responsible_person": "p",
                "measures": "m",
                "funds": "5",
                "deadline": "2025-02-15",
                "interim_measures": "i",
            },
        ),
    )
    assert str(h.deadline) == "2025-02-15"


def test_a_major_plan_needs_interim_measures(world) -> None:
    from zhiben.common.errors import FieldErrors

    firm, users = world
    h = make("open_major", firm, users)
    plan = {"responsible_person": "p", "measures": "m", "funds": "-1", "deadline": "2024-01-01", "interim_measures": ""}
    with pytest.raises(FieldErrors) as err:  # the input's own limits
        parse(HazardPlan, plan)
    assert set(err.value.errors) == {"funds"}
    with pytest.raises(FieldErrors) as err:  # what the hazard asks, named at once
        hazard_plan(hazard_id=h.pk, actor=users["enterprise"], plan=parse(HazardPlan, {**plan, "funds": "1"}))
    assert set(err.value.errors) == {"interim_measures", "deadline"}
