"""Demo data: seed_demo is idempotent; generate_demo makes valid enterprises in bulk."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from zhiben.accounts.models import User
from zhiben.audit.models import Event
from zhiben.common.validators import clean_credit_code
from zhiben.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_adds_nothing_the_second_time() -> None:
    call_command("seed_demo")
    counts = (User.objects.count(), Enterprise.objects.count(), Event.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Enterprise.objects.count(), Event.objects.count()) == counts
    firm = User.objects.get(username="firm").enterprise
    assert firm is not None
    assert firm.credit_code == "91500241MA5U0DEM30"
    assert User.objects.get(username="town").region_id == "500241100"
    call_command("verify_events")


def test_generate_demo_makes_valid_enterprises_in_counties_and_townships() -> None:
    call_command("generate_demo", "--enterprises", "500", "--seed", "3")
    assert Enterprise.objects.count() == 500
    for e in Enterprise.objects.select_related("region")[:100]:
        assert clean_credit_code(e.credit_code) == e.credit_code
        assert e.region.can_host_enterprises
    call_command("generate_demo", "--enterprises", "10", "--seed", "3", "--region", "50")
    assert Enterprise.objects.filter(region__code__prefix="50").count() >= 10


def test_generate_demo_refuses_hazards_until_they_exist() -> None:
    with pytest.raises(CommandError):
        call_command("generate_demo", "--enterprises", "1", "--hazards", "5")
