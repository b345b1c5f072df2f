"""The demo's plans: the Chongqing plan through the parser, a county plan under it at every stage; run twice, the
second run adds nothing."""

from __future__ import annotations

import pytest

from zhiben.demo.plans import seed_plans
from zhiben.plans.models import Plan, Task
from zhiben.plans.selectors import task_list
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db


def test_the_demo_plans_are_seeded_once_at_every_stage() -> None:
    admin = factories.user("demo-admin", role="admin")
    seed_plans(admin=admin)
    counts = (Plan.objects.count(), Task.objects.count())
    seed_plans(admin=admin)
    assert (Plan.objects.count(), Task.objects.count()) == counts
    city = Plan.objects.get(region_id="50")
    county = Plan.objects.get(region_id="500241")
    assert county.parent == city
    assert city.tasks.count() >= 100  # the 22 main tasks and the task list's rows
    assert city.tasks.filter(units__department__isnull=False).exists()
    states = set(county.tasks.values_list("status", flat=True))
    assert {"in_progress", "done", "accepted"} <= states
    assert task_list(actor=admin, plan=county.pk, overdue=True).exists()
