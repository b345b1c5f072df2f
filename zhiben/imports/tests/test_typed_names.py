"""Names matched as people type them (field case T5 and its kind): the ledger import's enterprise-by-name
match, the list searches and the public tip form compare ``name_key``, never the raw text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from zhiben.enterprises.models import Enterprise
from zhiben.hazards.models import Hazard
from zhiben.tests_support import factories
from zhiben.tips.models import Tip

from .test_imports import errors_of, run, workbook

pytestmark = pytest.mark.django_db

CASES = Path(__file__).parent / "cases"
BRANCH = "重庆清溪建材有限公司（秀山分公司）"
BRANCH_CODE = "91500241MA5U0TEA09"
TYPED = [
    "重庆清溪建材有限公司(秀山分公司)",  # the case: ASCII brackets
    "重庆清溪建材有限公司 （秀山分公司）",
    "重庆清溪建材有限公司\u3000(秀山分公司)",
    "重庆清溪建材\u200b有限公司（秀山分公司）",
    "重庆清溪建材有限公司\u00a0(秀山分公司)\ufeff",
]


@pytest.fixture
def branch(api_as: Any, officer: Any) -> Enterprise:
    body = {"credit_code": BRANCH_CODE, "name": BRANCH, "sector": "building_materials", "region": "500241"}
    r = api_as(officer).post("/api/v1/enterprises", body)
    assert r.status_code == 201, r.content
    found = Enterprise.objects.get(credit_code=BRANCH_CODE)
    assert found.name == BRANCH  # stored as typed
    return found


def test_the_field_case_ledger_names_the_branch_with_ascii_brackets(api_as, officer, branch) -> None:
    job = run(api_as(officer), "hazards", (CASES / "T5-name-halfwidth-parens.xlsx").read_bytes())
    assert job["status"] == "done", job["report"]
    assert Hazard.objects.get().enterprise_id == branch.pk


@pytest.mark.parametrize("typed", TYPED)
def test_a_ledger_names_an_enterprise_however_the_name_was_typed(api_as, officer, branch, typed) -> None:
    rows = [
        ["企业名称", "隐患名称", "隐患级别", "隐患来源", "发现日期"],
        [typed, "楼梯扶手松动", "一般", "检查", "2024-05-01"],
    ]
    job = run(api_as(officer), "hazards", workbook(rows))
    assert job["status"] == "done", job["report"]
    assert Hazard.objects.get().enterprise_id == branch.pk


def test_a_name_that_differs_is_still_not_found_and_two_alike_are_ambiguous(api_as, officer, branch) -> None:
    rows = [
        ["企业名称", "隐患名称", "隐患级别", "隐患来源", "发现日期"],
        ["重庆清溪建材有限公司", "扶手松动", "一般", "检查", "2024-05-01"],
    ]
    job = run(api_as(officer), "hazards", workbook(rows))
    assert job["status"] == "invalid" and "没有名为" in errors_of(job)[0][2]
    # a second firm whose name differs only in its brackets: the name no longer says which
    factories.enterprise(region="500241", name="重庆清溪建材有限公司(秀山分公司)")
    rows[1][0] = BRANCH
    job = run(api_as(officer), "hazards", workbook(rows))
    assert job["status"] == "invalid" and "2 家企业" in errors_of(job)[0][2]


@pytest.mark.parametrize(
    "q",
    [
        *TYPED,
        "（秀山分公司）",
        "(秀山分公司)",
        "清溪建材",
        "91500241MA5U0TEA09",
        "9150 0241 ma5u",
        "９１５００２４１ＭＡ５Ｕ０Ｔ",
        "91500241\u200bMA5U0TEA09",
    ],
)
def test_the_enterprise_list_search_finds_the_name_however_typed(api_as, officer, branch, firm, q) -> None:
    r = api_as(officer).get("/api/v1/enterprises", {"q": q})
    assert r.status_code == 200, r.content
    assert [e["credit_code"] for e in r.json()["items"]] == [BRANCH_CODE], q


def test_the_enterprise_list_page_search_finds_the_name_however_typed(client, officer, branch, firm) -> None:
    client.force_login(officer)
    page = client.get("/enterprises/", {"q": "重庆清溪建材有限公司(秀山分公司)"}).content.decode()
    assert BRANCH in page and firm.name not in page


def test_the_hazard_list_search_finds_the_enterprise_however_typed(api_as, officer, branch, firm) -> None:
    mine = factories.hazard(officer, branch, discovered_on="2024-05-01", title="皮带轮防护罩缺失")
    factories.hazard(officer, firm, discovered_on="2024-05-01", title="储罐静电接地失效")
    for q in ("重庆清溪建材有限公司(秀山分公司)", "清溪建材 有限公司", "秀山分公司）"):
        r = api_as(officer).get("/api/v1/hazards", {"q": q})
        assert [h["id"] for h in r.json()["items"]] == [mine.pk], q


def _csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/tips/report/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    return client, token.group(1)


@pytest.mark.parametrize("typed", TYPED[:3])
def test_a_public_tip_naming_the_enterprise_however_typed_is_linked(settings, branch, township, typed) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h"}
    client, token = _csrf_client()
    body = {
        "csrfmiddlewaretoken": token,
        "place": "秀山县清溪场镇",  # a township: the firm is registered at its county
        "category": "violation",
        "description": "破碎机皮带轮没有防护罩，工人就在旁边作业",
        "enterprise_name": typed,
    }
    r = client.post("/tips/report/", body)
    # the report is answered by a redirect to its receipt (POST-redirect-GET)
    assert r.status_code == 303 and r["Location"] == "/tips/report/receipt/", r.content.decode()[:2000]
    tip = Tip.objects.get()
    assert tip.enterprise_id == branch.pk and tip.enterprise_name == typed  # kept as typed, linked by key
