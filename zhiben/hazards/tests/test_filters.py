"""The hazard list's one filter declaration: the API, the page and both exports select the same hazards for
the same parameters, bad values are refused naming the parameter, and the API documents exactly the
declared filters."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from zhiben.common.inputs import parse
from zhiben.common.middleware import unsavable
from zhiben.hazards import rules
from zhiben.hazards.filters import HazardFilterSet
from zhiben.hazards.inputs import HazardCancellation, HazardSubmission, HazardSupervision
from zhiben.hazards.services import hazard_cancel, hazard_submit, hazard_supervise
from zhiben.tests_support import factories
from zhiben.tests_support.filters import api_ids, api_parameters, page_error, page_rows, workbook_column

from .conftest import new_hazard, planned

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 8, 1)

# Every declared filter, with values that select different hazards (a new filter fails
# test_every_filter_has_cases until it is given some).
CASES: dict[str, list[str]] = {
    "region": ["500241", "500241100", "500241100000", "500241000000", "110105"],
    "region_exact": ["1", "0", "true"],  # with region=500241 (see _params)
    "level": ["major", "general"],
    "status": ["active", "counted", "open", "rectifying", "closed", "cancelled", "pending_review"],
    "source": ["self_check", "inspection", "tip"],
    "year": ["2025", "2023", "2024"],
    "cohort": ["stock", "increment"],
    "overdue": ["1", "0", "true", "false"],
    "listed": ["1", "0", "true", "False"],
    "self_check_missed": ["1", "0", "true", "false"],
    "review_overdue": ["1", "0", "true", "false"],
    "extension_overdue": ["1", "0", "true", "false"],
    "without_plan": ["1", "0", "true", "false"],
    "report_late": ["1", "0", "true", "false"],
    "sector": ["hazardous_chemicals", "machinery", "mining"],
    "enterprise": ["FIRM", " firm "],
    "q": ["仓库", "报警器", "机械", "  配电  "],
}
BAD: dict[str, str] = {
    "region": "5002x",
    "region_exact": "maybe",
    "level": "huge",
    "status": "done",
    "source": "rumour",
    "year": "1999",
    "cohort": "old",
    "overdue": "maybe",
    "listed": "sometimes",
    "self_check_missed": "perhaps",
    "review_overdue": "late",
    "extension_overdue": "soon",
    "without_plan": "never",
    "report_late": "sometimes",
    "sector": "Hazardous-Chemicals",
    "enterprise": "9" * 31,
    "q": "隐" * 101,
}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, settings) -> None:
    monkeypatch.setattr(rules, "today", lambda: TODAY)
    settings.ZHIBEN = {**settings.ZHIBEN, "PAGE_SIZE": 500}


@pytest.fixture
def hazards(officer, admin_user, firm, township) -> dict[str, Any]:
    """Hazards that the filters tell apart: planned and overdue and listed; closed; found by an inspection at
    a township firm; a tip at a machinery firm, cancelled; and one in another county."""
    town_firm = factories.enterprise(region=township, sector="hazardous_chemicals", name="清溪场镇化工厂")
    machinery = factories.enterprise(region="500241", sector="machinery", name="秀山机械厂")
    far_firm = factories.enterprise(region="110105", sector="machinery", name="朝阳机械")
    major = planned(officer, new_hazard(officer, firm))  # deadline 2025-06-30: overdue on TODAY
    hazard_supervise(
        hazard_id=major.pk,
        actor=admin_user,
        supervision=parse(HazardSupervision, {"level": "city", "notice_no": "渝安委办〔2025〕8号"}),
    )
    closed = new_hazard(
        officer,
        firm,
        title="安全出口堵塞",
        level="general",
        source="inspection",
        criterion="",
        discovered_on="2023-05-01",
        deadline="2023-05-10",
        location="成品仓库",
    )
    hazard_submit(
        hazard_id=closed.pk, actor=officer, submission=parse(HazardSubmission, {"summary": "已清理", "attachments": []})
    )
    missed = new_hazard(officer, town_firm, title="配电箱未接地", source="inspection", deadline="2025-12-31")
    tipped = new_hazard(officer, machinery, title="机械防护罩缺失", level="general", source="tip", criterion="")
    hazard_cancel(hazard_id=tipped.pk, actor=officer, cancellation=parse(HazardCancellation, {"reason": "误报"}))
    far = new_hazard(admin_user, far_firm, title="配电箱未接地", level="general", source="inspection", criterion="")
    return {"major": major, "closed": closed, "missed": missed, "tipped": tipped, "far": far, "firm": firm}


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _params(name: str, value: str, hazards: dict[str, Any]) -> dict[str, str]:
    if name == "enterprise":  # the firm's credit code, as typed (any case, padded)
        code = hazards["firm"].credit_code
        value = value.replace("FIRM", code).replace("firm", code.lower())
    if name == "region_exact":  # a modifier of region: the county's own hazards, not its townships'
        return {"region": "500241", name: value}
    return {name: value}


def test_every_filter_has_cases() -> None:
    assert set(CASES) == set(HazardFilterSet.base_filters) == set(BAD)


def test_the_api_parameters_are_the_declared_filters() -> None:
    for path in ("/api/v1/hazards", "/api/v1/hazards/export"):
        assert api_parameters(path) == set(HazardFilterSet.base_filters), path


@pytest.mark.parametrize("name", sorted(CASES))
def test_api_page_and_exports_select_the_same_hazards(name, officer, hazards) -> None:
    client = _client(officer)
    seen = []
    for value in CASES[name]:
        params = _params(name, value, hazards)
        expected = api_ids(client, "/api/v1/hazards", params)
        assert {h.pk for h in page_rows(client, "/hazards/", params)} == expected, params
        assert workbook_column(client.get("/hazards/", {**params, "format": "xlsx"}), "编号") == expected, params
        assert workbook_column(client.get("/api/v1/hazards/export", params), "编号") == expected, params
        seen.append(expected)
    everything = api_ids(client, "/api/v1/hazards", {})
    assert hazards["far"].pk not in everything  # the scope comes first, whatever the filters
    assert any(s != everything for s in seen), f"{name} never narrows the list"


def test_the_filters_mean_what_they_say(officer, hazards) -> None:
    client = _client(officer)
    h = {k: v.pk for k, v in hazards.items() if k != "firm"}

    def ids(**params: str) -> set[int]:
        return api_ids(client, "/api/v1/hazards", params)

    assert ids(region="500241100") == ids(region="500241100000") == {h["missed"]}
    assert ids(status="active") == {h["major"], h["missed"]}
    assert ids(overdue="1") == {h["major"]} and ids(overdue="0") == {h["closed"], h["missed"], h["tipped"]}
    assert ids(listed="true") == {h["major"]}
    assert ids(self_check_missed="true") == {h["missed"]}
    assert ids(self_check_missed="false") == {h["major"], h["closed"], h["tipped"]}
    assert ids(cohort="stock") == {h["closed"]}
    assert ids(sector="machinery") == {h["tipped"]} and ids(sector="mining") == set()
    assert ids(enterprise=hazards["firm"].credit_code.lower()) == {h["major"], h["closed"]}
    assert ids(q="仓库") == {h["closed"]}
    assert ids(level="major", status="active", cohort="increment") == {h["major"], h["missed"]}
    assert ids(status="counted") == {h["major"], h["closed"], h["missed"]}  # the statistics' total
    assert ids(year="2023") == {h["closed"]} and ids(year="2025") == {h["major"], h["missed"], h["tipped"]}
    assert ids(year="2024") == set()
    # the county's own hazards (本级), not its townships'; region_exact=false is the subtree again
    assert ids(region="500241", region_exact="1") == {h["major"], h["closed"], h["tipped"]}
    assert ids(region="500241", region_exact="false") == ids(region="500241")
    assert ids(region="500241100", region_exact="1") == {h["missed"]}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_value_is_refused_naming_the_parameter(name, officer, hazards) -> None:
    client = _client(officer)
    params = {name: BAD[name]}
    for path in ("/api/v1/hazards", "/api/v1/hazards/export"):
        r = client.get(path, params)
        assert r.status_code == 422, (path, params, r.content[:300])
        assert list(r.json()["errors"]) == [name]
    label = str(HazardFilterSet.base_filters[name].label)
    for page_params in (params, {**params, "format": "xlsx"}):  # the export falls back to the page and says why
        errors = page_error(client, "/hazards/", page_params)
        assert errors[0].startswith(f"{label}：")


def test_the_page_can_filter_hazards_that_self_checks_missed(officer, hazards) -> None:
    client = _client(officer)
    page = client.get("/hazards/", {"self_check_missed": "1"})
    assert [x.pk for x in page.context["page"].object_list] == [hazards["missed"].pk]
    html = page.content.decode()
    assert "自查未发现" in html and '<select name="self_check_missed"' in html
    assert '<option value="1" selected>' in html


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(sorted(CASES)), st.text(max_size=14), max_size=4))
def test_the_api_and_the_page_accept_and_refuse_the_same_parameters(params, admin_user) -> None:
    client = _client(admin_user)
    api = client.get("/api/v1/hazards", params)
    page = client.get("/hazards/", params)
    assert api.status_code in (200, 422), (params, api.content[:300])
    if any(unsavable(v) for v in params.values()):
        # NUL and lone surrogates are refused before any view, on both, naming the parameter
        assert api.status_code == page.status_code == 422, params
        return
    assert page.status_code == 200, params
    refused = set(api.json().get("errors", {})) if api.status_code == 422 else set()
    shown = {line_id.removeprefix("id_").removesuffix("_error") for line_id, _ in page.context["filter_errors"]}
    assert refused == shown, params
