"""The demo's orders: written through the services on their days, once; a late re-inspection, a failed one with its
penalty proposed, one still within its deadline for the enterprise."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from zhiben.audit.models import Event
from zhiben.demo.inspections_orders import DEMO_ENTERPRISE, seed_inspection_orders
from zhiben.departments.services import departments_seed
from zhiben.inspections.models import EnforcementTally, Order, OrderStatus
from zhiben.notifications.todo import todo_for
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_the_countys_orders_once() -> None:
    admin = factories.user("demo-admin", role="admin")
    departments_seed(actor=admin, region="500241")
    county = factories.user("county", role="officer", region="500241")
    demo = factories.enterprise(region="500241", sector="hazardous_chemicals", credit_code=DEMO_ENTERPRISE)
    firm_user = factories.user("firm", role="enterprise", enterprise=demo)
    factories.enterprise(region="500241", sector="hazardous_chemicals", name="秀山县另一化工有限公司")
    seed_inspection_orders(admin=admin)
    counts = (Order.objects.count(), Event.objects.count())
    seed_inspection_orders(admin=admin)
    assert (Order.objects.count(), Event.objects.count()) == counts
    assert sorted(Order.objects.values_list("kind", "status")) == [
        ("measures", OrderStatus.OPEN),
        ("rectify", OrderStatus.FAILED),
        ("rectify", OrderStatus.OPEN),
        ("rectify", OrderStatus.OPEN),
    ]
    kinds = {item["kind"] for item in todo_for(county).items}
    assert {"order_reinspection", "order_penalty_proposed"} <= kinds
    assert {item["kind"] for item in todo_for(firm_user).items} >= {"order_to_fulfil"}
    assert sum(EnforcementTally.objects.values_list("inspections", flat=True)) == 3
    call_command("verify_events", stdout=io.StringIO())
