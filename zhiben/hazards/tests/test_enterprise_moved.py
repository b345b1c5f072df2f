"""An enterprise registered in another township takes its hazards along (DESIGN.md §3: a hazard's region is
its enterprise's, copied for scoped queries): the new township's officers see them, the old one's no longer
do, the summary counts follow, each hazard records the move, all in the enterprise's transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from zhiben.analytics.tallies import tally_drift
from zhiben.audit.models import Event
from zhiben.common.inputs import parse
from zhiben.enterprises.inputs import EnterpriseChange
from zhiben.enterprises.models import Enterprise
from zhiben.enterprises.services import enterprise_update
from zhiben.hazards import services as hazard_services
from zhiben.hazards.inputs import HazardCancellation, HazardSubmission
from zhiben.hazards.models import Hazard, Status
from zhiben.tests_support import factories

from .conftest import evidence, new_hazard, planned

pytestmark = pytest.mark.django_db
TOWN_A, TOWN_B = "500241100", "500241101"


@pytest.fixture
def towns(db: Any) -> dict[str, Any]:
    factories.township(TOWN_A, "清溪场镇", "500241")
    factories.township(TOWN_B, "中和街道", "500241")
    return {
        "a": factories.user("town_a", role="officer", region=TOWN_A),
        "b": factories.user("town_b", role="officer", region=TOWN_B),
    }


@pytest.fixture
def moving(officer, towns) -> dict[str, Any]:
    """An enterprise of township A with an open major hazard, a closed general one and a cancelled one."""
    firm = factories.enterprise(region=TOWN_A, sector="hazardous_chemicals", name="秀山县搬迁化工有限公司")
    open_ = new_hazard(officer, firm, discovered_on="2023-05-01", deadline="2024-06-30", title="反应釜报警器失效待整改")
    closed = planned(officer, new_hazard(officer, firm, level="general", criterion="", title="已销号"))
    aid = evidence(officer, closed)
    body = {"summary": "已整改", "attachments": [aid]}
    hazard_services.hazard_submit(hazard_id=closed.pk, actor=officer, submission=parse(HazardSubmission, body))
    cancelled = new_hazard(officer, firm, level="general", criterion="", title="误报")
    hazard_services.hazard_cancel(
        hazard_id=cancelled.pk, actor=officer, cancellation=parse(HazardCancellation, {"reason": "误报"})
    )
    assert Hazard.objects.get(pk=closed.pk).status == Status.CLOSED
    return {"firm": firm, "open": open_, "closed": closed, "cancelled": cancelled}


def seen(api_as, user) -> set[int]:
    return {x["id"] for x in api_as(user).get("/api/v1/hazards", {"limit": 500}).json()["items"]}


def test_the_hazards_follow_their_enterprise_to_the_new_township(api_as, officer, towns, moving) -> None:
    firm, open_, closed = moving["firm"], moving["open"], moving["closed"]
    every = {open_.pk, closed.pk, moving["cancelled"].pk}
    assert seen(api_as, towns["a"]) == every and seen(api_as, towns["b"]) == set()
    before_b = api_as(officer).get("/api/v1/stats/hazards", {"region": TOWN_B}).json()["totals"]
    r = api_as(officer).patch(f"/api/v1/enterprises/{firm.credit_code}", {"region": TOWN_B})
    assert r.status_code == 200, r.content
    # every hazard of the enterprise goes along: open, closed (its history stays with the enterprise) and cancelled
    assert set(Hazard.objects.filter(enterprise=firm).values_list("region_id", flat=True)) == {TOWN_B}
    assert seen(api_as, towns["a"]) == set() and seen(api_as, towns["b"]) == every
    assert api_as(towns["a"]).get(f"/api/v1/hazards/{open_.pk}").status_code == 404
    assert api_as(towns["b"]).get(f"/api/v1/hazards/{open_.pk}").status_code == 200
    # the pages say the same
    page_a, page_b = Client(), Client()
    page_a.force_login(towns["a"])
    page_b.force_login(towns["b"])
    assert "反应釜报警器失效待整改" not in page_a.get("/hazards/").content.decode()
    assert "反应釜报警器失效待整改" in page_b.get("/hazards/").content.decode()
    assert page_a.get(f"/hazards/{open_.pk}/").status_code == 404
    # the counts follow: nothing left in A, both counted in B, and no drift from the rows
    stats = api_as(officer).get("/api/v1/stats/hazards", {"region": TOWN_A}).json()["totals"]
    assert stats["total"] == 0 and stats["open"] == 0
    after_b = api_as(officer).get("/api/v1/stats/hazards", {"region": TOWN_B}).json()["totals"]
    assert after_b["total"] == before_b["total"] + 2 and after_b["open"] == before_b["open"] + 1
    assert tally_drift() == []
    call_command("check_summaries")  # raises CommandError on any difference
    # each hazard records the move, once
    for h in (open_, closed, moving["cancelled"]):
        moved = Event.objects.filter(subject_type="hazard", subject_id=str(h.pk), kind="region_changed")
        assert [e.payload for e in moved] == [{"from": TOWN_A, "to": TOWN_B}]
    timeline = api_as(towns["b"]).get(f"/api/v1/hazards/{open_.pk}").json()["events"]
    assert any(e["kind"] == "region_changed" for e in timeline)


def test_a_move_from_the_page_moves_the_hazards_too(officer, towns, moving) -> None:
    c = Client()
    c.force_login(officer)
    firm = moving["firm"]
    page = c.get(f"/enterprises/{firm.credit_code}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["region"] = TOWN_B
    r = c.post(f"/enterprises/{firm.credit_code}/edit/", data)
    assert r.status_code in (302, 303), r.content.decode()[:2000]
    assert Hazard.objects.get(pk=moving["open"].pk).region_id == TOWN_B
    assert tally_drift() == []


def test_a_township_officer_cannot_move_an_enterprise_out_of_or_into_their_township(api_as, towns, moving) -> None:
    firm = moving["firm"]
    # A's officer: the target B is outside their scope
    r = api_as(towns["a"]).patch(f"/api/v1/enterprises/{firm.credit_code}", {"region": TOWN_B})
    assert r.status_code == 422 and "region" in r.json()["errors"], r.content
    # B's officer: the enterprise (in A) is outside theirs, so they cannot pull it in
    r = api_as(towns["b"]).patch(f"/api/v1/enterprises/{firm.credit_code}", {"region": TOWN_B})
    assert r.status_code == 404
    assert Enterprise.objects.get(pk=firm.pk).region_id == TOWN_A
    assert set(Hazard.objects.filter(enterprise=firm).values_list("region_id", flat=True)) == {TOWN_A}
    assert not Event.objects.filter(kind="region_changed").exists()


def test_the_enterprise_and_its_hazards_move_together_or_not_at_all(officer, towns, moving, monkeypatch) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the event log is unavailable")

    monkeypatch.setattr(hazard_services, "event_append_many", broken)
    with pytest.raises(RuntimeError):
        enterprise_update(
            actor=officer,
            credit_code=moving["firm"].credit_code,
            change=parse(EnterpriseChange, {"region": TOWN_B}),
        )
    assert Enterprise.objects.get(pk=moving["firm"].pk).region_id == TOWN_A
    assert Hazard.objects.get(pk=moving["open"].pk).region_id == TOWN_A
    assert tally_drift() == []


def test_a_change_that_keeps_the_region_moves_nothing(api_as, officer, towns, moving) -> None:
    r = api_as(officer).patch(f"/api/v1/enterprises/{moving['firm'].credit_code}", {"name": "秀山县改名化工有限公司"})
    assert r.status_code == 200, r.content
    assert not Event.objects.filter(kind="region_changed").exists()
    assert Hazard.objects.get(pk=moving["open"].pk).region_id == TOWN_A


def test_the_hazards_follow_their_enterprise_to_a_new_sector(api_as, officer, towns, moving) -> None:
    """A reclassified enterprise (行业领域 corrected) takes its hazards to the new sector: an officer who
    answers for chemicals only no longer sees them, one for building materials does, and the counts by
    sector follow."""
    firm, open_ = moving["firm"], moving["open"]
    chem = factories.user("chem_only", role="officer", region=TOWN_A, sectors=["hazardous_chemicals"])
    build = factories.user("build_only", role="officer", region=TOWN_A, sectors=["building_materials"])
    every = {open_.pk, moving["closed"].pk, moving["cancelled"].pk}
    assert seen(api_as, chem) == every and seen(api_as, build) == set()
    r = api_as(officer).patch(f"/api/v1/enterprises/{firm.credit_code}", {"sector": "building_materials"})
    assert r.status_code == 200, r.content
    assert set(Hazard.objects.filter(enterprise=firm).values_list("sector_id", flat=True)) == {"building_materials"}
    assert seen(api_as, chem) == set() and seen(api_as, build) == every
    assert tally_drift() == []
    call_command("check_summaries")
    moved = Event.objects.filter(subject_type="hazard", subject_id=str(open_.pk), kind="sector_changed")
    assert [e.payload for e in moved] == [{"from": "hazardous_chemicals", "to": "building_materials"}]
    # the region did not change: no region event
    assert not Event.objects.filter(subject_id=str(open_.pk), kind="region_changed").exists()


def test_a_move_of_region_and_sector_at_once(api_as, officer, towns, moving) -> None:
    firm = moving["firm"]
    body = {"region": TOWN_B, "sector": "building_materials"}
    assert api_as(officer).patch(f"/api/v1/enterprises/{firm.credit_code}", body).status_code == 200
    rows = set(Hazard.objects.filter(enterprise=firm).values_list("region_id", "sector_id"))
    assert rows == {(TOWN_B, "building_materials")}
    kinds = sorted(Event.objects.filter(subject_id=str(moving["open"].pk)).values_list("kind", flat=True))
    assert kinds.count("region_changed") == 1 and kinds.count("sector_changed") == 1
    assert tally_drift() == []
