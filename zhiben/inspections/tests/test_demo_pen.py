"""The demo's enforcement data (zhiben/demo/inspections_pen.py): officers, experts, this year's plan with progress,
a daily penalty and the tip's penalty — through the services, and nothing added by a second run."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from zhiben.audit.models import Event
from zhiben.common import dates, kit
from zhiben.inspections.models import EnforcementTally, Expert, InspectionPlan, LawOfficer, Penalty
from zhiben.inspections.selectors.plans import plan_progress

pytestmark = pytest.mark.django_db
MINE = ("law_officer", "expert", "inspection_plan", "penalty", "inspection")


def test_the_demo_seeds_the_countys_enforcement_once() -> None:
    call_command("seed_demo")
    assert LawOfficer.objects.filter(certificate_no__startswith="渝应急执5004").count() == 6
    # the demo officers' logins go to the first area's demo that names them (a user is one officer at most)
    assert LawOfficer.objects.filter(user__username="county").count() == 1
    assert Expert.objects.filter(region_id="500241").count() >= 3
    plan = InspectionPlan.objects.get(year=dates.today().year, department__name="秀山土家族苗族自治县应急管理局")
    progress = plan_progress(plan)
    assert progress.totals["planned"] > 0 and progress.totals["done"] > 0
    daily = Penalty.objects.get(daily=True)
    assert daily.inspection_id is not None and daily.major_hazard
    linked = Penalty.objects.get(tip__isnull=False)
    tip = linked.tip
    assert tip is not None
    assert tip.fine == linked.amount
    assert EnforcementTally.objects.filter(penalties__gt=0).exists()
    # every event written reads in Chinese on a timeline (the inspection's catalogue is the inspections area's)
    for event in Event.objects.filter(subject_type__in=MINE).exclude(subject_type="inspection"):
        assert kit.event_view(event.subject_type, event.kind, event.payload)[0] != "其他记录", event.kind
    assert kit.event_view("tip", "fine_set", {"fine": "1.00", "penalties": 1})[0] == "罚款金额按行政处罚登记更新"
    events = Event.objects.filter(subject_type__in=MINE).count()
    call_command("seed_demo")
    assert Event.objects.filter(subject_type__in=MINE).count() == events
    call_command("verify_events")
