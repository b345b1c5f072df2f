"""The accident list's one filter declaration: the API and the page select the same accidents for the same
parameters, bad values are refused naming the parameter, and the API documents exactly the declared
filters."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from zhiben.accidents.filters import AccidentFilterSet
from zhiben.tests_support.filters import api_ids, api_parameters, page_error, page_rows

from .support import make

pytestmark = pytest.mark.django_db

THIS_YEAR = str(timezone.localdate().year)
CASES: dict[str, list[str]] = {
    "region": ["500241", "500241100", "500241100000", "110105"],
    "grade": ["general", "relatively_major", "major"],
    "year": ["2024", THIS_YEAR, "2001"],
    "sector": ["machinery", "hazardous_chemicals", "mining"],
    "late_report": ["1", "0", "true", "false"],
    "enterprise": ["FIRM", " firm "],
    "region_exact": ["1", "0", "true"],  # with region=500241 (see _params)
    "type": ["fire", "road_traffic", "other"],
    "investigation_overdue": ["1", "0"],
    "reply_overdue": ["1", "0"],
}
BAD: dict[str, str] = {
    "region": "x1",
    "grade": "huge",
    "year": "1066",
    "sector": "Machinery",
    "late_report": "late",
    "enterprise": "9" * 31,
    "region_exact": "maybe",
    "type": "explosion",
    "investigation_overdue": "soon",
    "reply_overdue": "2",
}


@pytest.fixture(autouse=True)
def big_pages(settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "PAGE_SIZE": 500}


@pytest.fixture
def accidents(officer, admin_user, township, firm) -> dict[str, Any]:
    """A relatively major accident; one at a township; one in 2024 reported late, at the firm; one elsewhere."""
    bad = make(officer, deaths=3, type="fire")
    town = make(officer, region=township, type="road_traffic")
    old = make(
        officer,
        enterprise=firm.credit_code,
        region=None,
        sector=None,
        occurred_at="2024-06-01T10:00:00+08:00",
        reported_at="2024-06-01T13:20:00+08:00",
        deaths=10,
    )
    far = make(admin_user, region="110105")
    return {"bad": bad, "town": town, "old": old, "far": far}


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _params(name: str, value: str, firm) -> dict[str, str]:
    code = firm.credit_code
    if name == "region_exact":  # a modifier of region: the county's own accidents, not its townships'
        return {"region": "500241", name: value}
    return {name: value.replace("FIRM", code).replace("firm", code.lower())}


def test_every_filter_has_cases() -> None:
    assert set(CASES) == set(AccidentFilterSet.base_filters) == set(BAD)


def test_the_api_parameters_are_the_declared_filters() -> None:
    assert api_parameters("/api/v1/accidents") == set(AccidentFilterSet.base_filters)


@pytest.mark.parametrize("name", sorted(CASES))
def test_api_and_page_select_the_same_accidents(name, officer, accidents, firm) -> None:
    client = _client(officer)
    seen = []
    for value in CASES[name]:
        params = _params(name, value, firm)
        expected = api_ids(client, "/api/v1/accidents", params)
        assert {a.pk for a in page_rows(client, "/accidents/", params)} == expected, params
        seen.append(expected)
    everything = api_ids(client, "/api/v1/accidents", {})
    assert accidents["far"].pk not in everything
    assert any(s != everything for s in seen), f"{name} never narrows the list"


def test_the_filters_mean_what_they_say(officer, accidents, firm) -> None:
    client = _client(officer)
    a = {k: v.pk for k, v in accidents.items()}

    def ids(**params: str) -> set[int]:
        return api_ids(client, "/api/v1/accidents", params)

    assert ids(region="500241100000") == {a["town"]}
    assert ids(year="2024") == ids(late_report="true") == ids(enterprise=firm.credit_code) == {a["old"]}
    assert ids(grade="relatively_major") == {a["bad"]}
    assert ids(sector="machinery", year=THIS_YEAR) == {a["bad"], a["town"]}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_value_is_refused_naming_the_parameter(name, officer, accidents) -> None:
    client = _client(officer)
    params = {name: BAD[name]}
    r = client.get("/api/v1/accidents", params)
    assert r.status_code == 422, (params, r.content[:300])
    assert list(r.json()["errors"]) == [name]
    label = str(AccidentFilterSet.base_filters[name].label)
    assert page_error(client, "/accidents/", params)[0].startswith(f"{label}：")


def test_the_page_offers_the_years_up_to_this_one(officer) -> None:
    html = _client(officer).get("/accidents/", {"year": "2024"}).content.decode()
    assert f'<option value="{THIS_YEAR}">{THIS_YEAR}年</option>' in html
    assert '<option value="2024" selected>2024年</option>' in html


def test_region_exact_keeps_the_regions_own_accidents_and_needs_a_region(officer, accidents) -> None:
    client = _client(officer)
    own = api_ids(client, "/api/v1/accidents", {"region": "500241", "region_exact": "1"})
    assert accidents["bad"].pk in own and accidents["town"].pk not in own
    assert api_ids(client, "/api/v1/accidents", {"region": "500241", "region_exact": "0"}) >= own | {
        accidents["town"].pk
    }
    r = client.get("/api/v1/accidents", {"region_exact": "1"})
    assert r.status_code == 422 and "region_exact" in r.json()["errors"]
