"""Excel exports of hazards: the filtered list (every row, scoped, Chinese labels, one query) and a hazard's
timeline (全过程记录, 404 outside the scope)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from zhiben.audit.models import Event
from zhiben.common.inputs import parse
from zhiben.hazards import rules
from zhiben.hazards.events import event_summary
from zhiben.hazards.exports import COLUMNS, TIMELINE_COLUMNS
from zhiben.hazards.inputs import HazardCancellation, HazardSubmission, HazardSupervision
from zhiben.hazards.services import hazard_cancel, hazard_submit, hazard_supervise
from zhiben.tests_support import factories

from .conftest import new_hazard, planned

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TODAY = datetime.date(2025, 8, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch) -> None:
    monkeypatch.setattr(rules, "today", lambda: TODAY)


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def table(response, columns=COLUMNS) -> list[dict[str, Any]]:
    """The workbook's rows as dicts keyed by the Chinese headers (checking the frozen, labelled header)."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in columns]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def ids(response) -> set[Any]:
    return {row["编号"] for row in table(response)}


@pytest.fixture
def hazards(officer, admin_user, firm, other_firm):
    """At the county's firm: a major hazard, planned and overdue, listed; a general one closed on time.
    At the other county's firm: one general hazard."""
    major = planned(officer, new_hazard(officer, firm))  # deadline 2025-06-30: overdue on TODAY
    hazard_supervise(
        hazard_id=major.pk,
        actor=admin_user,
        supervision=parse(HazardSupervision, {"level": "city", "notice_no": "渝安委办〔2025〕8号"}),
    )
    general = new_hazard(
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
        hazard_id=general.pk,
        actor=officer,
        submission=parse(HazardSubmission, {"summary": "已清理", "attachments": []}),
    )
    far = new_hazard(admin_user, other_firm, title="配电箱未接地", level="general", criterion="", source="inspection")
    return major, general, far


def test_the_list_page_links_an_export_that_keeps_the_filters(officer, hazards) -> None:
    page = signed_in(officer).get("/hazards/", {"level": "major", "overdue": "1"}).content.decode()
    assert 'href="/hazards/?level=major&amp;overdue=1&amp;format=xlsx"' in page and "导出 Excel" in page


def test_the_export_has_every_matching_row_with_chinese_labels_and_real_dates(officer, hazards, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "PAGE_SIZE": 1}
    major, general, _ = hazards
    r = signed_in(officer).get("/hazards/", {"format": "xlsx"})
    assert "filename*=UTF-8''隐患清单-20250801.xlsx" in unquote(r["Content-Disposition"])
    rows = {row["编号"]: row for row in table(r)}
    assert set(rows) == {major.pk, general.pk}  # both pages, the other county's hazard left out
    m, g = rows[major.pk], rows[general.pk]
    assert m["统一社会信用代码"] == major.enterprise.credit_code and m["企业名称"] == "秀山县清溪化工有限公司"
    assert m["区划代码"] == "500241" and "秀山" in str(m["所在区划"]) and m["行业领域"] == "化工和危险化学品"
    assert (m["隐患级别"], m["来源"], m["状态"]) == ("重大", "企业自查", "整改中")
    assert m["判定依据条款"] == "SAWS121C-1" and m["隐患名称"] == "反应釜区域可燃气体报警器失效"
    assert m["发现日期"] == datetime.datetime(2025, 3, 1) and m["整改期限"] == datetime.datetime(2025, 6, 30)
    assert (m["存量/增量"], m["逾期"], m["销号日期"], m["按期销号"]) == ("增量", "是", None, None)
    assert m["挂牌督办"] == "市级挂牌督办" and m["督办文号"] == "渝安委办〔2025〕8号"
    assert m["整改责任人"] == "陈建国" and m["整改措施"] == "更换报警器并联锁" and m["整改资金（元）"] == 12000
    assert (g["隐患级别"], g["来源"], g["状态"], g["隐患部位"]) == ("一般", "督导检查/执法检查", "已销号", "成品仓库")
    assert (g["存量/增量"], g["逾期"], g["按期销号"]) == ("存量", "否", "否")  # closed today, after its deadline
    assert g["销号日期"] == datetime.datetime(2025, 8, 1)  # closed "today"
    assert g["挂牌督办"] is None and isinstance(g["登记时间"], datetime.datetime)


def test_the_filters_apply(officer, hazards) -> None:
    major, general, _ = hazards
    c = signed_in(officer)
    assert ids(c.get("/hazards/", {"format": "xlsx", "level": "major"})) == {major.pk}
    assert ids(c.get("/hazards/", {"format": "xlsx", "overdue": "1"})) == {major.pk}
    assert ids(c.get("/hazards/", {"format": "xlsx", "cohort": "stock"})) == {general.pk}
    assert ids(c.get("/hazards/", {"format": "xlsx", "q": "仓库"})) == {general.pk}


def test_an_officer_of_another_county_exports_only_that_county(outsider, hazards) -> None:
    assert ids(signed_in(outsider).get("/hazards/", {"format": "xlsx"})) == {hazards[2].pk}


def test_an_enterprise_user_exports_only_its_own_firms_hazards(firm_user, hazards, officer) -> None:
    elsewhere = factories.enterprise(region="500241", sector="hazardous_chemicals")
    new_hazard(officer, elsewhere)
    major, general, _ = hazards
    assert ids(signed_in(firm_user).get("/hazards/", {"format": "xlsx"})) == {major.pk, general.pk}


def test_the_api_export_takes_the_list_parameters_and_keeps_the_scope(api_as, officer, outsider, hazards) -> None:
    major, general, far = hazards
    assert ids(api_as(officer).get("/api/v1/hazards/export", {"level": "major", "listed": "true"})) == {major.pk}
    assert ids(api_as(officer).get("/api/v1/hazards/export", {"status": "active"})) == {major.pk}
    assert ids(api_as(officer).get("/api/v1/hazards/export")) == {major.pk, general.pk}
    assert ids(api_as(outsider).get("/api/v1/hazards/export")) == {far.pk}
    bad = api_as(officer).get("/api/v1/hazards/export", {"cohort": "old"})
    assert bad.status_code == 422 and "cohort" in bad.json()["errors"]


def test_the_number_of_queries_does_not_grow_with_the_rows(officer, firm, django_assert_max_num_queries) -> None:
    c = signed_in(officer)
    new_hazard(officer, firm)
    c.get("/hazards/", {"format": "xlsx"})  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert len(table(c.get("/hazards/", {"format": "xlsx"}))) == 1
    for _ in range(30):
        planned(officer, new_hazard(officer, firm))
    with django_assert_max_num_queries(len(few)):
        assert len(table(c.get("/hazards/", {"format": "xlsx"}))) == 31
    with django_assert_max_num_queries(len(few)):
        assert len(table(c.get("/api/v1/hazards/export"))) == 31


# --- the timeline ---------------------------------------------------------------------------------


def test_the_detail_page_links_the_timeline_export(officer, hazards) -> None:
    major = hazards[0]
    page = signed_in(officer).get(f"/hazards/{major.pk}/").content.decode()
    assert f'href="/hazards/{major.pk}/?format=xlsx"' in page and "导出全过程记录" in page


def test_the_timeline_export_reads_in_chinese_in_beijing_time(officer, hazards) -> None:
    major = hazards[0]
    r = signed_in(officer).get(f"/hazards/{major.pk}/", {"format": "xlsx"})
    assert f"filename*=UTF-8''隐患{major.pk}全过程记录.xlsx" in unquote(r["Content-Disposition"])
    rows = table(r, TIMELINE_COLUMNS)
    events = list(Event.objects.filter(subject_type="hazard", subject_id=str(major.pk)).order_by("id"))
    assert [row["事项"] for row in rows] == ["登记隐患", "制定整改方案", "挂牌督办"]
    assert [row["序号"] for row in rows] == [1, 2, 3]
    first = timezone.localtime(events[0].at).replace(tzinfo=None)
    assert abs(rows[0]["时间（北京时间）"] - first) < datetime.timedelta(seconds=1)
    assert rows[0]["操作人"] == events[0].actor_name
    assert "反应釜区域可燃气体报警器失效" in rows[0]["内容"] and "重大隐患" in rows[0]["内容"]
    assert "责任人 陈建国" in rows[1]["内容"] and "期限 2025-06-30" in rows[1]["内容"]
    assert "市级挂牌督办" in rows[2]["内容"] and "渝安委办〔2025〕8号" in rows[2]["内容"]


def test_the_api_timeline_export_and_its_404_outside_the_scope(api_as, officer, outsider, firm_user, hazards) -> None:
    major, general, far = hazards
    rows = table(api_as(officer).get(f"/api/v1/hazards/{general.pk}/events/export"), TIMELINE_COLUMNS)
    assert [row["事项"] for row in rows] == ["登记隐患", "申请销号", "销号"]
    assert rows[1]["内容"] == "已清理"
    assert api_as(outsider).get(f"/api/v1/hazards/{major.pk}/events/export").status_code == 404
    assert api_as(firm_user).get(f"/api/v1/hazards/{far.pk}/events/export").status_code == 404
    assert api_as(officer).get("/api/v1/hazards/999999/events/export").status_code == 404
    assert signed_in(outsider).get(f"/hazards/{major.pk}/", {"format": "xlsx"}).status_code == 404
    assert signed_in(firm_user).get(f"/hazards/{major.pk}/", {"format": "xlsx"}).status_code == 200


def test_every_kind_of_event_has_a_readable_summary(officer, admin_user, firm) -> None:
    hazard = new_hazard(officer, firm, level="general", criterion="")
    hazard_cancel(hazard_id=hazard.pk, actor=admin_user, cancellation=parse(HazardCancellation, {"reason": "误报"}))
    assert event_summary("cancelled", {"reason": "误报"}) == "误报"
    assert event_summary("reported", {"to": "workers_congress", "on": "2025-03-02"}) == "职工代表大会，2025-03-02"
    assert event_summary("closed", {"closed_on": "2025-03-02", "by": "review"}) == "销号日期 2025-03-02，审核销号"
    assert event_summary("escalated", {"label": "函告", "deadline": datetime.date(2025, 1, 1)}) == (
        "函告，超过整改期限 2025-01-01"
    )
    assert event_summary("attachment_added", {"name": "after.jpg"}) == "《after.jpg》"
    assert event_summary("planned", {"funds": Decimal("12000"), "deadline": "2025-06-30"}) == (
        "期限 2025-06-30，资金 12000 元"
    )
    assert event_summary("something_new", {"x": 1}) == '{"x": 1}'
    rows = table(signed_in(officer).get(f"/hazards/{hazard.pk}/", {"format": "xlsx"}), TIMELINE_COLUMNS)
    assert rows[-1]["事项"] == "撤销" and rows[-1]["内容"] == "误报"
