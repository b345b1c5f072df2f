"""The documents engine: numbers per issuing unit and year that never repeat, a document that keeps its
number when downloaded again, the .docx contents, scope (404) and state (409), and a tip reply that
never names the tipster."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiben.audit.models import Event
from zhiben.common import dates, kit
from zhiben.documents.models import IssuedDocument, NumberSequence
from zhiben.documents.numbering import document_number, short_name
from zhiben.documents.rendering import template_path
from zhiben.documents.services import _next_serial, document_issue
from zhiben.tests_support import factories

from .conftest import (
    ID_NUMBER,
    NAME,
    PHONE,
    TIP_TEXT,
    closed_hazard,
    document_text,
    document_xml,
    download_name,
    listed_hazard,
    new_hazard,
    ok,
    submit_tip,
    verified_tip,
)

pytestmark = pytest.mark.django_db
THIS_YEAR = dates.today().year


def notice(api: Any, hazard_id: int, kind: str = "listing_notice") -> Any:
    return api.get(f"/api/v1/hazards/{hazard_id}/documents/{kind}")


# ------------------------------------------------------------------------------------------ numbers
def test_numbers_count_per_unit_and_year_and_never_repeat(api_as, officer, firm, monkeypatch) -> None:
    api = api_as(officer)
    first, second = listed_hazard(api, firm), listed_hazard(api, firm, title="储罐区静电接地失效")
    names = [download_name(notice(api, h)) for h in (first, second)]
    assert names == [
        f"挂牌督办通知书（秀山安委办督〔{THIS_YEAR}〕1号）.docx",
        f"挂牌督办通知书（秀山安委办督〔{THIS_YEAR}〕2号）.docx",
    ]
    # a new year starts the sequence again; the earlier numbers stay what they were
    monkeypatch.setattr(dates, "today", lambda: datetime.date(THIS_YEAR + 1, 1, 2))
    third = listed_hazard(api, firm, title="液氨储罐区未设置泄漏报警")
    assert f"秀山安委办督〔{THIS_YEAR + 1}〕1号" in download_name(notice(api, third))
    assert f"〔{THIS_YEAR}〕1号" in download_name(notice(api, first))
    numbers = list(IssuedDocument.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3


def test_each_unit_and_prefix_has_its_own_sequence(api_as, officer, admin_user, firm, other_firm) -> None:
    county = listed_hazard(api_as(officer), firm)
    # a province listing takes a province's (or an admin's) authority (issue 11)
    province = listed_hazard(api_as(admin_user), firm, level="province", title="储罐区静电接地失效")
    elsewhere = listed_hazard(api_as(admin_user), other_firm, criterion="MEM10-A3-1")
    assert f"秀山安委办督〔{THIS_YEAR}〕1号" in download_name(notice(api_as(officer), county))
    assert f"渝安委办督〔{THIS_YEAR}〕1号" in download_name(notice(api_as(officer), province))
    assert f"朝阳安委办督〔{THIS_YEAR}〕1号" in download_name(notice(api_as(admin_user), elsewhere))
    assert NumberSequence.objects.count() == 3


def test_downloading_again_keeps_the_number_and_writes_one_event(api_as, officer, firm) -> None:
    api = api_as(officer)
    hazard_id = listed_hazard(api, firm)
    first, again = notice(api, hazard_id), notice(api, hazard_id)
    assert first.status_code == again.status_code == 200
    assert download_name(first) == download_name(again)
    assert IssuedDocument.objects.count() == 1 and NumberSequence.objects.get().last == 1
    issued = Event.objects.filter(subject_type="hazard", subject_id=str(hazard_id), kind="document_issued")
    assert [e.payload for e in issued] == [
        {"kind": "listing_notice", "label": "挂牌督办通知书", "number": f"秀山安委办督〔{THIS_YEAR}〕1号"}
    ]
    listing = ok(api.get(f"/api/v1/hazards/{hazard_id}/documents"))
    assert listing[0]["kind"] == "listing_notice" and listing[0]["available"] is True
    assert listing[0]["number"] == f"秀山安委办督〔{THIS_YEAR}〕1号"
    assert listing[1] == {
        "kind": "closeout_form",
        "label": "销号审批表",
        "available": False,
        "number": None,
        "issued_on": None,
    }


def test_the_same_document_issued_twice_is_refused_by_the_database_and_takes_no_number(api_as, officer, firm) -> None:
    # what a double click racing past the first lookup meets: the second issue fails and rolls back
    hazard_id = listed_hazard(api_as(officer), firm)
    register = kit.get("hazard")
    subject = register.get_scoped(officer, hazard_id)
    document_issue(register=register, subject=subject, kind="listing_notice", actor=officer)
    with pytest.raises(IntegrityError):
        document_issue(register=register, subject=subject, kind="listing_notice", actor=officer)
    assert NumberSequence.objects.get().last == 1 and IssuedDocument.objects.count() == 1
    assert Event.objects.filter(kind="document_issued").count() == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    takes=st.lists(
        st.tuples(
            st.sampled_from(["500241:安委办", "500241:应急", "50:安委办", "110105:安委办"]),
            st.integers(min_value=2024, max_value=2027),
            st.sampled_from(["督", "销", "答"]),
        ),
        max_size=30,
    )
)
def test_serials_run_from_one_per_unit_year_and_prefix_whatever_the_order(takes, db) -> None:
    NumberSequence.objects.all().delete()  # hypothesis reuses the test's transaction
    seen: dict[tuple[str, int, str], list[int]] = {}
    for unit, year, prefix in takes:
        with transaction.atomic():
            seen.setdefault((unit, year, prefix), []).append(_next_serial(unit, year, prefix))
    for serials in seen.values():
        assert serials == list(range(1, len(serials) + 1))


def test_the_number_is_built_from_the_unit_prefix_year_and_serial(db) -> None:
    assert document_number(unit_key="500241:应急", prefix="答", year=2026, serial=12) == "秀山应急答〔2026〕12号"
    assert document_number(unit_key="50:安委办", prefix="督", year=2026, serial=3) == "渝安委办督〔2026〕3号"


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("秀山土家族苗族自治县", "秀山"),
        ("伊犁哈萨克自治州", "伊犁"),
        ("双江拉祜族佤族布朗族傣族自治县", "双江"),
        ("朝阳区", "朝阳"),
        ("东莞市", "东莞"),
        ("城区", "城区"),
        ("大兴安岭地区", "大兴安岭"),
    ],
)
def test_a_region_is_shortened_as_official_numbers_open(name, short) -> None:
    assert short_name(name) == short


# -------------------------------------------------------------------------------------------- content
def test_the_listing_notice_opens_and_says_what_it_must(api_as, officer, firm) -> None:
    api = api_as(officer)
    hazard_id = listed_hazard(api, firm, title="报警器失效 <A&B>")
    r = notice(api, hazard_id)
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    text = document_text(r.content)
    for expected in (
        "秀山土家族苗族自治县安全生产委员会办公室",
        f"秀山安委办督〔{THIS_YEAR}〕1号",
        "重大事故隐患挂牌督办通知书",
        f"{firm.name}：",
        "报警器失效 <A&B>",  # escaped in the XML, read back as typed
        "县级挂牌督办",
        "2025年9月30日",  # the 督办期限
        "落实整改责任",
        "落实整改资金",
        "落实应急预案",
        "第四十一条",
    ):
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text
    today = dates.today()
    assert f"{today.year}年{today.month}月{today.day}日" in text


def test_the_closeout_form_tells_the_whole_course(api_as, officer, firm, firm_user) -> None:
    api = api_as(officer)
    hazard_id = closed_hazard(api, firm_user, firm)
    r = notice(api, hazard_id, "closeout_form")
    assert r.status_code == 200, r.content
    assert download_name(r) == f"销号审批表（秀山应急销〔{THIS_YEAR}〕1号）.docx"
    text = document_text(r.content)
    for expected in (
        "重大事故隐患整改销号审批表",
        firm.name,
        firm.credit_code,
        "县级挂牌督办",
        "陈建国",
        "已更换报警器并完成联锁调试",
        "佐证材料：1 份",
        "同意销号。现场核查合格",
        officer.full_name or officer.username,
        "秀山土家族苗族自治县应急管理局",
    ):
        assert expected in text, expected


def test_a_general_hazard_closed_by_the_enterprise_has_a_form_without_a_reviewer(api_as, officer, firm) -> None:
    api = api_as(officer)
    hazard_id = new_hazard(api, firm, level="general", criterion="")
    ok(api.post(f"/api/v1/hazards/{hazard_id}/submit", {"summary": "当场清理了消防通道"}))
    text = document_text(notice(api, hazard_id, "closeout_form").content)
    assert "一般事故隐患整改销号审批表" in text and "企业自行整改销号" in text


def test_the_tip_reply_answers_the_tipster_and_never_names_them(api_as, tip_handler) -> None:
    api = api_as(tip_handler)
    tip_id, receipt = verified_tip(api)
    reply = {"facts": "经查属实，夜间违法动火作业", "handling": "已责令停止违法动火作业。\n已处罚款。"}
    ok(api.post(f"/api/v1/tips/{tip_id}/messages", reply))
    r = api.get(f"/api/v1/tips/{tip_id}/documents/reply")
    assert r.status_code == 200, r.content
    assert download_name(r) == f"举报答复书（秀山应急答〔{THIS_YEAR}〕1号）.docx"
    text = document_text(r.content)
    for expected in (
        "举报人：",
        "举报答复书",
        f"第{tip_id}号",
        "非法违法生产经营行为",
        "属实",
        "已责令停止违法动火作业",
        "罚款50,000.00元",
        "奖励金额为7,500.00元",  # 15% of the fine (FACTS §3)
        "10日内",
    ):
        assert expected in text, expected
    xml = document_xml(r.content)
    normalized = receipt.replace("-", "")
    for secret in (NAME, PHONE, "138 0013 8000", "8613800138000", ID_NUMBER, receipt, normalized, TIP_TEXT):
        assert secret not in xml, secret


def test_the_tip_reply_quotes_the_reply_not_an_earlier_acknowledgement(api_as, tip_handler) -> None:
    """An acknowledgement sent before the verification (the same day) is a message, not the reply; the
    答复书 quotes the message that made the reply, and later messages do not replace it."""
    api = api_as(tip_handler)
    tip_id, _ = submit_tip(api)
    ok(api.post(f"/api/v1/tips/{tip_id}/messages", {"body": "您好，已收到您的举报，我们正在安排核查。"}))
    ok(api.post(f"/api/v1/tips/{tip_id}/verify", {"outcome": "unfounded"}))
    ok(api.post(f"/api/v1/tips/{tip_id}/messages", {"facts": "经现场核查，该单位已停产", "handling": "举报情况不属实"}))
    ok(api.post(f"/api/v1/tips/{tip_id}/messages", {"body": "如有新的情况，欢迎继续反映。"}))
    text = document_text(api.get(f"/api/v1/tips/{tip_id}/documents/reply").content)
    assert "该单位已停产" in text
    assert "已收到您的举报" not in text and "欢迎继续反映" not in text
    kinds = [e.kind for e in Event.objects.filter(subject_type="tip", subject_id=str(tip_id)).order_by("id")]
    assert kinds.count("replied") == 1 and kinds.count("message_sent") == 2
    assert kit.event_view("tip", "message_sent", {"status": "accepted"})[0] == "向举报人发送消息"


# ---------------------------------------------------------------------------------- scope and state
def test_outsiders_get_404_and_unknown_kinds_too(api_as, officer, outsider, firm, other_firm, tip_handler) -> None:
    hazard_id = listed_hazard(api_as(officer), firm)
    tip_id, _ = verified_tip(api_as(tip_handler))
    other_firm_user = factories.user("other-firm", role="enterprise", enterprise=other_firm)
    for user in (outsider, other_firm_user):
        assert notice(api_as(user), hazard_id).status_code == 404
        assert api_as(user).get(f"/api/v1/hazards/{hazard_id}/documents").status_code == 404
    assert notice(api_as(officer), hazard_id, "no_such_kind").status_code == 404
    assert api_as(officer).get(f"/api/v1/nothing/{hazard_id}/documents/listing_notice").status_code == 404
    assert api_as(outsider).get(f"/api/v1/tips/{tip_id}/documents/reply").status_code == 404
    assert IssuedDocument.objects.count() == 0 and not Event.objects.filter(kind="document_issued").exists()


def test_enterprise_users_never_see_tips_and_only_download_what_was_issued(
    api_as, officer, firm, firm_user, tip_handler
) -> None:
    tip_id, _ = verified_tip(api_as(tip_handler))
    assert api_as(firm_user).get(f"/api/v1/tips/{tip_id}/documents/reply").status_code == 404
    hazard_id = listed_hazard(api_as(officer), firm)
    refused = notice(api_as(firm_user), hazard_id)
    assert refused.status_code == 409 and "尚未由监管部门出具" in refused.json()["detail"]
    issued = notice(api_as(officer), hazard_id)
    mine = notice(api_as(firm_user), hazard_id)
    assert mine.status_code == 200 and download_name(mine) == download_name(issued)
    assert IssuedDocument.objects.count() == 1


def test_a_document_not_due_yet_is_refused_with_409(api_as, officer, firm, tip_handler) -> None:
    hazard_id = new_hazard(api_as(officer), firm)
    r = notice(api_as(officer), hazard_id)
    assert r.status_code == 409 and r.json()["detail"] == "该隐患目前不能出具《挂牌督办通知书》"
    assert notice(api_as(officer), hazard_id, "closeout_form").status_code == 409
    tip_id, _ = submit_tip(api_as(tip_handler))
    assert api_as(tip_handler).get(f"/api/v1/tips/{tip_id}/documents/reply").status_code == 409
    assert NumberSequence.objects.count() == 0


def test_a_hazard_listed_again_higher_gets_a_notice_from_the_new_unit(api_as, officer, admin_user, firm) -> None:
    api = api_as(officer)
    hazard_id = listed_hazard(api, firm)
    county = download_name(notice(api, hazard_id))
    # listed again higher, by someone with that authority (a county officer lists at county level only)
    ok(api_as(admin_user).post(f"/api/v1/hazards/{hazard_id}/supervise", {"level": "province"}))
    province = notice(api, hazard_id)
    assert county != download_name(province) and "渝安委办督" in download_name(province)
    assert "重庆市安全生产委员会办公室" in document_text(province.content)


# --------------------------------------------------------------------------------------------- pages
def test_the_pages_link_the_documents_available_and_serve_them(
    client: Client, api_as, officer, firm, firm_user
) -> None:
    hazard_id = listed_hazard(api_as(officer), firm)
    client.force_login(officer)
    page = client.get(f"/hazards/{hazard_id}/").content.decode()
    assert f'href="/documents/hazards/{hazard_id}/listing_notice/"' in page
    assert "closeout_form" not in page
    r = client.get(f"/documents/hazards/{hazard_id}/listing_notice/")
    assert r.status_code == 200 and "秀山安委办督" in download_name(r)
    assert "挂牌督办通知书" in client.get(f"/hazards/{hazard_id}/").content.decode()  # the timeline names it
    refused = client.get(f"/documents/hazards/{hazard_id}/closeout_form/")
    assert refused.status_code == 302 and refused["Location"] == f"/hazards/{hazard_id}/"
    assert client.get(f"/documents/hazards/{hazard_id}/nothing/").status_code == 404
    firm_client = Client()
    firm_client.force_login(firm_user)
    assert (
        f"/documents/hazards/{hazard_id}/listing_notice/" in firm_client.get(f"/hazards/{hazard_id}/").content.decode()
    )


def test_the_tip_page_links_the_reply_once_verified(client: Client, api_as, tip_handler, outsider) -> None:
    tip_id, _ = submit_tip(api_as(tip_handler))
    client.force_login(tip_handler)
    assert "/documents/tips/" not in client.get(f"/tips/{tip_id}/").content.decode()
    ok(api_as(tip_handler).post(f"/api/v1/tips/{tip_id}/verify", {"outcome": "unfounded"}))
    page = client.get(f"/tips/{tip_id}/").content.decode()
    assert f'href="/documents/tips/{tip_id}/reply/"' in page and "举报答复书" in page
    r = client.get(f"/documents/tips/{tip_id}/reply/")
    assert r.status_code == 200 and "不属实" in document_text(r.content)
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.get(f"/documents/tips/{tip_id}/reply/").status_code == 404


def test_every_declared_document_has_its_template() -> None:
    declared = [(r, d) for r in kit.registers() for d in r.documents]
    assert {(r.name, d.kind) for r, d in declared} >= {
        ("hazard", "listing_notice"),
        ("hazard", "closeout_form"),
        ("tip", "reply"),
    }
    for register, spec in declared:
        path = template_path(register, spec)
        assert isinstance(path, Path) and path.is_file(), path


def test_the_admin_lists_issued_documents_read_only(client: Client, api_as, admin_user, officer, firm) -> None:
    notice(api_as(officer), listed_hazard(api_as(officer), firm))
    client.force_login(admin_user)
    page = client.get("/admin/documents/issueddocument/")
    assert page.status_code == 200 and f"秀山安委办督〔{THIS_YEAR}〕1号" in page.content.decode()
    assert client.get("/admin/documents/numbersequence/").status_code == 200
