"""The dual-prevention registers' contract specs by register name, for the platform tests that find a register's
spec here (zhiben/notifications/tests/test_rules.py): each spec lives in its area's contract test."""

from __future__ import annotations

from zhiben.tests_support.contract import Spec

from .test_posts_contract import SPEC as POSTS_SPEC

SPECS: dict[str, Spec] = {"post": POSTS_SPEC}
