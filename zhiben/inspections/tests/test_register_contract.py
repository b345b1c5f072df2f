"""The inspections app's register contracts, by register name (``SPECS``): the platform's own tests read each
register's spec from here (zhiben/notifications/tests/test_rules.py). Each area keeps its specs and contract tests
in its own module and names them here."""

from __future__ import annotations

from zhiben.tests_support.contract import Spec

from .test_register_contract_pen import EXPERT_SPEC, OFFICER_SPEC, PENALTY_SPEC, PLAN_SPEC

SPECS: dict[str, Spec] = {
    "penalty": PENALTY_SPEC,
    "inspection_plan": PLAN_SPEC,
    "law_officer": OFFICER_SPEC,
    "expert": EXPERT_SPEC,
}
