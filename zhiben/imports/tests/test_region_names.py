"""Region names in the enterprise ledger and on the public tip form (field case T7 and its kind)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from zhiben.enterprises.models import Enterprise
from zhiben.tests_support import factories
from zhiben.tips.models import Tip

from .test_imports import errors_of, run, workbook

pytestmark = pytest.mark.django_db

CASES = Path(__file__).parent / "cases"


def test_the_field_case_every_region_form_resolves(api_as, admin_user, township) -> None:
    job = run(api_as(admin_user), "enterprises", (CASES / "T7-region-names.xlsx").read_bytes())
    assert job["status"] == "done", job["report"]
    regions = dict(Enterprise.objects.values_list("name", "region_id"))
    assert regions == {
        "区划写法00有限公司": "500241",  # 秀山自治县
        "区划写法01有限公司": "500241",
        "区划写法02有限公司": township,
        "区划写法03有限公司": township,  # 清溪场
        "区划写法04有限公司": "500241",  # 秀山土家苗族自治县
        "区划写法05有限公司": "310115",
        "区划写法06有限公司": "110105",
        "区划写法07有限公司": "152921",
    }


def test_a_region_column_naming_an_unknown_township_is_refused_not_placed_at_its_county(api_as, officer) -> None:
    rows = [
        ["统一社会信用代码", "单位名称", "所在区划", "行业领域"],
        [factories.credit_code(), "丁公司", "秀山县某某镇", "商贸"],
        [factories.credit_code(), "戊公司", "秀山", "商贸"],
    ]
    job = run(api_as(officer), "enterprises", workbook(rows))
    assert job["status"] == "invalid" and Enterprise.objects.count() == 0
    [(row, column, message)] = errors_of(job)
    assert (row, column) == (2, "C") and "无法识别" in message and "某某镇" in message


def test_an_officers_scope_settles_a_bare_township(api_as, officer, township) -> None:
    factories.township("110105001", "清溪场街道", "110105")  # the same stem in Beijing
    rows = [
        ["统一社会信用代码", "单位名称", "所在区划", "行业领域"],
        [factories.credit_code(), "己公司", "清溪场", "商贸"],
    ]
    assert run(api_as(officer), "enterprises", workbook(rows))["status"] == "done"
    assert Enterprise.objects.get().region_id == township


def _report(place: str, **extra: str) -> Any:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/tips/report/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    body = {
        "csrfmiddlewaretoken": token.group(1),
        "place": place,
        "category": "violation",
        "description": "无证经营危险化学品，夜间装卸",
        **extra,
    }
    return client.post("/tips/report/", body)


@pytest.fixture
def _open_limits(settings: Any) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h"}
    cache.clear()


@pytest.mark.usefixtures("_open_limits")
@pytest.mark.parametrize(
    ("place", "code"),
    [("秀山自治县", "500241"), ("秀山土家苗族自治县", "500241"), ("秀山", "500241"), ("清溪场", "500241100")],
)
def test_the_public_tip_form_takes_the_short_forms(township, place: str, code: str) -> None:
    r = _report(place)
    # the report is answered by a redirect to its receipt (POST-redirect-GET)
    assert r.status_code == 303 and r["Location"] == "/tips/report/receipt/", r.content.decode()[:3000]
    assert Tip.objects.get().region_code == code


@pytest.mark.usefixtures("_open_limits")
def test_the_public_tip_form_refuses_an_unknown_place_and_names_ambiguous_ones() -> None:
    r = _report("秀山县某某镇")
    assert r.status_code == 422 and "某某镇" in r.content.decode() and "无法识别" in r.content.decode()
    r = _report("朝阳")
    assert r.status_code == 422 and "北京市 朝阳区" in r.content.decode() and "长春市 朝阳区" in r.content.decode()
    assert Tip.objects.count() == 0


def test_a_region_column_naming_a_bare_unknown_township_is_refused_not_placed_at_its_county(
    api_as, admin_user, township
) -> None:
    rows = [
        ["统一社会信用代码", "单位名称", "所在区划", "地址", "行业领域"],
        [factories.credit_code(), "庚公司", "秀山县洪安", "", "商贸"],
        [factories.credit_code(), "辛公司", "秀山县梅江", "", "商贸"],
        [factories.credit_code(), "壬公司", "秀山县清溪", "", "商贸"],
    ]
    job = run(api_as(admin_user), "enterprises", workbook(rows))
    assert job["status"] == "invalid" and Enterprise.objects.count() == 0
    found = {row: message for row, column, message in errors_of(job) if column == "C"}
    assert set(found) == {2, 3}, found  # 秀山县清溪 is 清溪场镇, the only township of 秀山县 so starting
    assert "“洪安”不是" in found[2] and "“梅江”不是" in found[3] and "梅州" not in found[3]


def test_an_address_column_still_places_an_unknown_township_at_its_county(api_as, admin_user) -> None:
    rows = [
        ["统一社会信用代码", "单位名称", "地址", "行业领域"],
        [factories.credit_code(), "癸公司", "秀山县洪安", "商贸"],
    ]
    assert run(api_as(admin_user), "enterprises", workbook(rows))["status"] == "done"
    assert Enterprise.objects.get().region_id == "500241"


@pytest.mark.usefixtures("_open_limits")
@pytest.mark.parametrize(("place", "word"), [("秀山县洪安", "洪安"), ("秀山县梅江", "梅江"), ("秀山洪安", "洪安")])
def test_the_public_tip_form_refuses_a_bare_unknown_township(township, place: str, word: str) -> None:
    r = _report(place)
    text = r.content.decode()
    assert r.status_code == 422 and "无法识别" in text and f"“{word}”不是" in text
    assert Tip.objects.count() == 0


@pytest.mark.usefixtures("_open_limits")
def test_the_public_tip_form_takes_a_unique_township_start_inside_its_county(township) -> None:
    assert _report("秀山县清溪").status_code == 303  # accepted: on to the receipt (POST-redirect-GET)
    assert Tip.objects.get().region_code == township
