"""Demo data: seed_demo is idempotent; generate_demo makes valid enterprises in bulk."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from zhiben.accounts.models import User
from zhiben.audit.models import Event
from zhiben.common.validators import clean_credit_code
from zhiben.enterprises.models import Enterprise, enterprise_name_key

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_adds_nothing_the_second_time() -> None:
    call_command("seed_demo")
    counts = (User.objects.count(), Enterprise.objects.count(), Event.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Enterprise.objects.count(), Event.objects.count()) == counts
    firm = User.objects.get(username="firm").enterprise
    assert firm is not None
    assert all(key == enterprise_name_key(name) for name, key in Enterprise.objects.values_list("name", "name_key"))
    assert firm.credit_code == "91500241MA5U0DEM30"
    assert User.objects.get(username="town").region_id == "500241100"
    call_command("verify_events")


def test_generate_demo_makes_valid_enterprises_in_counties_and_townships() -> None:
    call_command("generate_demo", "--enterprises", "500", "--seed", "3")
    assert Enterprise.objects.count() == 500
    for e in Enterprise.objects.select_related("region")[:100]:
        assert clean_credit_code(e.credit_code) == e.credit_code
        assert e.region.can_host_enterprises
        assert e.name_key == enterprise_name_key(e.name)  # bulk-inserted rows carry their name key
    call_command("generate_demo", "--enterprises", "10", "--seed", "3", "--region", "50")
    assert Enterprise.objects.filter(region__code__prefix="50").count() >= 10


def test_generate_demo_makes_hazards_that_keep_the_rules() -> None:
    from zhiben.hazards import rules
    from zhiben.hazards.models import Hazard
    from zhiben.reference.selectors import criterion_applies

    call_command("generate_demo", "--enterprises", "200", "--hazards", "3000", "--seed", "5", "--overdue-share", "0.2")
    assert Hazard.objects.count() == 3000
    overdue = Hazard.objects.filter(rules.q_overdue()).count()
    assert 450 < overdue < 900  # about a fifth
    for h in Hazard.objects.select_related("enterprise").filter(level="major"):
        assert h.region_id == h.enterprise.region_id and h.sector_id == h.enterprise.sector_id
        # FACTS §2: the clause is the one in force for its sector on the discovery date
        assert h.criterion_id and criterion_applies(code=h.criterion_id, sector=h.sector_id, on=h.discovered_on)
        assert h.deadline is None or h.deadline >= h.discovered_on
        assert h.discovered_on <= rules.today()
        assert h.status != "closed" or h.closed_on is not None
    assert set(Hazard.objects.values_list("status", flat=True)) >= {"open", "rectifying", "pending_review", "closed"}
    assert Hazard.objects.filter(discovered_on__lt="2024-01-01").exists()  # a stock cohort too


def test_generate_demo_refuses_bad_numbers() -> None:
    with pytest.raises(CommandError):
        call_command("generate_demo", "--enterprises", "1", "--hazards", "-5")
    with pytest.raises(CommandError):
        call_command("generate_demo", "--enterprises", "1", "--hazards", "5", "--overdue-share", "2")


def test_the_demo_looks_like_a_countys_programme_with_something_to_do_for_every_login() -> None:
    from django.db.models import F
    from django.utils import timezone

    from zhiben.hazards import rules
    from zhiben.hazards.models import Hazard
    from zhiben.notifications.todo import todo_for
    from zhiben.tips.models import Tip

    call_command("seed_demo")
    county = Hazard.objects.filter(region__code__startswith="500241")
    closed = county.filter(status="closed")
    assert closed.filter(closed_on__lte=F("deadline")).count() >= 10  # on time
    assert closed.filter(closed_on__gt=F("deadline")).exists()  # late
    assert county.filter(rules.q_overdue()).exists()  # overdue
    assert county.filter(rules.q_active(), level="major", discovered_on__lte=rules.stock_cutoff()).exists()
    assert county.exclude(supervision_level="").exists()  # listed
    assert county.filter(status="pending_review").exists() and county.filter(status="cancelled").exists()
    # tips at every stage: new, late for verification, extended, waiting for the reply, replied and paid
    tips = Tip.objects.filter(region_code__startswith="500241")
    assert set(tips.values_list("status", flat=True)) == {"accepted", "verified", "replied"}
    assert tips.filter(status="accepted", verification_due__lt=rules.today()).exists()
    assert tips.filter(extended=True).exists() and tips.filter(reward__paid_on__isnull=False).exists()
    # the timelines were written as they happened: the events span the programme, in the chain's order
    hazard_events = Event.objects.filter(subject_type="hazard").order_by("id")
    times = list(hazard_events.values_list("at", flat=True))
    assert times == sorted(times) and (times[-1] - times[0]).days > 300
    for h in closed:
        last = Event.objects.filter(subject_type="hazard", subject_id=str(h.pk), kind__in=["approved", "submitted"])
        assert timezone.localtime(last.latest("id").at).date() == h.closed_on
    for user in User.objects.exclude(role="admin"):
        assert todo_for(user).count > 0, user.username
    call_command("verify_events")


def test_the_demo_has_a_published_and_a_discarded_draw_of_the_county() -> None:
    from django.test import Client

    from zhiben.inspections.models import Draw, LawOfficer

    call_command("seed_demo")
    draws = {d.status: d for d in Draw.objects.filter(department__region_id="500241", department__kind="emergency")}
    assert set(draws) == {"published", "discarded"}
    assert draws["discarded"].discarded_reason and draws["discarded"].serial == 1 and draws["published"].serial == 2
    assert "渝应急执500106" not in draws["published"].pool_inspectors  # its certificate has lapsed
    assert LawOfficer.objects.get(certificate_no="渝应急执500101").user == User.objects.get(username="county")
    call_command("seed_demo")
    assert Draw.objects.filter(department__region_id="500241", department__kind="emergency").count() == 2
    assert LawOfficer.objects.filter(certificate_no__startswith="渝应急执5001").count() == 6
    page = Client().get("/inspections/draws/public/").content.decode()
    assert draws["published"].title in page and "已作废" in page
    r = Client().post("/api/v1/draws/verify", {"id": draws["published"].pk}, content_type="application/json")
    assert r.json()["verified"] is True
