"""The demo's inspections (zhiben/demo/inspections_insp.py): the county's officers with their certificates, an
expert tied to the demo enterprise, a completed inspection with two findings (one major citing its clause) and
an open one from the demo's tip; a second seeding adds nothing; the event chain holds."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from zhiben.inspections.models import EnforcementTally, ExpertRelation, Inspection, LawOfficer

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_inspection_done_and_one_from_a_tip() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    certificates = dict(LawOfficer.objects.filter(user__isnull=False).values_list("user__username", "certificate_no"))
    assert certificates == {"county": "渝应急执500201", "county2": "渝应急执500202", "chem": "渝应急执500203"}
    assert ExpertRelation.objects.filter(enterprise__credit_code="91500241MA5U0DEM30").count() == 1
    done = Inspection.objects.get(client_key="demo-inspection-completed-0001")
    assert done.status == "done" and done.acknowledged_by
    hazards = sorted((f.hazard.level, bool(f.hazard.criterion_id), f.hazard.source) for f in done.findings.all())
    assert hazards == [("general", False, "inspection"), ("major", True, "inspection")]
    assert not done.items.filter(result="pending").exists()
    from_tip = Inspection.objects.get(client_key="demo-inspection-from-tip-00001")
    assert (from_tip.kind, from_tip.status, from_tip.tip_id is not None) == ("tip", "open", True)
    counts = (Inspection.objects.count(), LawOfficer.objects.count(), EnforcementTally.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Inspection.objects.count(), LawOfficer.objects.count(), EnforcementTally.objects.count()) == counts
    call_command("verify_events", stdout=io.StringIO())
