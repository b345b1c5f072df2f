"""The accident register's contract (zhiben/tests_support/contract.py): every endpoint and page that takes
an accident answers 404 to outsiders and changes nothing, the lists hide it, and their query counts hold."""

from __future__ import annotations

import datetime

from django.utils import timezone

from zhiben.accidents.inputs import AccidentReport
from zhiben.accidents.services import accident_create
from zhiben.common.inputs import parse
from zhiben.tests_support.contract import Call, Listing, RegisterContract, Spec, Subject, World, api_count

ACCIDENT = "/api/v1/accidents/{id}"
YESTERDAY = timezone.localtime(timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
SUPPLEMENT = {
    "deaths": 5,
    "serious_injuries": 0,
    "direct_loss": "1000",
    "note": "补报",
    "reported_on": timezone.localdate().isoformat(),
}
NEW = {
    "enterprise": "{credit_code}",
    "occurred_at": YESTERDAY,
    "deaths": 1,
    "serious_injuries": 0,
    "direct_loss": "1000",
    "description": "车间起重机吊物坠落",
}
OFFICERS_OUTSIDE = ("outsider", "sector_officer", "township_officer")
NOW = timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M")
TODAY = timezone.localdate().isoformat()
RELAY = {"level": "city", "reported_at": NOW}
INVESTIGATION = {"submitted_on": TODAY, "verified_grade": "general"}
EXTENSION = {"days": 10, "reason": "技术鉴定"}
REPLY = {"replied_on": TODAY}


def make_accident(world: World) -> Subject:
    data = {**NEW, "enterprise": world.firm.credit_code, "occurred_at": timezone.now() - datetime.timedelta(days=1)}
    accident = accident_create(actor=world.officer, report=parse(AccidentReport, data))
    return Subject(accident, {"id": accident.pk, "credit_code": world.firm.credit_code, "name": world.firm.name})


SPEC = Spec(
    name="accidents",
    prefixes=("/api/v1/accidents", "/accidents/"),
    make=make_accident,
    calls=(
        Call("GET", ACCIDENT),
        Call("POST", f"{ACCIDENT}/supplements", body=SUPPLEMENT),
        Call("GET", "/accidents/{id}/"),
        Call("POST", "/accidents/{id}/supplement/", body=SUPPLEMENT),
        # the government's steps (第十条, 第二十九条, 第三十二条): outsiders see nothing and change nothing
        Call("POST", f"{ACCIDENT}/relays", body=RELAY),
        Call("POST", f"{ACCIDENT}/investigation", body=INVESTIGATION),
        Call("POST", f"{ACCIDENT}/investigation/extension", body=EXTENSION),
        Call("POST", f"{ACCIDENT}/reply", body=REPLY),
        Call("POST", f"{ACCIDENT}/reply/extension", body=EXTENSION),
        Call("POST", "/accidents/{id}/relay/", body=RELAY),
        Call("POST", "/accidents/{id}/investigation/", body=INVESTIGATION),
        Call(
            "POST",
            "/accidents/{id}/investigation_extension/",
            body=EXTENSION,
        ),
        Call("POST", "/accidents/{id}/reply/", body=REPLY),
        Call("POST", "/accidents/{id}/reply_extension/", body=EXTENSION),
        # reporting one for the firm: officers outside are refused and nothing is recorded (an enterprise
        # user reports for its own enterprise only: zhiben/accidents/tests/test_pages.py)
        Call("POST", "/api/v1/accidents", body=NEW, outside=OFFICERS_OUTSIDE, refused=(403, 404, 422)),
        Call("POST", "/accidents/new/", body=NEW, outside=OFFICERS_OUTSIDE, refused=(200, 403, 404, 422)),
        # the form echoes the code typed; the enterprise's name only to those who see it (the day it shows one)
        Call("GET", "/accidents/new/?enterprise={credit_code}", refused=(200,), hidden="{name}"),
    ),
    lists=(
        Listing("/api/v1/accidents", {"enterprise": "{credit_code}"}, count=api_count, baseline=5),
        Listing("/accidents/", {"enterprise": "{credit_code}"}, marker='href="/accidents/{id}/"', baseline=10),
    ),
)


class TestAccidentContract(RegisterContract):
    spec = SPEC
