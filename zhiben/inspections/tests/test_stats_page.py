"""The enforcement statistics page (/inspections/stats/): the tables by child region and by unit with the
zero-penalty ones picked out, the closure proposals, the self-check-missed list, the workbook with the same
figures; the scope; bad filters said on the page; the query count does not grow with the records."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zhiben.common import dates
from zhiben.tests_support import factories

from . import factories_stats as make
from .test_stats import COUNTY, TOWN_A, TOWN_B, World, fill

pytestmark = pytest.mark.django_db

PAGE = "/inspections/stats/"
YEAR = {"from": "2025-01", "to": "2025-12"}


@pytest.fixture
def world() -> World:
    w = World()
    fill(w)
    for day in ("2025-02-01", "2025-03-01", "2025-04-01"):
        make.penalty(w.officer, w.works, decided_on=day, major_hazard=True, department=w.emergency)
    first = make.inspection(w.officer, w.chem, on="2025-06-01", department=w.emergency)
    make.finding(w.officer, first, level="major", title="储罐区可燃气体报警器失效")
    return w


def page_of(user: Any, **params: str) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(PAGE, {**YEAR, **params})


def test_the_page_shows_the_tables_the_proposals_and_the_missed(world: World) -> None:
    r = page_of(world.officer)
    assert r.status_code == 200
    page = r.content.decode()
    assert "清溪场镇" in page and "中和街道" in page and "秀山土家族苗族自治县（本级）" in page
    assert f'href="?region={TOWN_A}&amp;from=2025-01&amp;to=2025-12"' in page  # drill down, keeping the period
    assert '<tr class="zero-penalty">' in page  # 住建局 inspected and never penalised
    assert "秀山县住房和城乡建设委员会：检查 1 次，未作出行政处罚" in page
    assert "中和机械" in page and "180日内3次" in page and "首日不计入" in page
    assert "储罐区可燃气体报警器失效" in page


def test_the_workbook_holds_the_same_figures(world: World) -> None:
    r = page_of(world.officer, format="xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content), read_only=True)
    assert book.sheetnames == ["按区划", "按单位", "按月份", "提请关闭", "临近提请关闭", "有问题查不出"]
    regions = list(book["按区划"].iter_rows(min_row=3, values_only=True))
    assert regions[0][:2] == ("清溪场镇", 3) and regions[-1][0] == "合计" and regions[-1][1] == 5
    assert any(row[0] == "中和机械" for row in book["提请关闭"].iter_rows(min_row=3, values_only=True))
    missed = list(book["有问题查不出"].iter_rows(min_row=3, values_only=True))
    assert len(missed) == 2 and "储罐区可燃气体报警器失效" in {row[3] for row in missed}


def test_the_scope_of_the_page(world: World) -> None:
    assert page_of(world.far_officer, region=COUNTY).status_code == 404
    firm_user = factories.user("p-firm", role="enterprise", enterprise=world.chem)
    assert page_of(firm_user).status_code == 403
    housing = factories.user("p-housing", role="officer", region=COUNTY)
    housing.department = world.housing
    housing.save()
    page = page_of(housing).content.decode()
    assert "（秀山县住房和城乡建设委员会，本单位）" in page
    # 住建局 inspected in 中和街道 only
    assert f'href="?region={TOWN_B}&amp;' in page and f'href="?region={TOWN_A}&amp;' not in page
    assert page_of(housing, department=str(world.emergency.pk)).status_code == 404


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"from": "2025-13"}, "起始月份"),
        ({"to": "x"}, "截止月份"),
        ({"from": "0001-01-01"}, "1900"),
        ({"department": "x"}, "成员单位"),
        ({"department": "99999999999999999999"}, "成员单位"),
        ({"region": "5x"}, "区划"),
    ],
)
def test_a_bad_filter_is_said_on_the_page(world: World, params: dict[str, str], said: str) -> None:
    r = page_of(world.officer, **params)
    assert r.status_code == 200
    page = r.content.decode()
    assert '<p class="msg error" role="alert">' in page and said in page


def test_the_page_query_count_does_not_grow_with_the_records(world: World) -> None:
    client = Client()
    client.force_login(world.officer)

    def count() -> int:
        client.get(PAGE, YEAR)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PAGE, YEAR).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(20):
        firm = factories.enterprise(region=TOWN_B, sector="hazardous_chemicals", name=f"企业{i}")
        made = make.inspection(world.officer, firm, on="2025-06-01", department=world.emergency)
        make.finding(world.officer, made, level="major")
        for day in ("2025-02-01", "2025-03-01", "2025-04-01"):
            make.penalty(world.officer, firm, decided_on=day, major_hazard=True, department=world.emergency)
    assert count() == few


def test_the_dashboard_card_reads_the_tallies_only(world: World) -> None:
    this_year = dates.today()
    unit = world.housing
    make.inspection(world.officer, world.works, on=this_year, department=unit, flags=["unannounced"])
    make.inspection(world.officer, world.chem, on=this_year, department=world.emergency)
    make.penalty(world.officer, world.chem, decided_on=this_year, amount="2500.50", department=world.emergency)
    client = Client()
    client.force_login(world.officer)
    with CaptureQueriesContext(connection) as ctx:
        card = client.get("/api/v1/stats/dashboard").json()["enforcement"]
    read = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "inspections_inspection" not in read and "inspections_penalty" not in read
    assert card["available"] is True and card["year"] == this_year.year
    t = card["totals"]
    assert (t["inspections"], t["unannounced_share"], t["penalties"], t["penalty_amount"]) == (2, 0.5, 1, "2500.50")
    assert (t["zero_penalty_departments"], t["zero_penalty_regions"]) == (1, 1)  # 住建局; 中和街道
    page = client.get("/dashboard/").content.decode()
    assert '<section class="card" id="enforcement">' in page and "只检查不处罚的单位" in page
    assert f'href="/inspections/stats/?region={COUNTY}">执法统计 ›</a>' in page
    firm_user = factories.user("p-firm2", role="enterprise", enterprise=world.chem)
    client.force_login(firm_user)
    assert client.get("/api/v1/stats/dashboard").json()["enforcement"]["available"] is False
