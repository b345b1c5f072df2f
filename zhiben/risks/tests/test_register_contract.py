"""The dual-prevention registers' contract specs by register name (``SPECS``), as the platform's tests look them up
(zhiben/notifications/tests/test_rules.py ``contract_spec``). The exchange's record is the enterprise (its events are
the enterprise's); its calls and pages are tested in test_interface_contract.py."""

from __future__ import annotations

import dataclasses

from zhiben.tests_support.contract import Spec, Subject, World

from .test_interface_contract import SPEC as INTERFACE_SPEC
from .test_interface_contract import make_unit


def the_firm(world: World) -> Subject:
    """The firm (with a unit of its register, so that the exchange's calls have something to read and delete)."""
    unit = make_unit(world)
    return Subject(world.firm, unit.keys)


SPECS: dict[str, Spec] = {"risk_exchange": dataclasses.replace(INTERFACE_SPEC, make=the_firm)}
