"""The national interface's and the exchange page's contract (zhiben/tests_support/contract.py): an enterprise's
dual-prevention data is read by the officers of its region and sectors and by its own users, imported by its own
users only (an officer in scope: 403); to everyone else every call answers 404 and changes nothing."""

from __future__ import annotations

from zhiben.risks.models import RiskUnit
from zhiben.risks.services.interface import dual_prevention_import
from zhiben.tests_support.contract import Call, RegisterContract, Spec, Subject, World

API = "/api/v1/enterprises/{credit_code}/dual-prevention.json"
PAGE = "/risks/enterprises/{credit_code}/exchange/"
UNIT = {"id": "C-1", "riskUnitName": "契约罐区", "hazardDep": "储运车间", "hazardLiablePerson": "张三"}


def make_unit(world: World) -> Subject:
    dual_prevention_import(
        actor=world.users["enterprise"], credit_code=world.firm.credit_code, document={"riskUnit": [UNIT]}
    )
    unit = RiskUnit.objects.get(enterprise=world.firm, external_id="C-1")
    return Subject(unit, {"id": unit.pk, "credit_code": world.firm.credit_code})


DELETE = {"riskUnit": [{"id": "C-1", "deleted": "1"}]}

SPEC = Spec(
    name="dual-prevention",
    prefixes=(API, "/risks/enterprises/{credit_code}/exchange/"),
    make=make_unit,
    calls=(
        Call("GET", API),
        Call("GET", f"{API}?since=2026-01-01 00:00:00"),
        Call("POST", API, body=DELETE, inside=("enterprise",)),
        Call("POST", API, body=DELETE, inside=(), outside=("officer",), refused=(403,)),
        Call("GET", PAGE),
        Call("GET", f"{PAGE}dual-prevention.json"),
        Call("GET", f"{PAGE}dual-prevention.json?since=2026-01-01 00:00:00"),
        Call("GET", f"{PAGE}register.xlsx"),
        Call("GET", f"{PAGE}records.xlsx?from=2026-11-01&to=2026-11-30"),
        Call("POST", PAGE, upload="document", inside=("enterprise",)),
        Call("POST", PAGE, upload="document", inside=(), outside=("officer",), refused=(403,)),
    ),
)


class TestDualPreventionContract(RegisterContract):
    spec = SPEC
