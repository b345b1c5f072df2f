"""The hazard register's contract (zhiben/tests_support/contract.py): every endpoint and page that takes a
hazard answers 404 to outsiders and changes nothing, the lists hide it, and their query counts hold."""

from __future__ import annotations

import io

from zhiben.common.inputs import parse
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.services import hazard_attach, hazard_create
from zhiben.hazards.views import ACTION_FORMS
from zhiben.tests_support import files
from zhiben.tests_support.contract import Call, Listing, RegisterContract, Spec, Subject, World, api_count

HAZARD = "/api/v1/hazards/{id}"
PAGE = "/hazards/{id}"
# Each step's body (valid, so that a scope hole would show as a change, not as a 422); the API refuses a field
# its step does not know, the page's form ignores it.
STEPS = {
    "plan": {"responsible_person": "陈建国", "measures": "更换报警器", "deadline": "2031-02-01"},
    "submit": {"summary": "已整改"},
    "review": {"decision": "approve", "comment": "同意"},
    "cancel": {"reason": "误报"},
    "supervise": {"level": "county"},
    "delist": {"on": "2025-01-03", "reason": "已整改销号"},
    "extension": {"deadline": "2031-03-01", "reason": "设备到货延迟"},
    "extension/decision": {"decision": "approve", "comment": "同意"},
    "reports": {"to": "regulator", "on": "2025-01-02"},
}
STEP = {k: v for body in STEPS.values() for k, v in body.items()}  # the pages' forms take what they know
NEW = {"title": "契约测试隐患", "level": "general", "source": "inspection", "discovered_on": "2025-01-01"}
CREATE = {"enterprise": "{credit_code}", **NEW}
OFFICERS_OUTSIDE = ("outsider", "sector_officer", "township_officer")
PAGE_STEPS = ("plan", "submit", "review", "cancel", "supervise", "delist", "extend", "decide_extension", "report")


def make_hazard(world: World, *, evidence: bool = True) -> Subject:
    hazard = hazard_create(
        actor=world.officer, report=parse(HazardReport, {"enterprise": world.firm.credit_code, **NEW})
    )
    keys = {
        "id": hazard.pk,
        "credit_code": world.firm.credit_code,
        "name": world.firm.name,
        "document": "listing_notice",
    }
    if evidence:
        upload = [(io.BytesIO(files.png()), "a.png", None)]
        keys["attachment_id"] = hazard_attach(hazard_id=hazard.pk, actor=world.officer, uploads=upload)[0].pk
    return Subject(hazard, keys)


def more_hazards(world: World, n: int) -> None:
    for _ in range(n):
        make_hazard(world, evidence=False)


SPEC = Spec(
    name="hazards",
    prefixes=("/api/v1/hazards", "/hazards/"),
    make=make_hazard,
    make_more=more_hazards,
    calls=(
        Call("GET", HAZARD),
        Call("GET", f"{HAZARD}/events/export"),
        Call("GET", f"{HAZARD}/attachments/{{attachment_id}}"),
        Call("POST", f"{HAZARD}/attachments", upload="file"),
        *(Call("POST", f"{HAZARD}/{step}", body=body) for step, body in STEPS.items()),
        Call("GET", f"{PAGE}/"),
        Call("GET", f"{PAGE}/?format=xlsx"),
        Call("GET", f"{PAGE}/files/{{attachment_id}}/"),
        Call("GET", f"{PAGE}/files/{{attachment_id}}/?thumb=1"),
        Call("POST", f"{PAGE}/attach/", upload="files"),
        *(Call("POST", f"{PAGE}/{step}/", body=STEP) for step in PAGE_STEPS),
        # creating for the firm: officers outside are refused (the enterprise is not theirs) and nothing is
        # made; an enterprise user always reports for its own enterprise (zhiben/hazards/tests/test_pages.py)
        Call("POST", "/api/v1/hazards", body=CREATE, outside=OFFICERS_OUTSIDE, refused=(403, 404, 422)),
        Call("POST", "/hazards/new/", body=CREATE, outside=OFFICERS_OUTSIDE, refused=(200, 403, 404, 422)),
        # the form and its options: the same for everyone, the firm's sector only to those who see the firm
        Call("GET", "/hazards/new/?enterprise={credit_code}", refused=(200,), hidden="{name}"),
        Call("GET", "/hazards/criteria-options/?enterprise={credit_code}", refused=(200,)),
        # documents (issue 10, item 6; generic routes, the register named by the path): tested once they
        # exist. A document is issued only in some states: insiders are the documents' own tests.
        Call("GET", f"{HAZARD}/documents", inside=("officer",), optional=True),
        Call("GET", f"{HAZARD}/documents/{{document}}", inside=(), optional=True),
        Call("GET", "/documents/hazards/{id}/{document}/", inside=(), optional=True),
    ),
    # the public list of listings (no login, nothing private): zhiben/hazards/tests/test_closed_loop.py
    elsewhere={"GET /hazards/listings/": "test_the_public_list_shows_current_listings_only"},
    lists=(
        Listing("/api/v1/hazards", {"enterprise": "{credit_code}"}, count=api_count, baseline=5),
        Listing("/api/v1/hazards/export", {"enterprise": "{credit_code}"}, marker="{credit_code}", baseline=4),
        Listing("/hazards/", {"enterprise": "{credit_code}"}, marker='href="/hazards/{id}/"', baseline=9),
        Listing("/hazards/?format=xlsx", {"enterprise": "{credit_code}"}, marker="{credit_code}", baseline=4),
    ),
)


class TestHazardContract(RegisterContract):
    spec = SPEC


def test_every_page_step_is_in_the_contract() -> None:
    """The page's steps share one route (``/hazards/<id>/<action>/``): the spec names each of them."""
    assert set(ACTION_FORMS) | {"attach"} == {*PAGE_STEPS, "attach"}
