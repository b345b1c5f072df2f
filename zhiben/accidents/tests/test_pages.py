"""The accident pages: Chinese, scoped, with field errors, the supplement form and the timeline."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from zhiben.accidents.models import Accident, AccidentSupplement

from .support import ago, beijing_day_ago, make

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_nav_links_the_accidents_for_everyone(officer, firm_user) -> None:
    for user in (officer, firm_user):
        assert 'href="/accidents/"' in signed_in(user).get("/").content.decode()


def test_the_list_shows_the_scope_counts_and_filters(officer, outsider, township) -> None:
    make(officer, deaths=3, description="县城化工厂爆炸")
    make(officer, region=township, description="清溪场镇车间坠落")
    make(officer, occurred_at="2024-05-01T09:00:00+08:00", reported_at="2024-05-01T11:00:00+08:00")
    c = signed_in(officer)
    page = c.get("/accidents/").content.decode()
    assert "生产安全事故" in page and "共 <b>3</b> 起事故" in page
    assert "较大 1 起" in page and "一般 2 起" in page and 'title="首报晚于单位负责人接报时间1小时以上">迟报' in page
    page = c.get("/accidents/", {"grade": "relatively_major"}).content.decode()
    assert "县城化工厂爆炸" in page and "清溪场镇车间坠落" not in page
    page = c.get("/accidents/", {"region": township}).content.decode()
    assert "清溪场镇车间坠落" in page and "县城化工厂爆炸" not in page
    assert "共 <b>1</b> 起事故" in c.get("/accidents/", {"year": "2024"}).content.decode()
    fragment = c.get("/accidents/", {"grade": "general"}, headers={"HX-Request": "true", "HX-Target": "results"})
    assert "<html" not in fragment.content.decode() and "清溪场镇车间坠落" in fragment.content.decode()
    assert "共 <b>0</b> 起事故" in signed_in(outsider).get("/accidents/").content.decode()


def test_reporting_through_the_form(officer, firm) -> None:
    c = signed_in(officer)
    assert "报告事故" in c.get("/accidents/new/").content.decode()
    occurred = ago(hours=3).astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    r = c.post(
        "/accidents/new/",
        {
            "enterprise": firm.credit_code,
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "deaths": "10",
            "serious_injuries": "0",
            "direct_loss": "0",
            "description": "储罐爆炸",
        },
    )
    assert r.status_code == 302, r.content.decode()
    accident = Accident.objects.get()
    assert r["Location"] == f"/accidents/{accident.pk}/"
    assert accident.grade == "major" and accident.region_id == firm.region_id and accident.late_report is True
    assert accident.sector_id == "hazardous_chemicals"


def test_a_township_enterprises_accident_is_filed_at_its_township_when_no_place_is_picked(officer, township) -> None:
    """The region picker left at "— 全部 —" posts the officer's own region: not a place chosen, so the
    accident is filed where its enterprise is (as the form's help and the API say); a place picked is kept."""
    from zhiben.tests_support import factories

    firm = factories.enterprise(region=township, sector="machinery", name="清溪场镇机械厂")
    occurred = ago(hours=3).astimezone(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")
    body = {"enterprise": firm.credit_code, "occurred_at": occurred, "deaths": "1", "serious_injuries": "0"}
    body |= {"direct_loss": "0", "description": "车间坠落"}
    c = signed_in(officer)
    assert c.post("/accidents/new/", {**body, "region": officer.region_id}).status_code == 302
    assert Accident.objects.get().region_id == township
    without_firm = {k: v for k, v in body.items() if k != "enterprise"} | {"sector": "machinery"}
    assert c.post("/accidents/new/", {**without_firm, "region": officer.region_id}).status_code == 302
    assert Accident.objects.latest("id").region_id == officer.region_id  # no enterprise: the county itself


def test_the_form_names_bad_fields_in_chinese(officer) -> None:
    r = signed_in(officer).post(
        "/accidents/new/",
        {
            "region": "110105",
            "sector": "machinery",
            "occurred_at": "2999-01-01T08:00",
            "deaths": "-1",
            "serious_injuries": "0",
            "direct_loss": "0",
            "description": "x",
        },
    )
    assert r.status_code == 422
    page = r.content.decode()
    assert "请修改标红的字段" in page
    assert "发生时间不能晚于当前时间" in page and "死亡人数不能为负数" in page and "不在您的管辖范围内" in page
    assert not Accident.objects.exists()


def test_the_detail_shows_supplements_and_the_timeline(officer) -> None:
    accident = make(officer, deaths=2)
    c = signed_in(officer)
    page = c.get(f"/accidents/{accident.pk}/").content.decode()
    assert "一般事故" in page and "补报伤亡或损失变化" in page and "登记了事故：死亡 2 人" in page
    r = c.post(
        f"/accidents/{accident.pk}/supplement/",
        {"reported_on": str(timezone.localdate()), "deaths": "3", "serious_injuries": "2", "direct_loss": "350000"},
    )
    assert r.status_code == 302
    page = c.get(f"/accidents/{accident.pk}/").content.decode()
    assert "较大事故" in page and "已补报，事故等级：较大" in page
    assert "死亡 2→3 人" in page and "事故等级由一般升为较大" in page
    assert AccidentSupplement.objects.count() == 1


def test_a_late_supplement_is_recorded_as_a_later_fact_on_the_page(officer) -> None:
    """条例 第十三条: after the window the figures are recorded, not counted."""
    occurred = beijing_day_ago(40)
    accident = make(officer, occurred_at=occurred.isoformat(), reported_at=None)
    c = signed_in(officer)
    r = c.post(
        f"/accidents/{accident.pk}/supplement/",
        {
            "reported_on": str(occurred.date() + datetime.timedelta(31)),
            "deaths": "3",
            "serious_injuries": "2",
            "direct_loss": "1",
        },
    )
    assert r.status_code == 302
    page = c.get(f"/accidents/{accident.pk}/").content.decode()
    assert "已过补报期，已作为后续情况记录" in page and "后续情况" in page
    accident.refresh_from_db()
    assert accident.deaths == 1 and AccidentSupplement.objects.get().counted is False


def test_pages_outside_scope_are_404(officer, outsider, firm_user, firm) -> None:
    accident = make(officer)
    own = make(officer, enterprise=firm.credit_code)
    assert signed_in(outsider).get(f"/accidents/{accident.pk}/").status_code == 404
    r = signed_in(outsider).post(f"/accidents/{accident.pk}/supplement/", {"deaths": "9"})
    assert r.status_code == 404
    assert signed_in(firm_user).get(f"/accidents/{accident.pk}/").status_code == 404
    assert signed_in(firm_user).get(f"/accidents/{own.pk}/").status_code == 200
    assert signed_in(officer).get("/accidents/999999/").status_code == 404


def test_an_enterprise_user_reports_for_its_own_enterprise(firm_user, firm, other_firm) -> None:
    c = signed_in(firm_user)
    page = c.get("/accidents/new/").content.decode()
    assert firm.credit_code in page and "disabled" in page
    occurred = ago(minutes=30).astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    r = c.post(
        "/accidents/new/",
        {
            "enterprise": other_firm.credit_code,  # ignored: the field is fixed to the user's enterprise
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "deaths": "0",
            "serious_injuries": "1",
            "direct_loss": "20000",
            "description": "机械伤害",
        },
    )
    assert r.status_code == 302
    accident = Accident.objects.get()
    assert accident.enterprise == firm and accident.late_report is False


def test_the_detail_shows_the_relay_chain_and_the_investigation(officer) -> None:
    """条例 第十条 (the chain by grade), 第二十九条 and 第三十二条 (the deadlines) on the page."""
    accident = make(officer, deaths=3, type="fire")
    page = signed_in(officer).get(f"/accidents/{accident.pk}/").content.decode()
    assert "应上报至设区的市级 → 省级" in page and "国务院安全生产监督管理部门" not in page.split("应上报至")[1][:40]
    assert "火灾（火灾事故）" in page and "自事故发生之日起 7 日内" in page
    assert "调查报告期限" in page and "登记调查报告及核定等级" in page and "延长调查期限" in page


def test_the_government_steps_on_the_page_name_the_bad_field_in_chinese(officer, firm_user, firm) -> None:
    accident = make(officer, enterprise=firm.credit_code, region=None, sector=None)
    c = signed_in(officer)
    r = c.post(f"/accidents/{accident.pk}/relay/", {"level": "moon", "reported_at": ""})
    assert r.status_code == 422
    page = r.content.decode()
    assert "上报层级" in page and "取值不正确" in page and "请填写上报时间" in page
    r = c.post(
        f"/accidents/{accident.pk}/investigation_extension/",
        {"days": "61", "reason": "鉴定"},
    )
    assert r.status_code == 422 and "最多延长60日" in r.content.decode()
    now = timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M")
    r = c.post(f"/accidents/{accident.pk}/relay/", {"level": "city", "reported_at": now})
    assert r.status_code == 302
    assert "已登记逐级上报" in c.get(r["Location"]).content.decode()
    assert accident.relays.count() == 1
    page_of_firm = signed_in(firm_user).post(
        f"/accidents/{accident.pk}/reply/", {"replied_on": str(timezone.localdate())}
    )
    assert page_of_firm.status_code == 403
    assert "登记调查报告" not in signed_in(firm_user).get(f"/accidents/{accident.pk}/").content.decode()
    assert signed_in(officer).post(f"/accidents/{accident.pk}/nonsense/", {}).status_code == 404


def test_the_report_form_takes_type_missing_and_the_heads_time(officer) -> None:
    occurred = timezone.localtime(timezone.now() - datetime.timedelta(hours=3))
    c = signed_in(officer)
    r = c.post(
        "/accidents/new/",
        {
            "region": "500241",
            "sector": "machinery",
            "type": "road_traffic",
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "head_notified_at": (occurred - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "reported_at": (occurred + datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
            "deaths": "1",
            "missing": "2",
            "serious_injuries": "0",
            "direct_loss": "0",
            "description": "货车侧翻",
        },
    )
    assert r.status_code == 422 and "单位负责人接报时间不能早于发生时间" in r.content.decode()
    r = c.post(
        "/accidents/new/",
        {
            "region": "500241",
            "sector": "machinery",
            "type": "road_traffic",
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "deaths": "1",
            "missing": "2",
            "serious_injuries": "0",
            "direct_loss": "0",
            "description": "货车侧翻",
        },
    )
    assert r.status_code == 302
    accident = Accident.objects.get()
    assert (accident.type, accident.missing, accident.grade) == ("road_traffic", 2, "relatively_major")
