"""The contract (zhiben/tests_support/contract.py) of the risk register: a unit with its event and measure is seen
by the officers of its county (all sectors, or its sector), by its enterprise and admins; officers of another county,
of another sector or of a township below, and another enterprise's user get 404 on every endpoint and page and change
nothing. Officers in scope read but may not write (403, ``test_register_services``)."""

from __future__ import annotations

import dataclasses

from zhiben.risks.models import RiskUnit
from zhiben.risks.services import register as services
from zhiben.tests_support.contract import Call, Listing, RegisterContract, Spec, Subject, World, api_count

from .test_interface_contract import SPEC as INTERFACE_SPEC
from .test_interface_contract import make_unit as make_exchanged_unit
from .test_posts_contract import SPEC as POSTS_SPEC

UNIT = "/api/v1/risk-units/{id}"
EVENT = "/api/v1/risk-units/{id}/events/{event}"
MEASURE = "/api/v1/control-measures/{measure}"
PROFILE = "/api/v1/enterprises/{credit_code}/risk-profile"
PAGE = "/risks/enterprises/{credit_code}/"
EVENT_BODY = {"name": "液氯泄漏中毒", "l": 3, "e": 6, "c": 15}
MEASURE_BODY = {"description": "设置泄漏报警", "classify1": "1", "classify2": "1-4"}


def make_unit(world: World) -> Subject:
    admin = world.users["admin"]
    n = RiskUnit.objects.count()
    body = {"enterprise": world.firm.credit_code, "name": f"契约单元{n}", "department": "储运", "responsible": "王强"}
    unit = services.unit_create(actor=admin, data=body)
    event = services.event_create(actor=admin, unit_id=unit.pk, data=EVENT_BODY)
    measure = services.measure_create(actor=admin, data={"event": event.pk, **MEASURE_BODY})
    keys = {
        "id": unit.pk,
        "event": event.pk,
        "measure": measure.pk,
        "credit_code": world.firm.credit_code,
        "name": unit.name,
    }
    return Subject(unit, keys)


SPEC = Spec(
    name="risk-units",
    prefixes=("/api/v1/risk-units", "/api/v1/control-measures", PAGE.replace("{credit_code}/", "{credit_code}")),
    make=make_unit,
    # the areas under the register's prefixes that other contracts take (map, posts, tasks, exchange)
    excluding=(
        "/api/v1/risk-units/{unit_id}/place",
        "/api/v1/risk-units/{unit_id}/four-lists.docx",
        "/risks/enterprises/{credit_code}/map",
        "/risks/enterprises/{credit_code}/posts",
        "/risks/enterprises/{credit_code}/tasks",
        "/risks/enterprises/{credit_code}/exchange",
    ),
    calls=(
        Call("GET", UNIT),
        Call("PATCH", UNIT, body={"name": "改名"}),
        Call("DELETE", UNIT),
        Call("GET", "/api/v1/risk-units/{id}/events"),
        Call("POST", "/api/v1/risk-units/{id}/events", body=EVENT_BODY),
        Call("PATCH", EVENT, body={"c": 40}),
        Call("DELETE", EVENT),
        Call("GET", MEASURE),
        Call("PATCH", MEASURE, body={"description": "改"}),
        Call("DELETE", MEASURE),
        # creating under the record: the event is named as a field (422), the enterprise too
        Call("POST", "/api/v1/control-measures", body={"event": "{event}", **MEASURE_BODY}, refused=(422,)),
        Call(
            "POST",
            "/api/v1/risk-units",
            body={"enterprise": "{credit_code}", "name": "x", "department": "d", "responsible": "r"},
            refused=(422,),
        ),
        Call("GET", PROFILE),
        Call("PUT", PROFILE, body={"method": "lec"}),
        Call("GET", PAGE),
        Call("POST", PAGE, body={"action": "unit_edit", "target": "{id}", "name": "改", "department": "d"}),
        Call("POST", PAGE, body={"action": "event_delete", "target": "{event}"}),
        Call("POST", PAGE, body={"action": "measure_delete", "target": "{measure}"}),
    ),
    lists=(
        Listing("/api/v1/risk-units", {"enterprise": "{credit_code}"}, count=api_count, baseline=8),
        Listing("/api/v1/risk-units", {"q": "{name}"}, count=api_count),
        Listing("/api/v1/control-measures", {"unit": "{id}"}, count=api_count, baseline=6),
        Listing("/risks/", {"q": "{credit_code}"}, marker="risks/enterprises/{credit_code}/", baseline=12),
    ),
)


class TestRiskRegisterContract(RegisterContract):
    spec = SPEC


def the_firm(world: World) -> Subject:
    """The exchange's record: the firm (with a unit of its register, so that its calls have a row to read and
    delete); its calls and pages are tested in test_interface_contract.py."""
    unit = make_exchanged_unit(world)
    return Subject(world.firm, unit.keys)


# The platform tests that find a register's spec here (zhiben/notifications/tests/test_rules.py) by register name.
SPECS: dict[str, Spec] = {
    "risk_unit": SPEC,
    "post": POSTS_SPEC,
    "risk_exchange": dataclasses.replace(INTERFACE_SPEC, make=the_firm),
}
