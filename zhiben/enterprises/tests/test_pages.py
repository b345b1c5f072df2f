"""The register's web pages: Chinese, scoped, with field errors, working without and with htmx."""

from __future__ import annotations

import pytest
from django.test import Client

from zhiben.enterprises.models import Enterprise
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_list_shows_only_the_scope(officer, firm, other_firm) -> None:
    page = signed_in(officer).get("/enterprises/").content.decode()
    assert firm.name in page and other_firm.name not in page
    assert "企业清单" in page


def test_the_list_filters_by_sector_and_region(officer, firm, township) -> None:
    here = factories.enterprise(region=township, sector="machinery", name="清溪机械有限公司")
    c = signed_in(officer)
    page = c.get("/enterprises/", {"sector": "machinery"}).content.decode()
    assert here.name in page and firm.name not in page
    page = c.get("/enterprises/", {"region": township}).content.decode()
    assert here.name in page and firm.name not in page
    # htmx asks for the results fragment only
    fragment = c.get("/enterprises/", {"q": "机械"}, headers={"HX-Request": "true", "HX-Target": "results"})
    assert "<html" not in fragment.content.decode() and here.name in fragment.content.decode()


def test_the_list_pages_through_results(officer) -> None:
    for _ in range(55):
        factories.enterprise(region="500241")
    c = signed_in(officer)
    assert "第 1 / 2 页" in c.get("/enterprises/").content.decode()
    assert "第 2 / 2 页" in c.get("/enterprises/", {"page": 2}).content.decode()


def test_detail_pages_outside_scope_are_404(officer, outsider, firm, firm_user) -> None:
    assert signed_in(officer).get(f"/enterprises/{firm.credit_code}/").status_code == 200
    assert signed_in(outsider).get(f"/enterprises/{firm.credit_code}/").status_code == 404
    assert signed_in(outsider).get(f"/enterprises/{firm.credit_code}/edit/").status_code == 404
    assert signed_in(firm_user).get(f"/enterprises/{firm.credit_code}/").status_code == 200
    assert signed_in(firm_user).get(f"/enterprises/{firm.credit_code}/edit/").status_code == 404
    assert signed_in(firm_user).get("/enterprises/new/").status_code == 404


def test_registering_through_the_form(officer) -> None:
    c = signed_in(officer)
    assert c.get("/enterprises/new/").status_code == 200
    r = c.post(
        "/enterprises/new/",
        {
            "credit_code": "91440300708461136T",
            "name": "秀山县新登记有限公司",
            "region": "500241",
            "sector": "commerce",
            "status": "operating",
            "high_risk": "",
        },
    )
    assert r.status_code == 302
    e = Enterprise.objects.get(credit_code="91440300708461136T")
    assert e.high_risk is False
    detail = c.get(r["Location"]).content.decode()
    assert "秀山县新登记有限公司" in detail and "登记了该企业" in detail


def test_the_form_names_bad_fields_in_chinese_and_saves_nothing(officer, firm) -> None:
    c = signed_in(officer)
    r = c.post(
        "/enterprises/new/",
        {
            "credit_code": "91440300708461136X",
            "name": "",
            "region": "110105",
            "sector": "commerce",
            "status": "operating",
            "employees": "很多",
        },
    )
    page = r.content.decode()
    assert r.status_code == 422
    assert "请修改标红的字段" in page
    assert "输入整数" in page or "整数" in page  # Django's Chinese message for employees
    r = c.post(
        "/enterprises/new/",
        {
            "credit_code": "91440300708461136X",
            "name": "某公司",
            "region": "110105",
            "sector": "commerce",
            "status": "operating",
        },
    )
    page = r.content.decode()
    assert "校验位错误" in page and "管辖范围" in page
    r = c.post(
        "/enterprises/new/",
        {
            "credit_code": firm.credit_code,
            "name": "某公司",
            "region": "500241",
            "sector": "commerce",
            "status": "operating",
        },
    )
    assert "已登记" in r.content.decode()
    assert Enterprise.objects.count() == 1


def test_editing_records_what_changed(officer, firm) -> None:
    c = signed_in(officer)
    form = c.get(f"/enterprises/{firm.credit_code}/edit/").content.decode()
    assert firm.name in form
    r = c.post(
        f"/enterprises/{firm.credit_code}/edit/",
        {
            "name": firm.name,
            "region": "500241",
            "sector": "hazardous_chemicals",
            "status": "suspended",
            "risk_level": "red",
            "high_risk": "1",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    firm.refresh_from_db()
    assert firm.status == "suspended" and firm.risk_level == "red"
    detail = c.get(f"/enterprises/{firm.credit_code}/").content.decode()
    assert "修改了" in detail and "经营状态" in detail and "安全风险等级" in detail


def test_the_home_page_counts_the_scope(officer, firm, other_firm) -> None:
    page = signed_in(officer).get("/").content.decode()
    assert "化工和危险化学品" in page and "机械" not in page.split("按行业领域")[1]


def test_the_region_picker_starts_at_the_officers_region(officer, township) -> None:
    c = signed_in(officer)
    page = c.get("/regions/picker/", {"_rp": township}).content.decode()
    assert "秀山土家族苗族自治县" in page and 'value="500241100"' in page
    outside = c.get("/regions/picker/", {"_rp": "110105"}).content.decode()
    assert 'value="110105"' not in outside  # cannot pick outside the scope


def test_the_admin_site_shows_the_log_read_only(admin_user, firm) -> None:
    c = signed_in(admin_user)
    assert c.get("/admin/audit/event/").status_code == 200
    assert c.get("/admin/enterprises/enterprise/").status_code == 200
    assert c.get("/admin/reference/criterion/?q=粉尘").status_code == 200


def test_the_404_page_is_chinese_and_keeps_the_navigation(outsider, firm) -> None:
    page = signed_in(outsider).get(f"/enterprises/{firm.credit_code}/").content.decode()
    assert "不在您的管辖范围内" in page and "企业清单" in page
