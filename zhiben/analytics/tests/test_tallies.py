"""The summary counts never drift from the rows: random sequences of transitions (hypothesis stateful)."""

from __future__ import annotations

import contextlib
import datetime
import itertools
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from zhiben.analytics.models import HazardTally
from zhiben.analytics.tallies import rebuild_tallies, tally_drift
from zhiben.common.errors import DomainError
from zhiben.common.inputs import parse
from zhiben.hazards.inputs import (
    HazardCancellation,
    HazardPlan,
    HazardReport,
    HazardReviewDecision,
    HazardSubmission,
    HazardSupervision,
)
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import (
    hazard_attach,
    hazard_cancel,
    hazard_create,
    hazard_plan,
    hazard_review,
    hazard_submit,
    hazard_supervise,
)
from zhiben.tests_support import factories, files

_serials = itertools.count()
dates = st.dates(min_value=datetime.date(2022, 1, 1), max_value=datetime.date(2025, 12, 31))


class Transitions(RuleBasedStateMachine):
    """Creates hazards and pushes them through random steps; after each, counts == rows."""

    @initialize()
    def world(self) -> None:
        self.firms = [
            factories.enterprise(region="500241", sector="hazardous_chemicals"),
            factories.enterprise(region="110105", sector="machinery"),
        ]
        serial = next(_serials)
        self.officer = factories.user(f"o{serial}", role="admin")
        self.other = factories.user(f"p{serial}", role="admin")
        self.ids: list[int] = []

    @rule(
        firm=st.integers(0, 1),
        major=st.booleans(),
        discovered=dates,
        days=st.one_of(st.none(), st.integers(0, 300)),
        source=st.sampled_from(["self_check", "inspection", "tip", "other"]),
    )
    def create(self, firm, major, discovered, days, source) -> None:
        f = self.firms[firm]
        deadline = None if days is None else discovered + datetime.timedelta(days=days)
        h = hazard_create(
            actor=self.officer,
            report=parse(
                HazardReport,
                {
                    "enterprise": f.credit_code,
                    "title": "t",
                    "level": "major" if major else "general",
                    "source": source,
                    "discovered_on": discovered,
                    "deadline": deadline,
                    "criterion": factories.criterion_for(f.sector_id, discovered) if major else "",
                },
            ),
        )
        self.ids.append(h.pk)

    def _try(self, fn) -> None:
        with contextlib.suppress(DomainError):  # a refused step changes nothing: the invariant checks that too
            fn()

    @precondition(lambda self: self.ids)
    @rule(i=st.integers(0, 10**6), days=st.integers(0, 400))
    def plan(self, i, days) -> None:
        h = Hazard.objects.get(pk=self.ids[i % len(self.ids)])
        self._try(
            lambda: hazard_plan(
                hazard_id=h.pk,
                actor=self.officer,
                plan=parse(
                    HazardPlan,
                    {
                        "responsible_person": "p",
                        "measures": "m",
                        "funds": None,
                        "deadline": h.discovered_on + datetime.timedelta(days=days),
                        "interim_measures": "i",
                    },
                ),
            )
        )

    @precondition(lambda self: self.ids)
    @rule(i=st.integers(0, 10**6))
    def submit(self, i) -> None:
        hid = self.ids[i % len(self.ids)]

        def go():
            ids = [
                a.pk
                for a in hazard_attach(
                    hazard_id=hid, actor=self.officer, uploads=[(BytesIO(files.png()), "a.png", None)]
                )
            ]
            hazard_submit(
                hazard_id=hid,
                actor=self.officer,
                submission=parse(HazardSubmission, {"summary": "s", "attachments": ids}),
            )

        self._try(go)

    @precondition(lambda self: self.ids)
    @rule(i=st.integers(0, 10**6), approve=st.booleans())
    def review(self, i, approve) -> None:
        hid = self.ids[i % len(self.ids)]
        self._try(
            lambda: hazard_review(
                hazard_id=hid,
                actor=self.other,
                review=parse(HazardReviewDecision, {"decision": "approve" if approve else "reject", "comment": "c"}),
            )
        )

    @precondition(lambda self: self.ids)
    @rule(i=st.integers(0, 10**6))
    def cancel(self, i) -> None:
        hid = self.ids[i % len(self.ids)]
        self._try(
            lambda: hazard_cancel(
                hazard_id=hid, actor=self.officer, cancellation=parse(HazardCancellation, {"reason": "r"})
            )
        )

    @precondition(lambda self: self.ids)
    @rule(i=st.integers(0, 10**6), level=st.sampled_from(["county", "city", "province"]))
    def supervise(self, i, level) -> None:
        hid = self.ids[i % len(self.ids)]
        self._try(
            lambda: hazard_supervise(
                hazard_id=hid, actor=self.officer, supervision=parse(HazardSupervision, {"level": level})
            )
        )

    @invariant()
    def counts_match_rows(self) -> None:
        assert tally_drift() == []


@pytest.mark.django_db
def test_counts_never_drift_from_the_rows() -> None:
    run_state_machine_as_test(
        Transitions,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


@pytest.mark.django_db
def test_check_summaries_finds_drift_and_rebuild_mends_it(officer, firm) -> None:
    hazard_create(
        actor=officer,
        report=parse(
            HazardReport,
            {
                "enterprise": firm.credit_code,
                "title": "t",
                "level": "general",
                "source": "inspection",
                "discovered_on": "2025-01-01",
            },
        ),
    )
    call_command("check_summaries")
    HazardTally.objects.filter(day="0001-01-01").update(total=99)
    with pytest.raises(CommandError, match="不一致"):
        call_command("check_summaries")
    call_command("check_summaries", "--rebuild")
    call_command("check_summaries")


@pytest.mark.django_db
def test_bulk_generated_hazards_are_counted_after_a_rebuild() -> None:
    call_command("generate_demo", "--enterprises", "50", "--hazards", "400", "--seed", "2")
    assert tally_drift() == []
    rebuild_tallies()
    assert tally_drift() == []


@pytest.mark.django_db
def test_history_before_a_rebuild_is_refused_not_shown_as_empty(officer, settings) -> None:
    """A rebuild counts every hazard as that day's change: earlier days are unknown, so ``as_of`` before
    it answers 422 and what the system knew at a past deadline is "unknown", never "cleared"; whether the
    stock was cleared follows business dates and is answered from the rows (issue 11)."""
    from zhiben.analytics.selectors import hazard_stats, zeroing
    from zhiben.common.errors import FieldErrors
    from zhiben.hazards import rules

    call_command("generate_demo", "--enterprises", "30", "--hazards", "200", "--region", "500241", "--seed", "3")
    yesterday = rules.today() - datetime.timedelta(days=1)
    with pytest.raises(FieldErrors) as refused:
        hazard_stats(actor=officer, as_of=yesterday)
    assert "重建" in refused.value.errors["as_of"]
    counted = Hazard.objects.exclude(status="cancelled").count()
    assert hazard_stats(actor=officer, as_of=rules.today())["totals"]["total"] == counted > 0
    settings.ZHIBEN = {**settings.ZHIBEN, "STOCK_DEADLINE": str(yesterday)}
    stock = zeroing(actor=officer)["stock"]
    assert stock["recorded_open_at_deadline"] is None
    assert stock["remaining_at_deadline"] > 0 and stock["cleared_by_deadline"] is False


@pytest.mark.django_db
def test_migrate_counts_hazards_the_counts_have_never_seen() -> None:
    """An upgrade that brings a new summary table fills it: ``migrate`` recounts when counts are missing."""
    from django.apps import apps

    from zhiben.analytics.apps import count_hazards_not_counted
    from zhiben.analytics.models import EnterpriseDeadline

    call_command("generate_demo", "--enterprises", "20", "--hazards", "100", "--region", "500241", "--seed", "4")
    EnterpriseDeadline.objects.all().delete()
    assert tally_drift() != []
    count_hazards_not_counted(apps.get_app_config("analytics"), apps=apps, verbosity=0)
    assert tally_drift() == []
