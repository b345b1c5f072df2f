"""The risk register's pages: an enterprise user keeps its register from a phone (forms with Chinese labels, errors
next to the field, one record per submission), officers read the enterprises of their scope with the grade their
register gives, outsiders get 404, and every table scrolls inside its box (the page itself fits 390 px)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhiben.risks.models import ControlMeasure, RiskEvent, RiskUnit
from zhiben.risks.services import register as services
from zhiben.risks.tests import factories_register as f

pytestmark = pytest.mark.django_db
TOKEN = "a-form-token-for-the-tests-0001"


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def fits_a_phone(html: str) -> None:
    """What keeps a page at 390 px: the viewport meta, every table inside a scrolling box, no fixed widths wider
    than a phone in the page's own markup."""
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    tables = html.count("<table")
    assert tables == len(re.findall(r'<div class="table-wrap">\s*<table', html)), "a table outside its scroll box"
    for width in re.findall(r"(?:min-)?width:\s*(\d+)px", html):
        assert int(width) <= 390, width


@pytest.fixture
def firm() -> Any:
    return f.firm(risk_level="orange", name="秀山县契约化工有限公司")


@pytest.fixture
def me(firm: Any) -> Any:
    return f.staff("chem1", firm)


@pytest.fixture
def register(me: Any) -> dict[str, Any]:
    unit = f.unit(me)
    event = f.event(me, unit, l=6, e=6, c=40)  # 1440 red
    measure = f.measure(me, event)
    return {"unit": unit, "event": event, "measure": measure}


def test_an_enterprise_user_sees_its_own_register_with_the_two_grades(me, firm, register) -> None:
    r = client_for(me).get("/risks/")
    html = r.content.decode()
    assert r.status_code == 200
    fits_a_phone(html)
    assert "企业风险等级（由风险清单得出）" in html and "监管部门登记的风险等级" in html
    assert '<span class="grade red">重大风险</span>' in html and "较大风险（橙）" in html
    assert "液氯储罐区 · 液氯泄漏中毒" in html  # the reason in words
    assert "风险值 1440" in html and "L=6 × E=6 × C=40" in html
    assert "工程技术" in html and "安全仪表" in html
    assert 'name="classify2"' in html and '<optgroup label="应急措施">' in html
    assert '<option value="0.5">0.5 非常罕见地暴露</option>' in html  # the LEC table as a select
    assert ">双重预防</a>" in html  # the menu entry


def test_adding_a_unit_from_the_page_makes_one_unit_per_submission(me, firm) -> None:
    c = client_for(me)
    url = f"/risks/enterprises/{firm.credit_code}/"
    body = {"action": "unit_add", "name": "装卸站台", "kind": "place", "department": "储运", "responsible": "赵六"}
    first = c.post(url, {**body, "form_token": TOKEN})
    again = c.post(url, {**body, "form_token": TOKEN})
    assert first.status_code == 303 and again.status_code == 303
    assert RiskUnit.objects.filter(name="装卸站台").count() == 1
    assert "装卸站台" in c.get(first["Location"]).content.decode()


def test_a_refused_event_names_the_field_next_to_it_and_keeps_what_was_typed(me, firm, register) -> None:
    c = client_for(me)
    url = f"/risks/enterprises/{firm.credit_code}/"
    body = {"action": "event_add", "target": register["unit"].pk, "name": "储罐超压", "l": "3", "e": "4", "c": "15"}
    r = c.post(url, {**body, "form_token": TOKEN})
    html = r.content.decode()
    assert r.status_code == 422
    fits_a_phone(html)
    shown = re.search(
        r'<select name="e" aria-invalid="true">.*?</select>\s*</label>\s*<p class="field-error"[^>]*>([^<]+)',
        html,
        re.S,
    )
    assert shown is not None and "E（暴露于危险环境的频繁程度）须为" in shown.group(1)
    assert 'value="储罐超压"' in html and "<details open>" in html
    assert RiskEvent.objects.count() == 1
    ok = c.post(url, {**body, "e": "6", "form_token": TOKEN})  # the same token, corrected: taken
    assert ok.status_code == 303 and RiskEvent.objects.count() == 2


def test_an_ls_enterprise_gets_1_to_5_selects(me, firm) -> None:
    services.profile_set(actor=me, enterprise=firm, method="ls")
    f.unit(me)
    html = client_for(me).get(f"/risks/enterprises/{firm.credit_code}/").content.decode()
    assert 'name="likelihood"' in html and 'name="severity"' in html and 'name="l"' not in html
    select = re.search(r'<select name="severity">(.*?)</select>', html, re.S)
    assert select is not None and re.findall(r'value="(\d)"', select.group(1)) == ["1", "2", "3", "4", "5"]


def test_the_page_forms_edit_and_delete_down_the_chain(me, firm, register) -> None:
    c = client_for(me)
    url = f"/risks/enterprises/{firm.credit_code}/"
    measure, event, unit = register["measure"], register["event"], register["unit"]
    body = {
        "action": "measure_edit",
        "target": measure.pk,
        "description": "双液位计",
        "classify1": "2",
        "classify2": "2-2",
    }
    assert c.post(url, body).status_code == 302
    assert ControlMeasure.objects.get(pk=measure.pk).classify2 == "2-2"
    add = {
        "action": "measure_add",
        "target": event.pk,
        "description": "佩戴防毒面具",
        "classify1": "4",
        "classify2": "4-2",
    }
    assert c.post(url, {**add, "form_token": TOKEN}).status_code == 303
    assert (
        c.post(
            url, {"action": "event_edit", "target": event.pk, "name": "液氯泄漏", "l": "1", "e": "6", "c": "40"}
        ).status_code
        == 302
    )
    assert RiskEvent.objects.get(pk=event.pk).grade == "orange"  # 1 × 6 × 40 = 240
    assert c.post(url, {"action": "unit_delete", "target": unit.pk}).status_code == 302
    assert RiskUnit.objects.get(pk=unit.pk).deleted
    assert ControlMeasure.objects.filter(deleted=False).count() == 0
    assert "尚未登记风险分析单元" in c.get(url).content.decode()


def test_the_settings_form_sets_the_safety_manager(me, firm) -> None:
    f.staff("chem2", firm)
    c = client_for(me)
    url = f"/risks/enterprises/{firm.credit_code}/"
    assert c.post(url, {"action": "profile", "method": "lec", "safety_manager": "chem2"}).status_code == 302
    html = c.get(url).content.decode()
    assert "安全管理负责人：chem2" in html
    bad = c.post(url, {"action": "profile", "method": "lec", "safety_manager": "nobody"})
    assert bad.status_code == 422 and "安全管理负责人须为本企业在用的企业用户" in bad.content.decode()


def test_officers_see_the_enterprises_of_their_scope_with_the_register_grade(firm, register) -> None:
    f.firm(region="110105", name="北京朝阳外地化工有限公司")
    c = client_for(f.officer())
    r = c.get("/risks/")
    html = r.content.decode()
    assert r.status_code == 200
    fits_a_phone(html)
    assert f'href="/risks/enterprises/{firm.credit_code}/"' in html and "北京朝阳外地化工" not in html
    assert '<span class="grade red">重大风险</span>' in html
    assert firm.name in c.get("/risks/", {"grade": "red", "q": "契约"}).content.decode()
    assert firm.name not in c.get("/risks/", {"grade": "blue"}).content.decode()
    bad = c.get("/risks/", {"grade": "purple"})
    assert bad.status_code == 422 and "风险等级应为" in bad.content.decode()
    page = c.get(f"/risks/enterprises/{firm.credit_code}/").content.decode()
    assert "液氯储罐区" in page and 'name="action"' not in page  # read only: no forms
    refused = c.post(
        f"/risks/enterprises/{firm.credit_code}/", {"action": "unit_delete", "target": register["unit"].pk}
    )
    assert refused.status_code == 403 and not RiskUnit.objects.get(pk=register["unit"].pk).deleted


def test_the_enterprise_page_shows_the_register_panel(firm, register) -> None:
    html = client_for(f.officer()).get(f"/enterprises/{firm.credit_code}/").content.decode()
    assert "风险分级管控清单" in html and f'href="/risks/enterprises/{firm.credit_code}/"' in html
    assert "企业风险等级（由风险清单得出）" in html and "监管部门登记的风险等级：较大风险（橙）" in html


def test_outsiders_and_forged_targets_get_404(me, firm, register) -> None:
    other_firm = f.firm()
    stranger = f.staff("other1", other_firm)
    assert client_for(stranger).get(f"/risks/enterprises/{firm.credit_code}/").status_code == 404
    assert (
        client_for(f.officer("far1", region="110105")).get(f"/risks/enterprises/{firm.credit_code}/").status_code == 404
    )
    # a form of the stranger's own page naming our records
    theirs = f"/risks/enterprises/{other_firm.credit_code}/"
    c = client_for(stranger)
    for action, target in (("unit_delete", register["unit"].pk), ("event_delete", register["event"].pk)):
        assert c.post(theirs, {"action": action, "target": target}).status_code == 404
    assert not RiskUnit.objects.get(pk=register["unit"].pk).deleted


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"action": "launch"}, 422),
        ({"action": "unit_delete", "target": "abc"}, 404),
        ({"action": "unit_delete", "target": str(2**70)}, 404),
        ({"action": "unit_delete", "target": "0"}, 404),
        ({"action": "event_add", "target": "1\x00"}, 422),  # refused before the view, naming 对象
        ({"action": "unit_add", "name": "x\x00", "department": "d", "responsible": "r"}, 422),
    ],
)
def test_hostile_page_posts_are_refused_without_a_500(me, firm, register, body, status) -> None:
    r = client_for(me).post(f"/risks/enterprises/{firm.credit_code}/", body)
    assert r.status_code == status
    if "\x00" in body.get("target", ""):
        assert "对象" in r.content.decode()  # the field named in Chinese (page_field_labels)
    assert RiskUnit.objects.filter(deleted=False).count() == 1


def test_the_home_page_takes_no_posts(me) -> None:
    assert client_for(me).post("/risks/", {"action": "unit_add"}).status_code == 405


def test_the_register_page_takes_as_many_queries_for_ten_units_as_for_one(me, firm, register) -> None:
    c = client_for(me)
    url = f"/risks/enterprises/{firm.credit_code}/"
    c.get(url)  # warm-up: per-process caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for n in range(9):
        unit = f.unit(me, name=f"单元{n}")
        f.measure(me, f.event(me, unit, l=1, e=1, c=1), classify1="3", classify2="3-1")
    assert count() == one


def test_the_officers_list_puts_the_worst_registers_first(firm, register) -> None:
    calm = f.firm(name="阿尔法低风险企业")  # first by name, last by grade
    f.event(f.staff("calm1", calm), f.unit(f.staff("calm2", calm)), l=1, e=1, c=1)
    html = client_for(f.officer()).get("/risks/").content.decode()
    assert html.index(firm.credit_code) < html.index(calm.credit_code)
