"""The inspections app's register contracts by register name (``SPECS``): the platform's tests that go through
every register (zhiben/notifications/tests/test_rules.py) find each one's spec here. Each area keeps its own
contract test module (test_draws_contract.py …); this module only names them."""

from __future__ import annotations

from .test_draws_contract import SPEC as DRAW_SPEC

SPECS = {"draw": DRAW_SPEC}
