"""The dashboard, the ranking and its Excel export."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from zhiben.common.inputs import parse
from zhiben.hazards import rules
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.services import hazard_create
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def county_data(officer, township):
    firms = [
        factories.enterprise(region=township, sector="hazardous_chemicals", name="清溪化工有限公司"),
        factories.enterprise(region="500241", sector="machinery", name="县城机械有限公司"),
    ]
    for firm, level, deadline in (
        (firms[0], "major", "2024-01-01"),
        (firms[0], "general", None),
        (firms[1], "general", "2024-02-01"),
    ):
        hazard_create(
            actor=officer,
            report=parse(
                HazardReport,
                {
                    "enterprise": firm.credit_code,
                    "title": "t",
                    "level": level,
                    "source": "inspection",
                    "discovered_on": "2023-06-01",
                    "deadline": deadline,
                    "criterion": "SAWS121C-1" if level == "major" else "",
                },
            ),
        )
    return firms


def test_the_dashboard_shows_the_scope_and_links_every_figure(officer, county_data, township) -> None:
    page = signed_in(officer).get("/dashboard/").content.decode()
    assert "一屏观全域" in page and "未销号重大隐患" in page
    assert f"/hazards/?region={township}&amp;overdue=1" in page  # figures link to the list behind them
    assert "清溪化工有限公司" in page  # most overdue enterprises
    assert 'id="dashboard-data"' in page and "vendor/echarts/echarts.min.js" in page


def test_the_dashboard_drills_down_and_refuses_outside_scope(officer, outsider, county_data, township) -> None:
    assert signed_in(officer).get("/dashboard/", {"region": township}).status_code == 200
    assert signed_in(outsider).get("/dashboard/", {"region": "500241"}).status_code == 404
    assert signed_in(officer).get("/dashboard/", {"region": "50"}).status_code == 404


def test_the_dashboard_api_gives_the_same_data(api_as, officer, county_data) -> None:
    r = api_as(officer).get("/api/v1/stats/dashboard")
    assert r.status_code == 200
    body = r.json()
    assert body["headline"]["open_major"] == 1 and body["headline"]["overdue"] == 2
    assert {g["key"] for g in body["regions"]} >= {"500241"}


def test_the_ranking_and_its_excel_export(admin_user, county_data, monkeypatch) -> None:
    monkeypatch.setattr(rules, "today", lambda: datetime.date(2025, 1, 1))
    c = signed_in(admin_user)
    page = c.get("/dashboard/ranking/", {"region": "50"}).content.decode()
    assert "晾晒排名" in page and ">县<" in page  # Chongqing's county-level group (GB/T 2260 5002)
    r = c.get("/dashboard/ranking/", {"region": "50", "format": "xlsx", "sort": "overdue"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.active
    assert sheet.freeze_panes == "A3"
    header = [c.value for c in sheet[2]]
    assert header[:4] == ["名次", "区划代码", "区划", "按期销号率"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows and rows[0][0] == 1 and any(row[1] == "5002" for row in rows)


def test_enterprise_users_have_no_dashboard_links(firm_user) -> None:
    page = signed_in(firm_user).get("/").content.decode()
    assert "一屏观全域" not in page
