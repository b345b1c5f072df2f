"""The demo (seed_demo) shows every part of the enforcement statistics to the county's officers: a unit that
inspected without penalising, a closure proposal and one short of it, a 有问题查不出 item; its tallies equal a
recount of its records; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from zhiben.accounts.models import User
from zhiben.inspections.models import EnforcementTally, Inspection
from zhiben.inspections.selectors.stats import enforcement_stats, self_check_missed, tally_drift

pytestmark = pytest.mark.django_db


def test_the_demo_has_something_in_every_part_of_the_statistics() -> None:
    call_command("seed_demo")
    rows = (Inspection.objects.count(), EnforcementTally.objects.count())
    call_command("seed_demo")
    assert (Inspection.objects.count(), EnforcementTally.objects.count()) == rows
    assert tally_drift() == []
    office = User.objects.get(username="office")
    body = enforcement_stats(actor=office)
    assert body["totals"]["inspections"] >= 12 and body["totals"]["penalties"] >= 7
    assert [u["name"] for u in body["zero_penalty"]["departments"]] == ["秀山土家族苗族自治县住房和城乡建设局"]
    assert len(body["closure_proposals"]) == 1 and body["closure_proposals"][0]["rule"] == "3/180d"
    assert len(body["approaching"]) >= 1
    assert self_check_missed(actor=office)["count"] >= 1
    housing = User.objects.get(username="housing")
    own = enforcement_stats(actor=housing)
    assert own["unit_default"] is True and own["totals"]["penalties"] == 0 and own["totals"]["inspections"] >= 1
