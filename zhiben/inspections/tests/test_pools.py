"""The inspector pool (执法人员) and the expert pool (专家库): who keeps them, the unique certificate number, bad input
named, the ties that bar an expert from an enterprise (回避), and who sees what."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from zhiben.audit.models import Event
from zhiben.inspections.models import Expert, ExpertRelation, LawOfficer
from zhiben.inspections.tests import factories_pen as f
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def send(c: Client, method: str, url: str, body: Any = None) -> Any:
    return c.generic(method, url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def emergency() -> Any:
    return f.unit()


@pytest.fixture
def bureau_officer(emergency: Any) -> Any:
    return f.member("bureau1", emergency)


def officer_body(unit: Any, **extra: Any) -> dict[str, Any]:
    return {
        "department": unit.pk,
        "name": "张三",
        "certificate_no": "渝应急执500401",
        "valid_to": "2028-12-31",
        **extra,
    }


def test_a_unit_officer_registers_a_colleague_once(bureau_officer, emergency) -> None:
    c = client_for(bureau_officer)
    r = send(c, "POST", "/api/v1/law-officers", officer_body(emergency, certificate_no="渝应急执 500401"))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["certificate_no"] == "渝应急执500401" and body["department_name"] == emergency.name
    assert body["valid"] is True and body["region"] == "500241"
    again = send(c, "POST", "/api/v1/law-officers", officer_body(emergency, name="张叁"))
    assert again.status_code == 409 and "渝应急执500401" in again.json()["errors"]["certificate_no"]
    assert LawOfficer.objects.count() == 1
    assert Event.objects.filter(subject_type="law_officer", kind="registered").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"department": None}, "department"),
        ({"department": 999999}, "department"),
        ({"department": "x"}, "department"),
        ({"name": ""}, "name"),
        ({"certificate_no": ""}, "certificate_no"),
        ({"certificate_no": "1" * 41}, "certificate_no"),
        ({"valid_to": "2026-13-01"}, "valid_to"),
        ({"user": "nobody"}, "user"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_officer_input_is_named(bureau_officer, emergency, change, field) -> None:
    r = send(client_for(bureau_officer), "POST", "/api/v1/law-officers", officer_body(emergency, **change))
    assert r.status_code == 422 and field in r.json()["errors"], r.content


def test_who_keeps_a_units_officers(emergency, officer, outsider, firm_user) -> None:
    housing = f.member("housing1", f.unit("housing", "秀山县住房和城乡建设局"))
    office = f.member("office1", f.unit("committee_office", "秀山县安委会办公室"))
    assert send(client_for(housing), "POST", "/api/v1/law-officers", officer_body(emergency)).status_code == 403
    assert send(client_for(officer), "POST", "/api/v1/law-officers", officer_body(emergency)).status_code == 403
    assert send(client_for(outsider), "POST", "/api/v1/law-officers", officer_body(emergency)).status_code == 422
    assert send(client_for(firm_user), "POST", "/api/v1/law-officers", officer_body(emergency)).status_code == 422
    r = send(client_for(office), "POST", "/api/v1/law-officers", officer_body(emergency))
    assert r.status_code == 201, r.content


def test_an_officer_is_changed_and_an_expired_certificate_shows(bureau_officer, emergency, outsider) -> None:
    man = f.law_officer(emergency, "李四", "渝应急执500402")
    c = client_for(bureau_officer)
    r = send(c, "PATCH", f"/api/v1/law-officers/{man.pk}", {"valid_to": "2020-01-01"})
    assert r.status_code == 200 and r.json()["valid"] is False
    r = send(c, "PATCH", f"/api/v1/law-officers/{man.pk}", {"active": False, "valid_to": None})
    assert r.json()["active"] is False and r.json()["valid_to"] is None
    assert send(c, "PATCH", f"/api/v1/law-officers/{man.pk}", {"name": "王五"}).status_code == 422
    assert send(c, "PATCH", f"/api/v1/law-officers/{man.pk}", {"active": "maybe"}).status_code == 422
    assert send(client_for(outsider), "PATCH", f"/api/v1/law-officers/{man.pk}", {"active": True}).status_code == 404
    man.refresh_from_db()
    assert man.active is False
    assert Event.objects.filter(subject_type="law_officer", kind="changed").count() == 2


def test_a_login_is_linked_once(bureau_officer, emergency) -> None:
    f.member("zhang", emergency)
    c = client_for(bureau_officer)
    r = send(c, "POST", "/api/v1/law-officers", officer_body(emergency, user="zhang"))
    assert r.status_code == 201 and r.json()["user"] == "zhang"
    r = send(c, "POST", "/api/v1/law-officers", officer_body(emergency, certificate_no="渝应急执500403", user="zhang"))
    assert r.status_code == 409 and "zhang" in r.json()["errors"]["user"]


def test_a_unit_officer_sees_the_units_officers_only(bureau_officer, emergency, officer, outsider, firm_user) -> None:
    housing_unit = f.unit("housing", "秀山县住房和城乡建设局")
    f.law_officer(emergency, "张三", "渝应急执500401")
    f.law_officer(housing_unit, "赵六", "渝住建执500401")
    names = lambda u: [o["name"] for o in client_for(u).get("/api/v1/law-officers").json()["items"]]  # noqa: E731
    assert names(bureau_officer) == ["张三"]
    assert sorted(names(officer)) == ["张三", "赵六"]  # a county officer of no unit: the county's
    assert names(outsider) == [] and names(firm_user) == []
    r = client_for(bureau_officer).get("/api/v1/law-officers", {"active": "maybe"})
    assert r.status_code == 422 and "active" in r.json()["errors"]


# --- experts ----------------------------------------------------------------------------------------------------


def expert_body(**extra: Any) -> dict[str, Any]:
    return {
        "region": "500241",
        "name": "王专家",
        "organisation": "重庆化工设计院",
        "title": "高级工程师",
        "phone": "13900139000",
        "sectors": ["hazardous_chemicals", "烟花爆竹"],
        "specialty": "危化工艺安全",
        **extra,
    }


def test_an_expert_and_their_ties(bureau_officer, firm, other_firm, outsider) -> None:
    c = client_for(bureau_officer)
    r = send(c, "POST", "/api/v1/experts", expert_body())
    assert r.status_code == 201, r.content
    expert = r.json()
    assert expert["sectors"] == ["hazardous_chemicals", "fireworks"] and expert["relations"] == []
    url = f"/api/v1/experts/{expert['id']}/relations"
    r = send(c, "POST", url, {"enterprise": firm.credit_code, "kind": "服务", "note": "2025年为其做安全评价"})
    assert r.status_code == 422 and "kind" in r.json()["errors"]
    r = send(c, "POST", url, {"enterprise": firm.credit_code, "kind": "为该企业提供咨询、评价等服务"})
    assert r.status_code == 201 and r.json()["kind"] == "service"
    again = send(c, "POST", url, {"enterprise": firm.credit_code, "kind": "kin"})
    assert again.status_code == 409 and "enterprise" in again.json()["errors"]
    r = send(c, "POST", url, {"enterprise": other_firm.credit_code, "kind": "kin"})
    assert r.status_code == 422 and "enterprise" in r.json()["errors"]
    relation = ExpertRelation.objects.get()
    assert send(client_for(outsider), "DELETE", f"{url}/{relation.pk}").status_code == 404
    assert send(c, "DELETE", f"{url}/{relation.pk}").status_code == 204
    assert send(c, "DELETE", f"{url}/{relation.pk}").status_code == 404
    kinds = list(Event.objects.filter(subject_type="expert").order_by("id").values_list("kind", flat=True))
    assert kinds == ["registered", "relation_added", "relation_removed"]
    assert "13900139000" not in json.dumps(list(Event.objects.values_list("payload", flat=True)))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region": "999999"}, "region"),
        ({"region": "110105"}, "region"),
        ({"name": " "}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"sectors": ["no_such_sector"]}, "sectors"),
        ({"sectors": "x" * 5}, "sectors"),
    ],
)
def test_bad_expert_input_is_named(bureau_officer, change, field) -> None:
    r = send(client_for(bureau_officer), "POST", "/api/v1/experts", expert_body(**change))
    assert r.status_code == 422 and field in r.json()["errors"], r.content
    assert not Expert.objects.exists()


def test_the_expert_pool_is_the_regions(bureau_officer, officer, outsider, firm_user, township) -> None:
    assert send(client_for(bureau_officer), "POST", "/api/v1/experts", expert_body()).status_code == 201
    # a county officer of no unit sees the pool but does not keep it
    assert client_for(officer).get("/api/v1/experts").json()["count"] == 1
    assert send(client_for(officer), "POST", "/api/v1/experts", expert_body(name="李专家")).status_code == 403
    for user in (outsider, firm_user, factories.user("town1", role="officer", region=township)):
        assert client_for(user).get("/api/v1/experts").json()["count"] == 0
    expert = Expert.objects.get()
    assert client_for(outsider).get(f"/api/v1/experts/{expert.pk}").status_code == 404
    r = send(
        client_for(bureau_officer), "PATCH", f"/api/v1/experts/{expert.pk}", {"active": False, "title": "正高级工程师"}
    )
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["title"] == "正高级工程师"
    assert client_for(officer).get("/api/v1/experts", {"sector": "fireworks"}).json()["count"] == 1
    assert client_for(officer).get("/api/v1/experts", {"sector": "mining"}).json()["count"] == 0


# --- a unit's own checklist lines (自定检查项) ----------------------------------------------------------------


def test_a_unit_keeps_its_own_checklist_lines_and_new_inspections_list_them(bureau_officer, emergency) -> None:
    """The unit's officers add a line for one sector and one for every sector; a duplicate is 409 naming ``text``,
    an unknown sector 422 naming ``sector``, another unit's officer 403, an enterprise user and an officer of
    another county 404. A new inspection of the unit lists the active lines after the clauses; a stopped one not."""
    from zhiben.inspections.models import CheckItem, OwnCheckItem
    from zhiben.inspections.services.inspections import inspection_create

    c = client_for(bureau_officer)
    url = "/api/v1/own-check-items"
    drill_line = {"department": emergency.pk, "text": "查看应急演练记录", "sector": "hazardous_chemicals"}
    r = send(c, "POST", url, drill_line)
    assert r.status_code == 201, r.content
    drill = r.json()
    assert drill["department_name"] == emergency.name and drill["active"] is True and drill["position"] == 1
    every = send(c, "POST", url, {"department": emergency.pk, "text": "查看安全生产责任制"}).json()
    assert every["sector"] == "" and every["position"] == 2
    again = send(
        c, "POST", url, {"department": emergency.pk, "text": "查看应急演练记录", "sector": "hazardous_chemicals"}
    )
    assert again.status_code == 409 and "text" in again.json()["errors"]
    bad = send(c, "POST", url, {"department": emergency.pk, "text": "x", "sector": "no_such_sector"})
    assert bad.status_code == 422 and "sector" in bad.json()["errors"]
    empty = send(c, "POST", url, {"department": emergency.pk, "text": "  "})
    assert empty.status_code == 422 and "text" in empty.json()["errors"]
    assert OwnCheckItem.objects.count() == 2
    assert Event.objects.filter(subject_type="own_check_item", kind="created").count() == 2

    housing = f.member("housing1", f.unit("housing", "秀山县住房和城乡建设委员会"))
    assert send(client_for(housing), "PATCH", f"{url}/{drill['id']}", {"active": False}).status_code == 404
    assert send(client_for(housing), "POST", url, {"department": emergency.pk, "text": "y"}).status_code == 403
    stranger = factories.user("far1", role="officer", region="110105")
    assert send(client_for(stranger), "GET", f"{url}/{drill['id']}").status_code == 404
    assert send(client_for(stranger), "GET", url).json()["count"] == 0

    # stopped, it no longer reaches new inspections; the active line of every sector does
    assert send(c, "PATCH", f"{url}/{drill['id']}", {"active": False}).json()["active"] is False
    firm = factories.enterprise(name="秀山清单化工", sector="hazardous_chemicals")
    a = f.law_officer(emergency, "甲", "渝应急执500491")
    b = f.law_officer(emergency, "乙", "渝应急执500492")
    team = [{"officer": a.pk}, {"officer": b.pk}]
    inspection, _ = inspection_create(
        actor=bureau_officer,
        data={"enterprise": firm.credit_code, "kind": "special", "on": "2026-06-01", "team": team},
    )
    texts = list(CheckItem.objects.filter(inspection=inspection).values_list("text", flat=True))
    assert texts[-1] == "查看安全生产责任制" and "查看应急演练记录" not in texts
    assert CheckItem.objects.filter(inspection=inspection, criterion__isnull=False).count() == len(texts) - 1


def test_the_officers_page_adds_and_stops_an_own_line(bureau_officer, emergency) -> None:
    import re

    from zhiben.inspections.models import OwnCheckItem

    c = client_for(bureau_officer)
    page = c.get("/inspections/officers/").content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = c.post(
        "/inspections/officers/",
        {"form_token": token, "action": "item_add", "department": emergency.pk, "text": "查看特种作业人员证书"},
    )
    assert r.status_code in (302, 303)
    made = OwnCheckItem.objects.get()
    page = c.get("/inspections/officers/").content.decode()
    assert "查看特种作业人员证书" in page and "各行业领域" in page
    # the section stands once, in the page's body; the title stays plain words
    assert page.count('id="own-items"') == 1 and re.search(r"<title>\s*执法人员", page)
    assert "<section" not in page.split("<title>", 1)[1].split("</title>", 1)[0]
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    refused = c.post("/inspections/officers/", {"form_token": token, "action": "item_add", "department": emergency.pk})
    assert refused.status_code == 422 and "检查内容" in refused.content.decode()
    page = refused.content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    c.post("/inspections/officers/", {"form_token": token, "action": "item_toggle", "item": made.pk, "active": "0"})
    made.refresh_from_db()
    assert made.active is False
