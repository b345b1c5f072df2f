"""A refusal on the plan pages names each field in Chinese — never by its key (``file``, ``tasks[0].text``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhiben.plans.models import Plan

from .support import COUNTY, County, county

pytestmark = pytest.mark.django_db


@pytest.fixture
def c() -> County:
    return county()


def client(user: Any) -> Client:
    cl = Client()
    cl.force_login(user)
    return cl


def alert(response: Any) -> str:
    page = response.content.decode()
    start = page.index('role="alert"')
    return page[start : page.index("</p>", start)]


def test_an_empty_plan_file_is_refused_naming_the_file_in_chinese(c: County) -> None:
    empty = SimpleUploadedFile("plan.txt", b"", content_type="text/plain")
    r = client(c.users["county"]).post("/plans/import/", {"file": empty, "region": COUNTY})
    assert r.status_code == 422
    assert "方案文件：" in alert(r)
    assert "file" not in alert(r)


def test_a_bad_task_on_confirm_is_named_by_its_number(c: County) -> None:
    preview = {"title": "秀山县方案", "tasks": [{"number": "2.1", "text": "x" * 5000, "lead_units": []}]}
    form = {"confirm": "1", "preview": json.dumps(preview), "region": COUNTY, "title": "秀山县方案"}
    r = client(c.users["county"]).post("/plans/import/", form)
    assert r.status_code == 422
    assert "任务 2.1的任务内容：" in alert(r)
    assert "tasks[" not in alert(r)
    assert not Plan.objects.exists()
