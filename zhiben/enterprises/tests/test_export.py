"""Excel export of the enterprise register: every filtered row, scoped, Chinese labels, one query."""

from __future__ import annotations

import datetime
import io
from typing import Any
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zhiben.enterprises.exports import COLUMNS
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def table(response) -> list[dict[str, Any]]:
    """The workbook's rows as dicts keyed by the Chinese headers."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in COLUMNS]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def names(response) -> set[Any]:
    return {row["单位名称"] for row in table(response)}


def test_the_page_links_an_export_that_keeps_the_filters(officer, firm) -> None:
    page = signed_in(officer).get("/enterprises/", {"sector": "hazardous_chemicals", "page": "1"}).content.decode()
    assert 'href="/enterprises/?sector=hazardous_chemicals&amp;format=xlsx"' in page and "导出 Excel" in page


def test_the_export_has_every_matching_row_with_chinese_labels_and_real_dates(officer, firm, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "PAGE_SIZE": 2}
    firm.risk_level = "red"
    firm.high_risk = True
    firm.standardisation_grade = "2"
    firm.standardisation_valid_until = datetime.date(2026, 6, 30)
    firm.employees = 120
    firm.save()
    for _ in range(3):
        factories.enterprise(region="500241", sector="hazardous_chemicals")
    factories.enterprise(region="500241", sector="machinery", name="县城机械有限公司")
    r = signed_in(officer).get("/enterprises/", {"sector": "hazardous_chemicals", "format": "xlsx"})
    assert unquote(r["Content-Disposition"]).startswith('attachment; filename="enterprises-')
    assert "filename*=UTF-8''企业清单-" in unquote(r["Content-Disposition"])
    rows = table(r)
    assert len(rows) == 4  # more than one page: the export is not paged
    assert "县城机械有限公司" not in {row["单位名称"] for row in rows}  # the filter applies
    row = next(row for row in rows if row["统一社会信用代码"] == firm.credit_code)
    assert row["单位名称"] == firm.name and row["行业领域"] == "化工和危险化学品" and row["区划代码"] == "500241"
    assert "秀山" in str(row["所在区划"])
    assert row["安全风险等级"] == "重大风险（红）" and row["高危行业"] == "是" and row["安全生产标准化等级"] == "二级"
    assert row["经营状态"] == "正常生产" and row["投保安责险"] == "否" and row["从业人数"] == 120
    assert row["标准化有效期至"] == datetime.datetime(2026, 6, 30)  # a real date, not text
    assert isinstance(row["登记时间"], datetime.datetime)


def test_an_officer_of_another_county_exports_only_that_county(outsider, firm, other_firm) -> None:
    assert names(signed_in(outsider).get("/enterprises/", {"format": "xlsx"})) == {other_firm.name}


def test_an_enterprise_user_exports_only_its_own_firm(firm_user, firm, other_firm) -> None:
    factories.enterprise(region="500241", sector="hazardous_chemicals")
    assert names(signed_in(firm_user).get("/enterprises/", {"format": "xlsx"})) == {firm.name}


def test_the_api_export_takes_the_list_parameters_and_keeps_the_scope(api_as, officer, outsider, firm) -> None:
    factories.enterprise(region="500241", sector="machinery", name="县城机械有限公司")
    r = api_as(officer).get("/api/v1/enterprises/export", {"sector": "machinery"})
    assert names(r) == {"县城机械有限公司"}  # not taken for a credit code by /enterprises/{credit_code}
    assert names(api_as(officer).get("/api/v1/enterprises/export", {"q": "清溪"})) == {firm.name}
    assert names(api_as(outsider).get("/api/v1/enterprises/export")) == set()
    bad = api_as(officer).get("/api/v1/enterprises/export", {"risk_level": "purple"})
    assert bad.status_code == 422 and "risk_level" in bad.json()["errors"]


def test_the_number_of_queries_does_not_grow_with_the_rows(officer, django_assert_max_num_queries) -> None:
    c = signed_in(officer)
    factories.enterprise(region="500241")
    c.get("/enterprises/", {"format": "xlsx"})  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert len(table(c.get("/enterprises/", {"format": "xlsx"}))) == 1
    for _ in range(30):
        factories.enterprise(region="500241")
    with django_assert_max_num_queries(len(few)):
        assert len(table(c.get("/enterprises/", {"format": "xlsx"}))) == 31
