"""The enterprise list's one filter declaration: the API, the page and both exports select the same firms for
the same parameters, bad values are refused naming the parameter, and the API documents exactly the
declared filters."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhiben.enterprises.filters import EnterpriseFilterSet
from zhiben.tests_support import factories
from zhiben.tests_support.filters import api_ids, api_parameters, page_error, page_rows, workbook_column

pytestmark = pytest.mark.django_db

CASES: dict[str, list[str]] = {
    "region": ["500241", "500241100", "500241100000", "110105"],
    "sector": ["hazardous_chemicals", "machinery", "mining"],
    "risk_level": ["red", "orange", "blue"],
    "supervision_class": ["A", "B", "D"],
    "standardisation_grade": ["1", "2", "none"],
    "high_risk": ["1", "0", "true", "no"],
    "insured": ["1", "0", "TRUE", "false"],
    "status": ["operating", "suspended", "closed"],
    "q": ["化工", "工业园", "CODE", " code ", "不存在"],
}
BAD: dict[str, str] = {
    "region": "abc",
    "sector": "Machinery!",
    "risk_level": "purple",
    "supervision_class": "E",
    "standardisation_grade": "4",
    "high_risk": "maybe",
    "insured": "2",
    "status": "sold",
    "q": "企" * 101,
}


@pytest.fixture(autouse=True)
def big_pages(settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "PAGE_SIZE": 500}


@pytest.fixture
def firms(township) -> dict[str, Any]:
    chem = factories.enterprise(
        region="500241",
        sector="hazardous_chemicals",
        name="秀山化工有限公司",
        address="清溪工业园1号",
        risk_level="red",
        supervision_class="A",
        standardisation_grade="2",
        high_risk=True,
        insured=True,
    )
    town = factories.enterprise(
        region=township, sector="machinery", name="清溪机械厂", risk_level="blue", supervision_class="D"
    )
    town.status = "suspended"
    town.save()
    closed = factories.enterprise(
        region="500241", sector="machinery", name="旧厂", standardisation_grade="none", status="closed"
    )
    far = factories.enterprise(region="110105", sector="hazardous_chemicals", name="朝阳化工", risk_level="red")
    return {"chem": chem, "town": town, "closed": closed, "far": far}


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _params(name: str, value: str, firms: dict[str, Any]) -> dict[str, str]:
    code = firms["chem"].credit_code
    return {name: value.replace("CODE", code).replace("code", code.lower())}


def test_every_filter_has_cases() -> None:
    assert set(CASES) == set(EnterpriseFilterSet.base_filters) == set(BAD)


def test_the_api_parameters_are_the_declared_filters() -> None:
    for path in ("/api/v1/enterprises", "/api/v1/enterprises/export"):
        assert api_parameters(path) == set(EnterpriseFilterSet.base_filters), path


@pytest.mark.parametrize("name", sorted(CASES))
def test_api_page_and_exports_select_the_same_firms(name, officer, firms) -> None:
    client = _client(officer)
    seen = []
    for value in CASES[name]:
        params = _params(name, value, firms)
        expected = api_ids(client, "/api/v1/enterprises", params, key="credit_code")
        assert {e.credit_code for e in page_rows(client, "/enterprises/", params)} == expected, params
        page_export = client.get("/enterprises/", {**params, "format": "xlsx"})
        assert workbook_column(page_export, "统一社会信用代码") == expected, params
        api_export = client.get("/api/v1/enterprises/export", params)
        assert workbook_column(api_export, "统一社会信用代码") == expected, params
        seen.append(expected)
    everything = api_ids(client, "/api/v1/enterprises", {}, key="credit_code")
    assert firms["far"].credit_code not in everything
    assert any(s != everything for s in seen), f"{name} never narrows the list"


def test_the_filters_mean_what_they_say(officer, firms) -> None:
    client = _client(officer)
    code = {k: v.credit_code for k, v in firms.items()}

    def codes(**params: str) -> set[str]:
        return api_ids(client, "/api/v1/enterprises", params, key="credit_code")

    assert codes(region="500241100000") == {code["town"]}
    assert codes(high_risk="true") == {code["chem"]} and codes(insured="0") == {code["town"], code["closed"]}
    assert codes(q=code["chem"].lower()) == codes(q="工业园") == {code["chem"]}
    assert codes(status="suspended", supervision_class="D") == {code["town"]}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_value_is_refused_naming_the_parameter(name, officer, firms) -> None:
    client = _client(officer)
    params = {name: BAD[name]}
    for path in ("/api/v1/enterprises", "/api/v1/enterprises/export"):
        r = client.get(path, params)
        assert r.status_code == 422, (path, params, r.content[:300])
        assert list(r.json()["errors"]) == [name]
    label = str(EnterpriseFilterSet.base_filters[name].label)
    for page_params in (params, {**params, "format": "xlsx"}):
        assert page_error(client, "/enterprises/", page_params)[0].startswith(f"{label}：")
