"""The inspections app's register contracts by register name (``SPECS``), as the platform's tests look them up
(zhiben/notifications/tests/test_rules.py): each area keeps its own in its test module."""

from __future__ import annotations

from zhiben.tests_support.contract import Spec

from .test_stats_contract import SPEC as ENFORCEMENT_STATS

SPECS: dict[str, Spec] = {"enforcement": ENFORCEMENT_STATS}
