"""The four-colour map's contract (zhiben/tests_support/contract.py): a unit's place, the layout, the risk map and
the 4张清单 are seen by the officers of the enterprise's region and sectors and by its own users, written by its own
users only (403 for the officer); to everyone else every endpoint and page answers 404 and changes nothing, and the
region page does not show the enterprise."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from zhiben.risks.services.map import layout_upload
from zhiben.tests_support import files
from zhiben.tests_support.contract import Call, Listing, RegisterContract, Spec, Subject, World

from .factories_map import unit

UNIT = "/api/v1/risk-units/{id}"
FIRM = "/api/v1/enterprises/{credit_code}"
MAP = "/risks/enterprises/{credit_code}/map/"
ENTERPRISE_ONLY = ("enterprise",)


def make_unit(world: World) -> Subject:
    """A red unit of the world's firm, on a layout its user uploaded."""
    made = unit(world.firm, f"契约单元{world.firm.pk}-{id(world) % 1000}", grade="red")
    layout = SimpleUploadedFile("layout.png", files.png(), content_type="image/png")
    layout_upload(actor=world.users["enterprise"], enterprise=world.firm, upload=layout)
    return Subject(made, {"id": made.pk, "credit_code": world.firm.credit_code, "name": made.name})


SPEC = Spec(
    name="risk-map",
    # the unit's placement and 4张清单 within the risk-unit API, the map page within the enterprise's pages
    prefixes=(
        "/api/v1/risk-units/{unit_id}/place",
        "/api/v1/risk-units/{unit_id}/four-lists.docx",
        "/risks/enterprises/{credit_code}/map",
        "/risks/region/",
    ),
    make=make_unit,
    calls=(
        Call("PUT", f"{UNIT}/place", body={"x": 0.5, "y": 0.25}),
        Call("DELETE", f"{UNIT}/place"),
        Call("GET", f"{UNIT}/four-lists.docx"),
        Call("GET", f"{FIRM}/risk-map"),
        Call("GET", f"{FIRM}/layout"),
        Call("POST", f"{FIRM}/layout", upload="file"),
        Call("POST", MAP, body={"action": "layout"}, upload="file"),
        Call("GET", MAP),
        Call("POST", MAP, body={"action": "place", "unit": "{id}", "x": "0.1", "y": "0.9"}),
        Call("POST", MAP, body={"action": "unplace", "unit": "{id}"}),
    ),
    lists=(
        # the region page is the officers' (an enterprise user gets 404 there)
        Listing(
            "/risks/region/", marker='href="/risks/enterprises/{credit_code}/map/"', inside=("officer",), baseline=8
        ),
    ),
    elsewhere={
        "GET /risks/enterprises/1/posts/": "the posts pages: zhiben/risks/tests/test_posts_contract.py",
        "POST /risks/enterprises/1/posts/": "the posts pages: zhiben/risks/tests/test_posts_contract.py",
        "GET /risks/enterprises/1/posts/1/edit/": "the posts pages: zhiben/risks/tests/test_posts_contract.py",
        "POST /risks/enterprises/1/posts/1/edit/": "the posts pages: zhiben/risks/tests/test_posts_contract.py",
    },
)


class TestRiskMapContract(RegisterContract):
    spec = SPEC
