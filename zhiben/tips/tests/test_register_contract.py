"""The tip register's contract (zhiben/tests_support/contract.py): tips are hidden from every enterprise
(even the one a tip names), from officers of other regions, and the tipster's identity from everyone but
the tip handlers in scope. The public side, by receipt, is its own case: a wrong receipt answers exactly
like a malformed one, and changes nothing."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhiben.audit.models import Event
from zhiben.tests_support import factories, files
from zhiben.tests_support.contract import OTHER_COUNTY, Call, Listing, RegisterContract, Spec, Subject, World, api_count
from zhiben.tips.inputs import TipReport
from zhiben.tips.models import Tip, TipMessage
from zhiben.tips.services import tip_submit

TIP = "/api/v1/tips/{id}"
PAGE = "/tips/{id}"
# Each step's body (valid, so that a scope hole would show as a change, not as a 422); the API refuses a field
# its step does not know, the page takes what it knows.
STEPS = {
    "verify": {"outcome": "unfounded"},
    "extend": {"reason": "需补充材料", "approved_by": "市应急管理局"},
    "messages": {"body": "已核查"},
    "review": {"facts": "复核属实", "handling": "维持原处理"},
    "reward/notice": {},
    "reward/payment": {"paid_on": "2025-01-01", "amount": "100"},
}
STEP = {k: v for body in STEPS.values() for k, v in body.items()}
HIDDEN_FROM = ("outsider", "outside_handler", "enterprise", "other_enterprise", "township_officer")
WRONG, MALFORMED = "ABCD-EFGH-JKMN-PQRS-TVWX", "x"


def make_tip(world: World, *, evidence: bool = True) -> Subject:
    data = {
        "region": "500241",
        "category": "violation",
        "description": "无证经营危险化学品，夜间装卸",
        "credit_code": world.firm.credit_code,
        "reporter": {"name": "王小明", "phone": "13800138000"},
    }
    uploads = [(io.BytesIO(files.png()), "a.png", None)] if evidence else []
    tip, receipt = tip_submit(report=TipReport.model_validate(data), files=uploads)
    keys: dict[str, Any] = {"id": tip.pk, "receipt": receipt, "document": "reply"}
    if evidence:
        keys["attachment_id"] = tip.attachments.get().pk
    return Subject(tip, keys)


def more_tips(world: World, n: int) -> None:
    for _ in range(n):
        make_tip(world, evidence=False)


SPEC = Spec(
    name="tips",
    prefixes=("/api/v1/tips", "/tips/"),
    make=make_tip,
    make_more=more_tips,
    inside=("officer", "handler"),
    outside=HIDDEN_FROM,
    viewer="handler",
    users={"outside_handler": lambda world: factories.user("c-handler-bj", role="tip_handler", region=OTHER_COUNTY)},
    calls=(
        Call("GET", TIP),
        Call("GET", f"{TIP}/attachments/{{attachment_id}}"),
        *(Call("POST", f"{TIP}/{step}", body=body) for step, body in STEPS.items()),
        # the identity: tip handlers in scope only; any other officer, even in scope, gets 404
        Call("GET", f"{TIP}/reporter", inside=("handler",), also_outside=("officer",)),
        Call("POST", f"{PAGE}/reporter/", inside=("handler",), also_outside=("officer",)),
        Call("GET", f"{PAGE}/"),
        Call("GET", f"{PAGE}/attachments/{{attachment_id}}/"),
        *(
            Call("POST", f"{PAGE}/{step}/", body=STEP)
            for step in ("verify", "extend", "reply", "review", "notice", "paid")
        ),
        # documents (issue 10, item 6; generic routes, the register named by the path): tested once they
        # exist. A document is issued only in some states: insiders are the documents' own tests.
        Call("GET", f"{TIP}/documents", inside=("officer",), optional=True),
        Call("GET", f"{TIP}/documents/{{document}}", inside=(), optional=True),
        Call("GET", "/documents/tips/{id}/{document}/", inside=(), optional=True),
    ),
    lists=(
        Listing("/api/v1/tips", count=api_count, baseline=5),
        Listing("/tips/", marker='href="/tips/{id}/"', baseline=8),
    ),
    elsewhere={
        "POST /api/v1/tips": "public submission: zhiben/tips/tests/test_tips.py",
        "GET /tips/report/": "public form: zhiben/tips/tests/test_pages.py",
        "GET /tips/report/receipt/": "the receipt by the form token's cookie: zhiben/tips/tests/test_once.py",
        "GET /api/v1/tips/by-receipt/R": "test_a_wrong_receipt_answers_like_a_malformed_one (below)",
        "POST /api/v1/tips/by-receipt/R/messages": "test_a_wrong_receipt_answers_like_a_malformed_one (below)",
        "POST /api/v1/tips/by-receipt/R/attachments": "test_a_wrong_receipt_answers_like_a_malformed_one (below)",
        "POST /api/v1/tips/by-receipt/R/objection": "test_a_wrong_receipt_answers_like_a_malformed_one (below)",
        "POST /tips/check/": "test_a_wrong_receipt_answers_like_a_malformed_one (below)",
    },
)


class TestTipContract(RegisterContract):
    spec = SPEC


# --- the public side: the receipt is the key --------------------------------------------------------

pytestmark = pytest.mark.django_db


def _by_receipt(kind: str, receipt: str) -> Any:
    client = Client()
    if kind == "status":
        return client.get(f"/api/v1/tips/by-receipt/{receipt}")
    if kind == "message":
        body = json.dumps({"body": "补充：今晚还在干"})
        return client.post(f"/api/v1/tips/by-receipt/{receipt}/messages", body, content_type="application/json")
    if kind == "objection":
        body = json.dumps({"reason": "答复与事实不符"})
        return client.post(f"/api/v1/tips/by-receipt/{receipt}/objection", body, content_type="application/json")
    if kind == "attachment":
        upload = SimpleUploadedFile("a.png", files.png(), content_type="image/png")
        return client.post(f"/api/v1/tips/by-receipt/{receipt}/attachments", {"file": upload})
    return client.post("/tips/check/", {"receipt": receipt, "action": "add", "body": "补充"})


def _unmasked(content: bytes) -> bytes:
    """The page without its CSRF tokens (masked afresh on every response)."""
    return re.sub(rb'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", content)


@pytest.mark.parametrize("kind", ["status", "message", "objection", "attachment", "page"])
def test_a_wrong_receipt_is_not_found_and_a_malformed_one_is_refused(kind: str, settings: Any, firm: Any) -> None:
    """A well-formed unknown receipt answers 404 (and is a strike toward the lockout); text that cannot be a
    receipt at all is refused naming the receipt (422), without a strike; neither writes anything."""
    settings.ZHIBEN = {
        **settings.ZHIBEN,
        "TIP_RATE_LIMIT": "1000/h",
        "TIP_RECEIPT_RATE_LIMIT": "1000/h",
        "TIP_RECEIPT_FAILURES": "1000/h",
    }
    cache.clear()
    data = {"region": "500241", "category": "violation", "description": "清溪镇某化工厂夜间违规动火作业"}
    tip, receipt = tip_submit(report=TipReport.model_validate(data))
    before = (Event.objects.count(), TipMessage.objects.count(), Tip.objects.get(pk=tip.pk).status)
    wrong, malformed = _by_receipt(kind, WRONG), _by_receipt(kind, MALFORMED)
    assert (wrong.status_code, malformed.status_code) == (404, 422), kind
    if kind == "page":
        assert "20位" in malformed.content.decode() and "20位" not in wrong.content.decode()
    else:
        assert "20位" in malformed.json()["errors"]["receipt"]
    assert (Event.objects.count(), TipMessage.objects.count(), Tip.objects.get(pk=tip.pk).status) == before
    # the right one opens it (an objection before any reply is a state conflict, not a wrong receipt)
    assert _by_receipt(kind, receipt).status_code in ((409,) if kind == "objection" else (200, 201))
