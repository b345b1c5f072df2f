"""Who sees an inspection (issue 14): a member unit sees its own and those of the sectors it leads in its region;
the committee office sees all of its region; an enterprise user sees the inspections at its own premises, read
only; everyone else 404. The list's queries do not grow with its rows, for a unit's officer either."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhiben.tests_support import factories

from . import factories_inspections as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(officer: Any) -> dict[str, Any]:
    """应急局 inspects a chemical plant and a building site; its officers, the 住建局's, the office's."""
    emergency, housing, office = f.unit(), f.unit(kind="housing"), f.unit(kind="committee_office")
    f.member(officer, emergency)
    team = f.team_of(f.officer(emergency), f.officer(emergency))
    chem = factories.enterprise(region="500241", sector="hazardous_chemicals", name="秀山县某化工有限公司")
    site = factories.enterprise(region="500241", sector="construction", name="秀山县某建筑工地")
    users = {
        "housing": f.member(factories.user("housing1", role="officer", region="500241"), housing),
        "office": f.member(factories.user("office1", role="officer", region="500241"), office),
        "chem_user": factories.user("chem-user", role="enterprise", enterprise=chem),
        "site_user": factories.user("site-user", role="enterprise", enterprise=site),
        "other_county": factories.user("far1", role="officer", region="110105"),
    }
    return {
        "chem": f.inspection(officer, chem, team=team),
        "site": f.inspection(officer, site, team=team),
        "users": users,
        "team": team,
        "chem_firm": chem,
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _seen(user: Any) -> set[int]:
    return {row["id"] for row in _client(user).get("/api/v1/inspections").json()["items"]}


def test_a_housing_officer_sees_the_building_site_not_the_chemical_plant(county: dict[str, Any]) -> None:
    housing = county["users"]["housing"]
    chem, site = county["chem"], county["site"]
    assert _seen(housing) == {site.pk}
    client = _client(housing)
    assert client.get(f"/api/v1/inspections/{chem.pk}").status_code == 404
    assert client.get(f"/inspections/{chem.pk}/").status_code == 404
    assert client.get(f"/api/v1/inspections/{site.pk}").status_code == 200
    # seeing is not filling in: another unit's inspection is read only
    r = client.post(f"/api/v1/inspections/{site.pk}/items", {"add": [{"text": "x"}]}, content_type="application/json")
    assert r.status_code == 403
    assert "保存检查结果" not in client.get(f"/inspections/{site.pk}/").content.decode()


def test_the_committee_office_sees_all_of_its_region_and_another_county_nothing(county: dict[str, Any]) -> None:
    assert _seen(county["users"]["office"]) == {county["chem"].pk, county["site"].pk}
    assert _seen(county["users"]["other_county"]) == set()


def test_an_enterprise_user_sees_its_own_inspections_only(county: dict[str, Any]) -> None:
    chem_user = county["users"]["chem_user"]
    assert _seen(chem_user) == {county["chem"].pk}
    client = _client(chem_user)
    assert client.get(f"/api/v1/inspections/{county['site'].pk}").status_code == 404
    page = client.get("/inspections/").content.decode()
    assert "本企业检查记录" in page and "秀山县某化工有限公司" in page and "某建筑工地" not in page
    detail = client.get(f"/inspections/{county['chem'].pk}/").content.decode()
    assert "检查表" in detail and "保存检查结果" not in detail and "生成隐患" not in detail


def test_the_list_takes_as_many_queries_for_one_row_as_for_twenty(county: dict[str, Any], officer: Any) -> None:
    housing = county["users"]["housing"]
    site = county["site"].enterprise

    def count(user: Any, url: str) -> int:
        client = _client(user)
        client.get(url)  # warm-up
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ("/api/v1/inspections", "/inspections/")
    before = {(u.pk, url): count(u, url) for u in (housing, officer) for url in urls}
    for _ in range(19):
        f.inspection(officer, site, team=county["team"])
    after = {(u.pk, url): count(u, url) for u in (housing, officer) for url in urls}
    assert after == before, (before, after)
    assert max(after.values()) <= 13  # a unit's officer: its routing read once (the sectors it leads)
