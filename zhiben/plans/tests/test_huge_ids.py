"""An id filter past the database's 64-bit integers (``2**63`` and up) is refused naming the field (API) or
answered as an unknown unit (the board page) — never a 500 from the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .support import County, county, make_plan

pytestmark = pytest.mark.django_db
HUGE = ("9223372036854775808", "99999999999999999999", "-9223372036854775809")


@pytest.fixture
def c() -> County:
    return county()


def client(user: Any) -> Client:
    cl = Client()
    cl.force_login(user)
    return cl


@pytest.mark.parametrize("name", ["plan", "unit"])
@pytest.mark.parametrize("value", HUGE)
def test_the_task_list_refuses_a_huge_id_naming_it(c: County, name: str, value: str) -> None:
    make_plan(c)
    r = client(c.users["county"]).get(f"/api/v1/tasks?{name}={value}")
    assert r.status_code == 422
    assert name in r.json()["errors"]


@pytest.mark.parametrize("value", HUGE)
def test_the_board_answers_a_huge_unit_as_an_unknown_one(c: County, value: str) -> None:
    make_plan(c)
    assert client(c.users["county"]).get(f"/plans/board/?unit={value}").status_code == 404
    assert client(c.users["county"]).get("/api/v1/tasks?unit=9223372036854775807").status_code == 200
