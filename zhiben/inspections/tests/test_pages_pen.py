"""The pages of penalties, plans, officers and experts: what each shows, the forms recording through the same
services (once per form token), refusals named in Chinese by the field's label, and who may not open them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhiben.inspections.models import Expert, ExpertRelation, InspectionPlan, LawOfficer, Penalty
from zhiben.inspections.tests import factories_pen as f

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def token(page: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found, "the form carries its token"
    return found.group(1)


@pytest.fixture
def emergency() -> Any:
    return f.unit()


@pytest.fixture
def bureau_officer(emergency: Any) -> Any:
    return f.member("bureau1", emergency)


def test_a_penalty_is_recorded_from_an_inspection_on_its_page(bureau_officer, emergency, firm) -> None:
    visit = f.inspection(firm, bureau_officer, department=emergency)
    c = client_for(bureau_officer)
    page = c.get("/inspections/penalties/", {"inspection": visit.pk})
    text = page.content.decode()
    assert page.status_code == 200 and firm.name in text and 'list="penalty-bases"' in text
    assert "第一百一十二条" in text and 'class="table-wrap"' in text
    body = {
        "form_token": token(text),
        "inspection": visit.pk,
        "kind": "fine",
        "decided_on": "2026-03-10",
        "amount": "20000",
        "basis": "安全生产法 第一百零二条",
    }
    r = c.post("/inspections/penalties/", body)
    assert r.status_code in (302, 303), r.content.decode()[:500]
    made = Penalty.objects.get()
    assert made.inspection_id == visit.pk and made.amount == Decimal("20000.00")
    assert c.post("/inspections/penalties/", body).status_code in (302, 303)  # the same form again: one penalty
    assert Penalty.objects.count() == 1
    detail = c.get(f"/inspections/penalties/{made.pk}/").content.decode()
    assert "登记行政处罚" in detail and 'name="paid_amount"' in detail


def test_a_refused_penalty_names_the_fields_in_chinese(bureau_officer, firm) -> None:
    c = client_for(bureau_officer)
    text = c.get("/inspections/penalties/").content.decode()
    r = c.post(
        "/inspections/penalties/",
        {"form_token": token(text), "enterprise": firm.credit_code, "decided_on": "2026-03-10", "amount": "-5"},
    )
    assert r.status_code == 422
    page = r.content.decode()
    assert "罚款金额" in page and "请填写处罚依据" in page
    assert "amount" not in re.sub(r"<[^>]+>", "", page.split('role="alert"')[1][:300])
    assert not Penalty.objects.exists()


def test_the_payment_form_records_the_payment(bureau_officer, firm, firm_user) -> None:
    c = client_for(bureau_officer)
    text = c.get("/inspections/penalties/").content.decode()
    c.post(
        "/inspections/penalties/",
        {
            "form_token": token(text),
            "enterprise": firm.credit_code,
            "decided_on": "2026-03-10",
            "amount": "8000",
            "basis": "安全生产法 第九十九条",
        },
    )
    made = Penalty.objects.get()
    page = c.get(f"/inspections/penalties/{made.pk}/").content.decode()
    r = c.post(
        f"/inspections/penalties/{made.pk}/",
        {"form_token": token(page), "payment": "paid", "paid_on": "2026-03-20"},
    )
    assert r.status_code in (302, 303)
    made.refresh_from_db()
    assert made.payment == "paid" and made.paid_amount == Decimal("8000.00")
    # the enterprise sees its penalty without the form, and in its list
    own = client_for(firm_user)
    assert 'name="paid_amount"' not in own.get(f"/inspections/penalties/{made.pk}/").content.decode()
    assert f'href="/inspections/penalties/{made.pk}/"' in own.get("/inspections/penalties/").content.decode()
    assert "登记行政处罚决定" not in own.get("/inspections/penalties/").content.decode()
    # and no links to the regulators' own pages (plans, officers, experts), which it may not open
    assert 'href="/inspections/plans/"' not in own.get("/inspections/penalties/").content.decode()
    assert 'href="/inspections/plans/"' in text


def test_a_bad_filter_is_named_and_the_export_keeps_the_filters(bureau_officer) -> None:
    c = client_for(bureau_officer)
    page = c.get("/inspections/penalties/", {"from": "昨天"}).content.decode()
    assert "起始日期" in page
    page = c.get("/inspections/penalties/", {"payment": "paid", "from": "2026-01-01"}).content.decode()
    assert "/api/v1/penalties/export?from=2026-01-01&amp;payment=paid" in page


def test_officers_page_registers_and_changes_an_officer(bureau_officer, emergency, firm_user) -> None:
    c = client_for(bureau_officer)
    text = c.get("/inspections/officers/").content.decode()
    assert emergency.name in text
    body = {
        "form_token": token(text),
        "action": "add",
        "department": emergency.pk,
        "name": "张三",
        "certificate_no": "渝应急执500401",
        "valid_to": "2028-12-31",
    }
    assert c.post("/inspections/officers/", body).status_code in (302, 303)
    officer = LawOfficer.objects.get()
    text = c.get("/inspections/officers/").content.decode()
    assert "渝应急执500401" in text
    again = c.post("/inspections/officers/", {**body, "form_token": token(text), "name": "张叁"})
    assert again.status_code == 409 and "执法证号 渝应急执500401 已登记" in again.content.decode()
    text = again.content.decode()
    change = {"form_token": token(text), "action": "change", "officer": officer.pk, "valid_to": "2020-01-01"}
    assert c.post("/inspections/officers/", change).status_code in (302, 303)
    officer.refresh_from_db()
    assert officer.active is False and str(officer.certificate_valid_to) == "2020-01-01"
    assert "已过期" in c.get("/inspections/officers/").content.decode()
    assert client_for(firm_user).get("/inspections/officers/").status_code == 404


def test_experts_page_registers_an_expert_and_a_tie(bureau_officer, firm, firm_user) -> None:
    c = client_for(bureau_officer)
    text = c.get("/inspections/experts/").content.decode()
    body = {
        "form_token": token(text),
        "action": "add",
        "region": "500241",
        "name": "王专家",
        "phone": "023-61234567",
        "sectors": ["hazardous_chemicals", "fireworks"],
    }
    assert c.post("/inspections/experts/", body).status_code in (302, 303)
    expert = Expert.objects.get()
    assert expert.sectors == ["hazardous_chemicals", "fireworks"]
    text = c.get("/inspections/experts/").content.decode()
    assert "化工和危险化学品" in text
    relate = {
        "form_token": token(text),
        "action": "relate",
        "expert": expert.pk,
        "enterprise": firm.credit_code,
        "kind": "kin",
    }
    assert c.post("/inspections/experts/", relate).status_code in (302, 303)
    assert ExpertRelation.objects.get().enterprise_id == firm.pk
    fresh = token(c.get("/inspections/experts/").content.decode())
    bad = c.post("/inspections/experts/", {**body, "form_token": fresh, "phone": "12345"})
    assert bad.status_code == 422 and "联系电话" in bad.content.decode()
    assert client_for(firm_user).get("/inspections/experts/").status_code == 404


def test_plans_pages_make_a_plan_and_show_its_progress(bureau_officer, emergency, firm, firm_user) -> None:
    c = client_for(bureau_officer)
    text = c.get("/inspections/plans/").content.decode()
    body = {
        "form_token": token(text),
        "department": emergency.pk,
        "region": "500241",
        "year": "2026",
        "title": "2026年度监督检查计划",
        "freq_A": "6",
        "key_sectors": ["hazardous_chemicals"],
        "random_draws": "2",
    }
    r = c.post("/inspections/plans/", body)
    assert r.status_code in (302, 303), r.content.decode()[:800]
    plan = InspectionPlan.objects.get()
    assert plan.frequencies["A"] == 6
    detail = c.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert "按监管分类" in detail and "<progress" in detail and "化工和危险化学品" in detail
    assert f"/api/v1/inspection-plans/{plan.pk}/progress.xlsx" in detail
    again = c.post("/inspections/plans/", {**body, "form_token": token(c.get("/inspections/plans/").content.decode())})
    assert again.status_code == 409 and "已有2026年度监督检查计划" in again.content.decode()
    fresh = token(c.get("/inspections/plans/").content.decode())
    bad = c.post("/inspections/plans/", {**body, "form_token": fresh, "year": "2027", "freq_B": "99"})
    assert bad.status_code == 422 and "分类检查频次" in bad.content.decode()
    assert client_for(firm_user).get("/inspections/plans/").status_code == 404
    assert client_for(firm_user).get(f"/inspections/plans/{plan.pk}/").status_code == 404
