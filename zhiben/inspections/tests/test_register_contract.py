"""The inspections app's register contracts by register name (``SPECS``): the platform's tests that go through
every register (zhiben/notifications/tests/test_rules.py) find each one's spec here. Each area keeps its own
contract test module (test_draws_contract.py …); this module only names them."""

from __future__ import annotations

from .test_draws_contract import SPEC as DRAW_SPEC
from .test_inspections_contract import SPEC as INSPECTION_SPEC
from .test_register_contract_pen import EXPERT_SPEC, OFFICER_SPEC, PENALTY_SPEC, PLAN_SPEC

SPECS = {
    "draw": DRAW_SPEC,
    "inspection": INSPECTION_SPEC,
    "penalty": PENALTY_SPEC,
    "inspection_plan": PLAN_SPEC,
    "law_officer": OFFICER_SPEC,
    "expert": EXPERT_SPEC,
}
