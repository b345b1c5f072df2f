"""The orders area's contract (zhiben/tests_support/contract.py): every endpoint and page of orders, re-inspections
and an inspection's documents, by every outsider — an officer of another county, the county's officer of other
sectors, a township's officer, another member unit of the county, another enterprise — answers 404 and changes
nothing; the lists hide the order; their query counts do not grow with the rows.

``COVERED_HERE``: the orders area's routes under the inspection area's prefixes (``/api/v1/inspections``,
``/inspections/``), for that area's contract to name as covered ``elsewhere``."""

from __future__ import annotations

import datetime

from zhiben.accounts.models import User
from zhiben.common import dates
from zhiben.departments.models import DepartmentKind
from zhiben.inspections.services.orders import order_issue
from zhiben.tests_support import factories
from zhiben.tests_support.contract import COUNTY, Call, Listing, RegisterContract, Spec, Subject, World, api_count

from . import factories_orders as f

ORDER = "/api/v1/orders/{id}"
OF_INSPECTION = "/api/v1/inspections/{inspection}"


def make_order(world: World) -> Subject:
    """A rectification order at an inspection of the county's 应急管理局 (two certified officers) of the firm."""
    today = dates.today()
    inspection = f.inspection(world.officer, world.firm, on=today - datetime.timedelta(days=5), unit=f.department())
    f.finding(inspection, world.officer, title="安全出口堵塞")
    deadline = today + datetime.timedelta(days=20)
    order = order_issue(
        actor=world.officer, inspection_id=inspection.pk, data={"kind": "rectify", "deadline": deadline}
    )
    return Subject(order, {"id": order.pk, "inspection": inspection.pk})


def _other_unit(world: World) -> User:
    """An officer of the county's 住建局: another member unit, which leads none of the firm's sector."""
    user = factories.user("c-o-housing", role="officer", region=COUNTY)
    user.department = f.department(kind=DepartmentKind.HOUSING)
    user.save(update_fields=["department"])
    return user


REINSPECTION = {"on": dates.today().isoformat(), "passed": False, "verdict": "安全出口仍堵塞"}
MEASURES = {"kind": "measures", "measures": ["停止作业"]}

SPEC = Spec(
    name="inspection-orders",
    prefixes=(
        "/api/v1/orders",
        "/api/v1/inspections/{inspection_id}/orders",
        "/inspections/orders/",
        "/inspections/{inspection_id}/orders/",
    ),
    make=make_order,
    users={"other_unit": _other_unit},
    outside=("outsider", "other_enterprise", "sector_officer", "township_officer", "other_unit"),
    calls=(
        Call("GET", ORDER),
        Call("POST", f"{ORDER}/reinspections", body=REINSPECTION, refused=(404,)),
        Call("POST", f"{ORDER}/reinspections", body=REINSPECTION, upload="files", refused=(404,)),
        Call("GET", f"{OF_INSPECTION}/orders"),
        Call("POST", f"{OF_INSPECTION}/orders", body=MEASURES),
        # the inspection's documents (the documents engine's routes): the officer issues; the enterprise may
        # download only what was issued, so it is not asked here
        Call("GET", f"{OF_INSPECTION}/documents"),
        Call("GET", f"{OF_INSPECTION}/documents/rectify_order", inside=("officer",)),
        Call("GET", "/inspections/{inspection}/orders/"),
        Call("POST", "/inspections/{inspection}/orders/", body={**MEASURES, "measures": "停止作业"}),
        Call("GET", "/inspections/orders/{id}/print/"),
        Call("POST", "/inspections/orders/{id}/reinspection/", body=REINSPECTION),
        # a GET of the form's target goes to the order: a redirect for insiders, 404 for outsiders
        Call("GET", "/inspections/orders/{id}/reinspection/", inside=()),
        Call("GET", "/documents/inspections/{inspection}/inspection_record/", inside=("officer",)),
    ),
    lists=(
        Listing("/api/v1/orders", {"status": "open"}, count=api_count, baseline=7),
        Listing("/inspections/orders/", {}, marker="#order-{id}", baseline=5),
    ),
)

# For the inspection area's contract: these routes under its prefixes are this contract's.
COVERED_HERE = {
    "POST /api/v1/inspections/1/orders": "zhiben/inspections/tests/test_orders_contract.py",
    "GET /api/v1/inspections/1/orders": "zhiben/inspections/tests/test_orders_contract.py",
    "GET /inspections/1/orders/": "zhiben/inspections/tests/test_orders_contract.py",
    "GET /inspections/orders/": "zhiben/inspections/tests/test_orders_contract.py",
    "GET /inspections/orders/1/print/": "zhiben/inspections/tests/test_orders_contract.py",
    "POST /inspections/orders/1/reinspection/": "zhiben/inspections/tests/test_orders_contract.py",
}


class TestOrdersContract(RegisterContract):
    spec = SPEC
