"""A plan page's form sent twice (a double tap on a slow phone, a resend after a lost answer) makes one record:
the second copy of the same form token is sent where the first went (``common.idempotency.once_per_form``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from zhiben.plans.models import Plan, Progress

from .support import COUNTY, County, county, make_plan

pytestmark = pytest.mark.django_db
TOKEN = "same-form-token-0123456789"


@pytest.fixture
def c() -> County:
    return county()


def client(user: Any) -> Client:
    cl = Client()
    cl.force_login(user)
    return cl


def test_the_form_token_is_on_the_pages_forms(c: County) -> None:
    one = make_plan(c).tasks.get(number="1")
    assert 'name="form_token"' in client(c.users["county"]).get("/plans/import/").content.decode()
    assert 'name="form_token"' in client(c.users["emergency"]).get(f"/plans/tasks/{one.pk}/").content.decode()


def test_the_import_confirmed_twice_saves_one_plan(c: County) -> None:
    preview = {"title": "秀山县方案", "tasks": [{"number": "1", "text": "排查", "due_text": "", "lead_units": []}]}
    form = {
        "confirm": "1",
        "preview": json.dumps(preview),
        "region": COUNTY,
        "title": "秀山县方案",
        "form_token": TOKEN,
    }
    cl = client(c.users["county"])
    first = cl.post("/plans/import/", form)
    again = cl.post("/plans/import/", form)
    assert first.status_code in (302, 303) and again.status_code == 303
    assert again["Location"] == first["Location"]
    assert Plan.objects.count() == 1


def test_a_progress_report_sent_twice_is_kept_once(c: County) -> None:
    one = make_plan(c).tasks.get(number="1")
    form = {"action": "progress", "period": "2026-03", "text": "推进中", "percent": "50", "form_token": TOKEN}
    cl = client(c.users["emergency"])
    assert cl.post(f"/plans/tasks/{one.pk}/", form).status_code in (302, 303)
    assert cl.post(f"/plans/tasks/{one.pk}/", form).status_code == 303
    assert Progress.objects.filter(task=one).count() == 1
