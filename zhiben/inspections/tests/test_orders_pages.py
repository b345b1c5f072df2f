"""The orders area's pages: the block an inspection's page includes (forms, orders with their due days, the
documents with their numbers or the reason they cannot be had), the page its forms post to, the printable view,
and the unit's list of orders with the late re-inspections in red."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory

from zhiben.common import dates
from zhiben.hazards import rules as hazard_rules
from zhiben.hazards.models import Hazard, Status
from zhiben.inspections.models import Order, OrderStatus
from zhiben.tests_support import files

from . import factories_orders as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 10)
INSPECTED = datetime.date(2025, 6, 2)


@pytest.fixture(autouse=True)
def today(monkeypatch) -> datetime.date:
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    monkeypatch.setattr(hazard_rules, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def visit(officer, firm) -> Any:
    inspection = f.inspection(officer, firm, on=INSPECTED, unit=f.department())
    general = f.finding(inspection, officer, title="安全出口堵塞")
    return inspection, general


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token(page: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found, "the form carries its token"
    return found.group(1)


def test_an_officer_issues_an_order_from_the_page(officer, visit) -> None:
    inspection, general = visit
    client = signed_in(officer)
    url = f"/inspections/{inspection.pk}/orders/"
    page = client.get(url).content.decode()
    assert "<summary>下达责令限期整改指令书</summary>" in page and "<summary>下达现场处理措施决定书</summary>" in page
    assert f'name="hazards" value="{general.pk}" checked' in page
    form = {
        "kind": "rectify",
        "action": "rectify",
        "deadline": "2025-06-01",
        "hazards": [general.pk],
        "issued_on": "2025-06-03",
    }
    refused = client.post(url, {**form, "form_token": token(page)})
    assert refused.status_code == 422 and "整改期限不能早于检查日期" in refused.content.decode()
    assert not Order.objects.exists()
    sent = {**form, "deadline": "2025-06-30", "form_token": token(page)}
    done = client.post(url, sent)
    order = Order.objects.get()
    assert done.status_code in (302, 303) and done["Location"].endswith(f"#order-{order.pk}")
    assert client.post(url, sent)["Location"] == done["Location"]  # the same form twice: one order
    assert Order.objects.count() == 1
    page = client.get(url).content.decode()
    assert "待复查" in page and "2025-06-30" in page and "<summary>下达责令限期整改指令书</summary>" not in page
    assert "<summary>登记复查</summary>" in page and "（首次下载即编号出具）" in page


def test_measures_are_ticked_or_written(officer, visit) -> None:
    inspection, _ = visit
    client = signed_in(officer)
    url = f"/inspections/{inspection.pk}/orders/"
    page = client.get(url).content.decode()
    form = {"kind": "measures", "action": "measures", "measures": ["停止作业"], "measures_other": "封存二号仓库\n\n"}
    client.post(url, {**form, "form_token": token(page)})
    assert Order.objects.get().measures == ["停止作业", "封存二号仓库"]


def test_a_reinspection_from_the_page_closes_the_findings(officer, visit) -> None:
    inspection, general = visit
    order = Order.objects.create(
        inspection=inspection,
        kind="rectify",
        issued_on=datetime.date(2025, 6, 3),
        deadline=datetime.date(2025, 6, 8),
        reinspection_due=datetime.date(2025, 6, 9),
        region_code=inspection.region_id,
        created_by=officer,
    )
    order.hazards.set([general])
    client = signed_in(officer)
    page = client.get(f"/inspections/{inspection.pk}/orders/").content.decode()
    assert "逾期未复查" in page
    form: dict[str, Any] = {"on": "2025-06-10", "passed": "true", "verdict": "出口已清理", "form_token": token(page)}
    form["files"] = io.BytesIO(files.jpeg())
    done = client.post(f"/inspections/orders/{order.pk}/reinspection/", form)
    assert done.status_code in (302, 303)
    assert Hazard.objects.get(pk=general.pk).status == Status.CLOSED
    assert Order.objects.get().status == OrderStatus.PASSED
    assert "复查合格" in client.get(f"/inspections/{inspection.pk}/orders/").content.decode()
    assert client.get(f"/inspections/orders/{order.pk}/reinspection/")["Location"].endswith(f"#order-{order.pk}")


def test_a_refused_reinspection_shows_why(officer, visit) -> None:
    inspection, general = visit
    order = Order.objects.create(
        inspection=inspection,
        kind="rectify",
        issued_on=datetime.date(2025, 6, 3),
        deadline=datetime.date(2025, 6, 8),
        reinspection_due=datetime.date(2025, 6, 9),
        region_code=inspection.region_id,
        created_by=officer,
    )
    order.hazards.set([general])
    r = signed_in(officer).post(
        f"/inspections/orders/{order.pk}/reinspection/", {"on": "2025-06-01", "passed": "false", "verdict": "x"}
    )
    assert r.status_code == 422 and "复查日期不能早于指令下达日期" in r.content.decode()


def test_the_block_included_by_an_inspection_page_needs_only_the_inspection(officer, firm_user, visit) -> None:
    inspection, _ = visit
    request = RequestFactory().get(f"/inspections/{inspection.pk}/")
    request.user = officer
    template = Template('{% include "inspections/_inspection_orders.html" with inspection=inspection %}')
    html = template.render(Context({"inspection": inspection, "request": request}))
    assert "执法指令与文书" in html and "<summary>下达责令限期整改指令书</summary>" in html
    assert f"/documents/inspections/{inspection.pk}/inspection_record/" in html
    request.user = firm_user
    html = template.render(Context({"inspection": inspection, "request": request}))
    assert "<summary>下达责令限期整改指令书</summary>" not in html and "尚未由监管部门出具" in html


def test_a_team_that_cannot_issue_shows_the_reason_and_no_forms(officer, firm) -> None:
    inspection = f.inspection(officer, firm, on=INSPECTED, unit=f.department(), officers=1, experts=1)
    f.finding(inspection, officer)
    page = signed_in(officer).get(f"/inspections/{inspection.pk}/orders/").content.decode()
    assert "持证执法人员不足2人" in page and "<summary>下达" not in page
    assert "/documents/inspections/" not in page


def test_the_enterprise_sees_its_orders_and_deadlines_without_forms(officer, firm_user, visit) -> None:
    inspection, general = visit
    client = signed_in(officer)
    page = client.get(f"/inspections/{inspection.pk}/orders/").content.decode()
    form = {"kind": "rectify", "action": "rectify", "deadline": "2025-06-30", "hazards": [general.pk]}
    client.post(f"/inspections/{inspection.pk}/orders/", {**form, "form_token": token(page)})
    page = signed_in(firm_user).get(f"/inspections/{inspection.pk}/orders/").content.decode()
    assert "请于 2025-06-30 前完成整改" in page and f'href="/hazards/{general.pk}/"' in page
    assert "<summary>登记复查</summary>" not in page and "<summary>下达" not in page


def test_the_printable_view_reads_as_the_order(officer, firm_user, outsider, visit) -> None:
    inspection, general = visit
    order = Order.objects.create(
        inspection=inspection,
        kind="rectify",
        issued_on=datetime.date(2025, 6, 3),
        deadline=datetime.date(2025, 6, 30),
        reinspection_due=datetime.date(2025, 7, 3),
        region_code=inspection.region_id,
        created_by=officer,
    )
    order.hazards.set([general])
    page = signed_in(firm_user).get(f"/inspections/orders/{order.pk}/print/").content.decode()
    for expected in ("责令限期整改指令书", "安全出口堵塞", "2025年6月30日前整改完毕", "@media print", "六十日内"):
        assert expected in page, expected
    for member in inspection.team.all():
        assert member.certificate_no in page
    assert signed_in(outsider).get(f"/inspections/orders/{order.pk}/print/").status_code == 404


def test_the_units_list_shows_late_reinspections_in_red(officer, outsider, visit) -> None:
    inspection, _ = visit
    late = Order.objects.create(
        inspection=inspection,
        kind="rectify",
        issued_on=datetime.date(2025, 6, 3),
        deadline=datetime.date(2025, 6, 5),
        reinspection_due=datetime.date(2025, 6, 8),
        region_code=inspection.region_id,
        created_by=officer,
    )
    page = signed_in(officer).get("/inspections/orders/").content.decode()
    assert inspection.enterprise.name in page and "2025-06-08 已逾期" in page and "badge danger" in page
    assert f"#order-{late.pk}" in page
    assert "2025-06-08" in signed_in(officer).get("/inspections/orders/?overdue=1").content.decode()
    assert "暂无执法指令" in signed_in(officer).get("/inspections/orders/?status=passed").content.decode()
    assert inspection.enterprise.name not in signed_in(outsider).get("/inspections/orders/").content.decode()


def test_outsiders_get_404_on_the_pages(outsider, visit) -> None:
    inspection, _ = visit
    client = signed_in(outsider)
    assert client.get(f"/inspections/{inspection.pk}/orders/").status_code == 404
    assert client.post(f"/inspections/{inspection.pk}/orders/", {"kind": "rectify"}).status_code == 404
    assert not Order.objects.exists()
