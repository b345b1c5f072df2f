"""The closed loop's page steps (extension and its decision, delisting, the two-officer cancel) behave as
every other form: a GET on the step's address goes back to the hazard, a refused form is the page again
with its fields named (422, never a 500), and the irreversible steps ask before they are sent."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from zhiben.common.inputs import parse
from zhiben.hazards.inputs import HazardExtension, HazardPlan, HazardSupervision
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import hazard_extension_request, hazard_plan, hazard_supervise

from .conftest import new_hazard

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _long_deadlines(settings) -> None:
    """These tests set deadlines years ahead, clear of the 20-working-day notice for extensions; the
    12-month cap on a rectification period (RECTIFICATION_MAX_MONTHS) has tests of its own."""
    settings.ZHIBEN = {**settings.ZHIBEN, "RECTIFICATION_MAX_MONTHS": 120}


PLAN = {"responsible_person": "陈建国", "measures": "更换报警器并联锁", "interim_measures": "停用该区域，专人值守"}


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def planned(actor, firm, deadline: str = "2031-06-30") -> Hazard:
    h = new_hazard(actor, firm, discovered_on="2025-03-01")
    return hazard_plan(hazard_id=h.pk, actor=actor, plan=parse(HazardPlan, {**PLAN, "deadline": deadline}))


def extension_asked(firm_user) -> Hazard:
    h = planned(firm_user, firm_user.enterprise)
    extension = parse(HazardExtension, {"deadline": "2031-08-01", "reason": "设备到货延迟"})
    return hazard_extension_request(hazard_id=h.pk, actor=firm_user, extension=extension)


def listed(officer, firm) -> Hazard:
    h = new_hazard(officer, firm, source="inspection")
    supervision = parse(HazardSupervision, {"level": "county", "notice_no": "秀安委督〔2025〕1号"})
    return hazard_supervise(hazard_id=h.pk, actor=officer, supervision=supervision)


def form_tag(page: str, step: str) -> str:
    """The opening <form …> tag of a step's form on the detail page, its attributes unescaped."""
    found = re.search(rf'<form [^>]*id="form-{step}"[^>]*>', page)
    assert found is not None, f"no form for {step}"
    return html.unescape(found.group(0))


@pytest.mark.parametrize("step", ["extend", "decide_extension", "delist", "cancel"])
def test_a_closed_loop_step_opened_by_get_goes_to_the_hazard(officer, firm, step) -> None:
    h = new_hazard(officer, firm)
    r = signed_in(officer).get(f"/hazards/{h.pk}/{step}/")
    assert r.status_code == 302 and r["Location"] == f"/hazards/{h.pk}/"
    assert Hazard.objects.get(pk=h.pk).extension_status == "" and Hazard.objects.get(pk=h.pk).status == "open"


def test_a_refused_extension_request_names_its_fields(firm_user) -> None:
    h = planned(firm_user, firm_user.enterprise)
    r = signed_in(firm_user).post(f"/hazards/{h.pk}/extend/", {"deadline": "2031-02-30", "reason": ""})
    page = r.content.decode()
    assert r.status_code == 422 and 'id="form-extend"' in page
    assert page.count('class="field-error"') >= 2  # the date and the reason, in one answer
    assert Hazard.objects.get(pk=h.pk).extension_status == ""


def test_a_refused_extension_decision_names_its_field(firm_user, officer) -> None:
    h = extension_asked(firm_user)
    r = signed_in(officer).post(f"/hazards/{h.pk}/decide_extension/", {"decision": "", "comment": ""})
    assert r.status_code == 422 and "审批结论" in r.content.decode()
    assert Hazard.objects.get(pk=h.pk).extension_status == "pending"


def test_a_refused_delisting_names_its_fields(officer, firm) -> None:
    h = listed(officer, firm)
    r = signed_in(officer).post(f"/hazards/{h.pk}/delist/", {"on": "not a day", "reason": ""})
    page = r.content.decode()
    assert r.status_code == 422 and page.count('class="field-error"') >= 2
    assert Hazard.objects.get(pk=h.pk).listed


def test_the_extension_decision_asks_before_either_verdict(firm_user, officer) -> None:
    h = extension_asked(firm_user)
    tag = form_tag(signed_in(officer).get(f"/hazards/{h.pk}/").content.decode(), "decide_extension")
    assert 'data-confirm-by="decision"' in tag
    assert re.search(r'data-confirm-approve="[^"]*2031-08-01[^"]*"', tag)
    assert re.search(r'data-confirm-reject="[^"]*2031-06-30[^"]*不变', tag)


def test_delisting_asks_first(officer, firm) -> None:
    h = listed(officer, firm)
    tag = form_tag(signed_in(officer).get(f"/hazards/{h.pk}/").content.decode(), "delist")
    assert re.search(r'data-confirm="确认摘牌？[^"]+"', tag)


def test_both_officers_of_a_major_cancel_are_asked_what_their_step_does(officer, tip_handler, firm) -> None:
    h = new_hazard(officer, firm)
    proposer, confirmer = signed_in(officer), signed_in(tip_handler)
    tag = form_tag(proposer.get(f"/hazards/{h.pk}/").content.decode(), "cancel")
    assert "确认提议撤销" in tag and "另一名监管人员确认" in tag
    assert proposer.post(f"/hazards/{h.pk}/cancel/", {"reason": "误报"}).status_code == 302
    tag = form_tag(confirmer.get(f"/hazards/{h.pk}/").content.decode(), "cancel")
    assert "另一名监管人员已提议" in tag and "不能恢复" in tag
    general = new_hazard(officer, firm, level="general", criterion="", title="一般")
    tag = form_tag(proposer.get(f"/hazards/{general.pk}/").content.decode(), "cancel")
    assert "误报或不构成隐患" in tag and "提议" not in tag
