"""Every step of a hazard's lifecycle is taken once per request (DESIGN.md §6, docs/api.md "Retrying a POST"):
the same ``Idempotency-Key`` (API) or form token (pages) sent twice answers the first result and writes
one event; the same key with another body is refused."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.test import Client

from zhiben.audit.models import Event
from zhiben.hazards import rules
from zhiben.hazards.models import Hazard, Status

from .conftest import evidence, new_hazard, planned

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _long_deadlines(settings) -> None:
    """These tests set deadlines years ahead, clear of the 20-working-day notice for extensions; the
    12-month cap on a rectification period (RECTIFICATION_MAX_MONTHS) has tests of its own."""
    settings.ZHIBEN = {**settings.ZHIBEN, "RECTIFICATION_MAX_MONTHS": 120}


KEYS = (f"retry-key-{n:08d}-abcdef" for n in itertools.count())
STEP = re.compile(r"^/api/v1/hazards/\{hazard_id\}/(?!attachments)(.+)$")


def events(hazard: Hazard, kind: str) -> int:
    return Event.objects.filter(subject_type="hazard", subject_id=str(hazard.pk), kind=kind).count()


def twice(api: Any, hazard: Hazard, step: str, body: dict[str, Any], kind: str) -> Any:
    """POST the step twice with one key: the second answer is the first's, replayed, and one event is written."""
    api.headers["Idempotency-Key"] = next(KEYS)
    before = events(hazard, kind)
    first = api.post(f"/api/v1/hazards/{hazard.pk}/{step}", body)
    assert 200 <= first.status_code < 300, (step, first.content)
    again = api.post(f"/api/v1/hazards/{hazard.pk}/{step}", body)
    assert again.status_code == first.status_code and again.json() == first.json(), step
    assert again["Idempotent-Replayed"] == "true", step
    assert events(hazard, kind) == before + 1, step
    del api.headers["Idempotency-Key"]
    return first


def test_each_step_sent_twice_with_its_key_is_taken_once(api_as, firm_user, officer, tip_handler) -> None:
    """Every lifecycle step of the OpenAPI document, retried with its key: one event each."""
    today = rules.today().isoformat()
    ent, off, other = api_as(firm_user), api_as(officer), api_as(tip_handler)
    h = new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01")
    plan = {
        "responsible_person": "陈建国",
        "measures": "更换报警器并联锁",
        "deadline": "2031-06-30",
        "interim_measures": "停用该区域，专人值守",
    }
    taken = set()

    def step(api: Any, name: str, body: dict[str, Any], kind: str, hazard: Hazard = h) -> Any:
        taken.add(name)
        return twice(api, hazard, name, body, kind)

    step(ent, "plan", plan, "planned")
    step(ent, "extension", {"deadline": "2031-09-30", "reason": "设备到货延迟"}, "extension_requested")
    step(off, "extension/decision", {"decision": "approve", "comment": "同意"}, "extension_approved")
    assert str(Hazard.objects.get(pk=h.pk).deadline) == "2031-09-30"
    step(off, "supervise", {"level": "county", "notice_no": "秀安督〔2026〕1号"}, "listed")
    step(off, "delist", {"on": today, "reason": "整改措施已落实"}, "delisted")
    step(ent, "reports", {"to": "regulator", "on": today}, "reported")
    aid = evidence(firm_user, h)
    step(ent, "submit", {"summary": "已整改", "attachments": [aid]}, "submitted")
    r = step(off, "review", {"decision": "approve", "comment": "现场核查合格"}, "approved")
    assert r.json()["status"] == Status.CLOSED and events(h, "closed") == 1
    # a major hazard's cancellation: proposed by one officer (202), confirmed by another (200)
    c = new_hazard(officer, firm_user.enterprise, source="inspection", discovered_on="2025-03-01", title="误报")
    assert step(off, "cancel", {"reason": "经复核不构成重大隐患"}, "cancel_proposed", c).status_code == 202
    assert step(other, "cancel", {"reason": "同意撤销"}, "cancelled", c).status_code == 200
    # every step route the API documents was exercised here
    paths = api_as(officer).get("/api/v1/openapi.json").json()["paths"]
    documented = {m.group(1) for p, ops in paths.items() if "post" in ops and (m := STEP.match(p))}
    assert documented and documented <= taken, documented - taken


def test_every_post_declares_the_key_and_each_step_reads_it(api_as, officer, firm) -> None:
    doc = api_as(officer).get("/api/v1/openapi.json").json()
    posts = {p: ops["post"] for p, ops in doc["paths"].items() if "post" in ops}
    steps = [p for p in posts if STEP.match(p)]
    assert len(steps) >= 9, steps
    for path, op in posts.items():
        header = [x for x in op.get("parameters", []) if x["in"] == "header" and x["name"] == "Idempotency-Key"]
        assert len(header) == 1 and header[0]["required"] is False, path
    h = new_hazard(officer, firm, source="inspection", discovered_on="2025-03-01")
    api = api_as(officer)
    for path in steps:
        api.headers["Idempotency-Key"] = "short"  # malformed: read, and refused naming it, on every step
        r = api.post(path.replace("{hazard_id}", str(h.pk)), {})
        assert r.status_code == 422 and "Idempotency-Key" in r.json()["errors"], (path, r.content)
    assert Event.objects.filter(subject_id=str(h.pk)).exclude(kind="created").count() == 0


def test_the_same_key_with_another_body_is_refused_and_takes_no_step(api_as, firm_user, officer) -> None:
    h = new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01", deadline="2031-06-30")
    api = api_as(firm_user)
    twice(api, h, "extension", {"deadline": "2031-09-30", "reason": "设备到货延迟"}, "extension_requested")
    off = api_as(officer)
    off.headers["Idempotency-Key"] = key = next(KEYS)
    url = f"/api/v1/hazards/{h.pk}/extension/decision"
    assert off.post(url, {"decision": "approve", "comment": "同意"}).status_code == 200
    off.headers["Idempotency-Key"] = key
    r = off.post(url, {"decision": "reject", "comment": "不同意"})
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["errors"]
    assert events(h, "extension_approved") == 1 and events(h, "extension_rejected") == 0


def test_a_refused_step_is_not_remembered(api_as, firm_user, officer) -> None:
    """An error answer is not kept: once the cause is removed, the same key takes the step."""
    h = new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01", deadline="2031-06-30")
    api = api_as(firm_user)
    api.headers["Idempotency-Key"] = next(KEYS)
    url = f"/api/v1/hazards/{h.pk}/extension"
    assert api.post(url, {"deadline": "2031-09-30"}).status_code == 422  # no reason
    assert api.post(url, {"deadline": "2031-09-30", "reason": "设备到货延迟"}).status_code == 200
    assert events(h, "extension_requested") == 1


# ----------------------------------------------------------------------------------------- pages
def token_of(page: str, step: str) -> str:
    form = page.split(f'id="form-{step}"', 1)[1].split("</form>", 1)[0]
    found = re.search(r'name="form_token" value="([^"]+)"', form)
    assert found, f"the {step} form has no token"
    return found.group(1)


def test_every_step_form_on_the_page_carries_a_token(firm_user) -> None:
    h = new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01")
    c = Client()
    c.force_login(firm_user)
    page = c.get(f"/hazards/{h.pk}/").content.decode()
    forms = re.findall(r'id="form-([a-z_]+)"', page)
    assert forms and all(token_of(page, f) for f in forms)
    assert 'name="form_token"' in page.split('id="attach-form"', 1)[1].split("</form>", 1)[0]


def test_an_approval_sent_twice_from_the_page_closes_once(firm_user, officer) -> None:
    h = planned(firm_user, new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01"))
    ent, off = Client(), Client()
    ent.force_login(firm_user)
    off.force_login(officer)
    aid = evidence(firm_user, h)
    page = ent.get(f"/hazards/{h.pk}/").content.decode()
    body = {"summary": "已整改", "attachments": [str(aid)], "form_token": token_of(page, "submit")}
    first = ent.post(f"/hazards/{h.pk}/submit/", body)
    again = ent.post(f"/hazards/{h.pk}/submit/", body)  # the copy: to the same page, nothing done
    assert first.status_code == again.status_code == 303 and again["Location"] == first["Location"]
    assert events(h, "submitted") == 1
    page = off.get(f"/hazards/{h.pk}/").content.decode()
    body = {"decision": "approve", "comment": "合格", "form_token": token_of(page, "review")}
    first = off.post(f"/hazards/{h.pk}/review/", body)
    again = off.post(f"/hazards/{h.pk}/review/", body)
    assert first.status_code == again.status_code == 303 and again["Location"] == first["Location"]
    assert events(h, "approved") == 1 and events(h, "closed") == 1


def test_an_extension_decided_twice_from_the_page_is_decided_once(firm_user, officer) -> None:
    h = new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01", deadline="2031-06-30")
    ent, off = Client(), Client()
    ent.force_login(firm_user)
    off.force_login(officer)
    page = ent.get(f"/hazards/{h.pk}/").content.decode()
    body = {"deadline": "2031-09-30", "reason": "设备到货延迟", "form_token": token_of(page, "extend")}
    assert ent.post(f"/hazards/{h.pk}/extend/", body).status_code == 303
    assert ent.post(f"/hazards/{h.pk}/extend/", body).status_code == 303
    page = off.get(f"/hazards/{h.pk}/").content.decode()
    body = {"decision": "approve", "comment": "", "form_token": token_of(page, "decide_extension")}
    assert off.post(f"/hazards/{h.pk}/decide_extension/", body).status_code == 303
    assert off.post(f"/hazards/{h.pk}/decide_extension/", body).status_code == 303
    assert events(h, "extension_requested") == 1 and events(h, "extension_approved") == 1


def test_a_step_refused_on_the_page_keeps_its_token_usable(firm_user) -> None:
    h = new_hazard(firm_user, firm_user.enterprise, discovered_on="2025-03-01", deadline="2031-06-30")
    c = Client()
    c.force_login(firm_user)
    token = token_of(c.get(f"/hazards/{h.pk}/").content.decode(), "extend")
    assert c.post(f"/hazards/{h.pk}/extend/", {"deadline": "2031-09-30", "form_token": token}).status_code == 422
    body = {"deadline": "2031-09-30", "reason": "设备到货延迟", "form_token": token}
    assert c.post(f"/hazards/{h.pk}/extend/", body).status_code == 303
    assert events(h, "extension_requested") == 1
