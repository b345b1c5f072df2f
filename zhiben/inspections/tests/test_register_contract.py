"""The inspections app's register specs by register name (``SPECS``), for the platform's generic tests of every
register (zhiben/notifications/tests/test_rules.py: each rule reaches exactly the users in scope of a record the
spec makes). The contracts themselves run in each area's module (test_orders_contract.py …).

``order``: the orders area's spec without its extra outsider of another member unit (the ladder's digests are
counted by region and sector, as for every register; the unit's narrowing is the pages' and the API's, tested in
test_orders_contract.py). ``inspection``: the inspection an order of that spec is issued at."""

from __future__ import annotations

import dataclasses

from zhiben.inspections.models import Order
from zhiben.tests_support.contract import Spec, Subject, World

from .test_draws_contract import SPEC as DRAW_SPEC
from .test_orders_contract import SPEC as ORDERS_SPEC
from .test_orders_contract import make_order
from .test_register_contract_pen import EXPERT_SPEC, OFFICER_SPEC, PENALTY_SPEC, PLAN_SPEC
from .test_stats_contract import SPEC as ENFORCEMENT_STATS


def make_inspection(world: World) -> Subject:
    order = make_order(world).obj
    assert isinstance(order, Order)
    return Subject(order.inspection, {"id": order.inspection.pk})


SPECS: dict[str, Spec] = {
    "draw": DRAW_SPEC,
    "enforcement": ENFORCEMENT_STATS,
    "order": dataclasses.replace(
        ORDERS_SPEC, users={}, outside=tuple(u for u in ORDERS_SPEC.outside if u != "other_unit")
    ),
    "inspection": Spec(name="inspections", prefixes=("/api/v1/inspections",), make=make_inspection),
    "penalty": PENALTY_SPEC,
    "inspection_plan": PLAN_SPEC,
    "law_officer": OFFICER_SPEC,
    "expert": EXPERT_SPEC,
}
