"""The inspection pages without script (every form is a plain POST): the new-inspection form prefilled from a
draw's pick, a tip or a plan item, sent once however often it is sent; the checklist form with results, notes,
photos and a free line, then completion; findings from the page; refusals in Chinese beside their fields."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhiben.departments.models import Department
from zhiben.hazards.models import Hazard
from zhiben.inspections.models import CheckItem, Draw, Inspection, InspectionPhoto, InspectionPlan, LawOfficer, PlanItem
from zhiben.tests_support import files

from . import factories_inspections as f

pytestmark = pytest.mark.django_db


class Unit(NamedTuple):
    """The county's 应急管理局 and two of its law-enforcement officers (张执法 is the signed-in officer)."""

    dept: Department
    a: LawOfficer
    b: LawOfficer


TOKEN = "page-form-token-0001"


@pytest.fixture
def unit(officer: Any) -> Any:
    emergency = f.unit()
    f.member(officer, emergency)
    return Unit(emergency, f.officer(emergency, name="张执法", user=officer), f.officer(emergency, name="李执法"))


@pytest.fixture
def client(officer: Any) -> Client:
    c = Client()
    c.force_login(officer)
    return c


def _new(firm: Any, unit: Any, **extra: Any) -> dict[str, Any]:
    return {
        "enterprise": firm.credit_code,
        "kind": "special",
        "on": "2025-06-03",
        "officers": [unit.a.pk, unit.b.pk],
        "leader": f"officer:{unit.b.pk}",
        "flags": ["unannounced"],
        "form_token": TOKEN,
        **extra,
    }


def test_the_form_records_an_inspection_once_however_often_it_is_sent(client, firm, unit) -> None:
    page = client.get("/inspections/new/").content.decode()
    assert "data-offline" in page and 'name="client_key"' in page and "inspections.js" in page
    assert "张执法" in page and re.search(rf'value="{unit.a.pk}" checked', page)  # the officer's own record, ticked
    first = client.post("/inspections/new/", _new(firm, unit))
    assert first.status_code in (302, 303)
    again = client.post("/inspections/new/", _new(firm, unit))
    assert again["Location"] == first["Location"]
    inspection = Inspection.objects.get()
    assert inspection.client_key == TOKEN and inspection.flags == ["unannounced"]
    assert inspection.team.get(role="leader").name == "李执法"
    # the script's own key, sent again after the network came back, is the same inspection
    key = "0f6b1c2d3e4f5a6b7c8d9e0f1a2b3c4d"
    r = client.post("/inspections/new/", _new(firm, unit, form_token="another-form-token-2", client_key=key))
    r2 = client.post("/inspections/new/", _new(firm, unit, form_token="another-form-token-3", client_key=key))
    assert r["Location"] == r2["Location"] and Inspection.objects.count() == 2


def test_refusals_are_said_in_chinese_beside_their_fields(client, firm, unit) -> None:
    r = client.post("/inspections/new/", _new(firm, unit, on="2999-01-01", kind="", officers=[], names=""))
    assert r.status_code == 422
    page = r.content.decode()
    assert "检查日期不能晚于今天" in page and "请选择检查方式" in page and "请填写检查组成员" in page
    assert not Inspection.objects.exists()


def test_the_form_starts_from_a_draws_pick_a_tip_or_a_plan_item(client, officer, firm, unit) -> None:
    draw = Draw.objects.create(
        region_id="500241",
        department=unit.dept,
        year=2025,
        serial=1,
        title="危化企业双随机抽查",
        seed="s",
        algorithm="sha256-rank",
        algorithm_version="1",
        pool_digest="0" * 64,
        picks=[{"enterprise": firm.credit_code, "inspectors": [unit.b.certificate_no]}],
        drawn_by=officer,
        status="published",
    )
    page = client.get(f"/inspections/new/?draw={draw.pk}&enterprise={firm.credit_code}").content.decode()
    assert "危化企业双随机抽查" in page and firm.name in page and f'name="draw" value="{draw.pk}"' in page
    assert re.search(rf'value="{unit.b.pk}" checked', page) and not re.search(rf'value="{unit.a.pk}" checked', page)
    plan = InspectionPlan.objects.create(
        region_id="500241", department=unit.dept, year=2025, title="年度计划", created_by=officer
    )
    item = PlanItem.objects.create(plan=plan, enterprise=firm, planned=2)
    page = client.get(f"/inspections/new/?plan_item={item.pk}").content.decode()
    assert f'name="plan_item" value="{item.pk}"' in page and firm.credit_code in page
    assert 'value="planned" selected' in page


def test_the_checklist_form_saves_results_photos_and_a_free_line_then_completes(client, firm, unit) -> None:
    client.post("/inspections/new/", _new(firm, unit))
    inspection = Inspection.objects.get()
    lines = list(inspection.items.order_by("position"))
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert 'capture="environment"' in page and f'name="result_{lines[0].pk}"' in page and "符合" in page
    data: dict[str, Any] = {f"result_{line.pk}": "pass" for line in lines[1:]}
    data.update({f"result_{lines[0].pk}": "fail", f"note_{lines[0].pk}": "未经考核合格", "add_text": "安全出口锁闭"})
    data[f"photo_{lines[0].pk}"] = SimpleUploadedFile("a.jpg", files.jpeg(), content_type="image/jpeg")
    r = client.post(f"/inspections/{inspection.pk}/items/", data)
    assert r.status_code in (302, 303), r.content.decode()[:2000]
    lines[0].refresh_from_db()
    assert (lines[0].result, lines[0].note) == ("fail", "未经考核合格")
    assert InspectionPhoto.objects.get().item_id == lines[0].pk
    free = CheckItem.objects.get(inspection=inspection, text="安全出口锁闭")
    # completion refused while the free line is pending: nothing of that request is kept, its photo neither
    r = client.post(
        f"/inspections/{inspection.pk}/items/",
        {
            "action": "complete",
            "summary": "检查完毕",
            "acknowledged_by": "陈建国",
            f"photo_{free.pk}": SimpleUploadedFile("b.png", files.png(), content_type="image/png"),
        },
    )
    assert r.status_code == 422 and "未检查" in r.content.decode()
    assert InspectionPhoto.objects.count() == 1
    r = client.post(
        f"/inspections/{inspection.pk}/items/",
        {f"result_{free.pk}": "fail", "action": "complete", "summary": "检查完毕", "acknowledged_by": "陈建国"},
    )
    assert r.status_code in (302, 303)
    inspection.refresh_from_db()
    assert inspection.status == "done" and inspection.acknowledged_by == "陈建国"
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "保存检查结果" not in page and "被检查单位签字人：陈建国" in page


def test_a_finding_from_the_page_and_every_failed_line_at_once(client, firm, unit) -> None:
    client.post("/inspections/new/", _new(firm, unit))
    inspection = Inspection.objects.get()
    lines = list(inspection.items.order_by("position"))
    page = client.get(f"/inspections/{inspection.pk}/?finding={lines[2].pk}").content.decode()
    assert f'<option value="{lines[2].pk}" selected>' in page
    r = client.post(
        f"/inspections/{inspection.pk}/findings/",
        {"item": lines[2].pk, "level": "major", "deadline": "2025-07-01", "form_token": "finding-token-0001"},
    )
    assert r.status_code in (302, 303)
    hazard = Hazard.objects.get()
    assert (hazard.source, hazard.level, hazard.criterion_id) == ("inspection", "major", lines[2].criterion_id)
    r = client.post(f"/inspections/{inspection.pk}/findings/", {"title": "x", "level": "major", "form_token": "t" * 20})
    assert r.status_code == 422 and "判定" in r.content.decode()
    client.post(
        f"/inspections/{inspection.pk}/items/", {f"result_{lines[5].pk}": "fail", f"result_{lines[6].pk}": "fail"}
    )
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "将 2 项不符合项全部生成隐患" in page
    r = client.post(
        f"/inspections/{inspection.pk}/findings/",
        {"from_failed_items": "1", "level": "general", "form_token": "bulk-token-000001"},
    )
    assert r.status_code in (302, 303) and Hazard.objects.count() == 3


def test_the_service_worker_is_served_for_the_inspection_pages(client) -> None:
    r = Client().get("/inspections/offline.js")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/inspections/" and "data-offline-copy" in r.content.decode()


def test_an_enterprise_user_cannot_open_the_form(firm_user) -> None:
    c = Client()
    c.force_login(firm_user)
    assert c.get("/inspections/new/").status_code == 403
    assert "登记检查" not in c.get("/inspections/").content.decode()
