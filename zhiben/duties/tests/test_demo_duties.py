"""The demo's duty lists and pressure: written through the services, once."""

from __future__ import annotations

import pytest
from django.test import Client

from zhiben.accounts.models import User
from zhiben.audit.models import Event
from zhiben.demo.duties import OFFICE_USER, seed_duties
from zhiben.duties.models import DutyEntry, DutyList, Pressure
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_two_lists_and_a_pressure_once() -> None:
    factories.township("500241101", "隘口镇", "500241")
    admin = factories.user("demo-admin", role="admin")
    seed_duties(admin=admin, county="500241", password="pw-for-tests-123")
    counts = (DutyList.objects.count(), DutyEntry.objects.count(), Pressure.objects.count(), Event.objects.count())
    seed_duties(admin=admin, county="500241", password="pw-for-tests-123")
    assert counts[:3] == (2, 15, 1)
    assert (
        DutyList.objects.count(),
        DutyEntry.objects.count(),
        Pressure.objects.count(),
        Event.objects.count(),
    ) == counts
    client = Client()
    office = User.objects.get(username=OFFICE_USER)
    assert office.check_password("pw-for-tests-123")
    client.force_login(office)
    lists = client.get("/api/v1/duty-lists").json()
    assert lists["count"] == 2
    leader = next(i for i in lists["items"] if i["owner"] == "县长 张三")
    assert 0 < leader["completion"]["on_time"] < leader["completion"]["due"]
    assert client.get("/api/v1/todo").json()["count"] >= 1
