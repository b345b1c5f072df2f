"""Hazard pages: report with photos from a phone, act on the detail page, only allowed actions shown."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhiben.hazards.document_data import listing_notice
from zhiben.hazards.models import Attachment, Hazard
from zhiben.tests_support import files

from .conftest import new_hazard

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_an_enterprise_user_reports_a_major_hazard_with_photos(firm_user) -> None:
    c = signed_in(firm_user)
    form = c.get("/hazards/new/").content.decode()
    assert 'type="file" name="files"' in form and "multiple" in form and firm_user.enterprise.credit_code in form
    # the criterion list is the firm's sector's, in force today (FACTS §2: AQ 3067-2026 from 2026-09-30, topic
    # entries labelled as such; 121号 no longer offered)
    assert "AQ3067-5-1-1" in form and "仅条目主题，正文见标准原文" in form and "SAWS121C-1" not in form
    r = c.post(
        "/hazards/new/",
        {
            "title": "储罐区静电接地失效",
            "level": "major",
            "criterion": "SAWS121C-1",
            "discovered_on": "2025-05-01",
            "location": "2号储罐区",
            "files": [SimpleUploadedFile("a.jpg", files.jpeg()), SimpleUploadedFile("b.png", files.png())],
        },
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    h = Hazard.objects.get()
    assert h.source == "self_check" and h.enterprise == firm_user.enterprise and h.attachments.count() == 2
    page = c.get(r["Location"]).content.decode()
    assert "储罐区静电接地失效" in page and "?thumb=1" in page and "制定整改方案" in page
    assert "审核销号" not in page and "撤销" not in page  # not an enterprise's steps


def test_the_form_names_problems_in_chinese_and_saves_nothing(firm_user) -> None:
    c = signed_in(firm_user)
    r = c.post(
        "/hazards/new/",
        {
            "title": "x",
            "level": "major",
            "discovered_on": "2999-01-01",
            "files": [SimpleUploadedFile("a.jpg", b"not an image")],
        },
    )
    page = r.content.decode()
    assert r.status_code == 422
    assert "发现日期不能晚于今天" in page or "只接受" in page
    r = c.post("/hazards/new/", {"title": "x", "level": "major", "discovered_on": "2025-01-01"})
    assert "重大隐患必须引用" in r.content.decode()
    r = c.post(
        "/hazards/new/",
        {
            "title": "x",
            "level": "general",
            "discovered_on": "2025-01-01",
            "files": [SimpleUploadedFile("a.jpg", b"<?php ?>")],
        },
    )
    assert "只接受 JPEG" in r.content.decode()
    assert not Hazard.objects.exists() and not Attachment.objects.exists()


def test_an_officer_works_the_loop_on_the_detail_page(firm_user, officer) -> None:
    h = new_hazard(firm_user, firm_user.enterprise)
    ent = signed_in(firm_user)
    r = ent.post(
        f"/hazards/{h.pk}/plan/",
        {
            "responsible_person": "陈",
            "measures": "更换",
            "funds": "100",
            "deadline": "2025-06-30",
            "interim_measures": "停用",
        },
    )
    assert r.status_code == 302
    r = ent.post(f"/hazards/{h.pk}/attach/", {"files": [SimpleUploadedFile("after.jpg", files.jpeg())]})
    assert r.status_code == 302
    aid = h.attachments.get().pk
    r = ent.post(f"/hazards/{h.pk}/submit/", {"summary": "已整改", "attachments": [str(aid)]})
    assert r.status_code == 302
    off = signed_in(officer)
    page = off.get(f"/hazards/{h.pk}/").content.decode()
    assert "审核销号" in page and "申请销号：已整改" in page
    r = off.post(f"/hazards/{h.pk}/review/", {"decision": "reject", "comment": ""})
    assert r.status_code == 422 and "退回整改须写明原因" in r.content.decode()
    r = off.post(f"/hazards/{h.pk}/review/", {"decision": "approve", "comment": "现场核查合格"})
    assert r.status_code == 302
    h.refresh_from_db()
    assert h.status == "closed"
    page = off.get(f"/hazards/{h.pk}/").content.decode()
    assert "审核通过：现场核查合格" in page
    assert f'action="/hazards/{h.pk}/review/"' not in page  # no second decision on a closed hazard


def test_a_wrong_state_action_shows_a_message_not_an_error(officer, firm) -> None:
    h = new_hazard(officer, firm, source="inspection")
    c = signed_in(officer)
    r = c.post(f"/hazards/{h.pk}/review/", {"decision": "approve"}, follow=True)
    assert r.status_code == 200 and "不能" in r.content.decode()


def test_lists_and_pages_keep_the_scope(officer, outsider, firm) -> None:
    h = new_hazard(officer, firm, source="inspection", title="只在秀山可见的隐患")
    assert "只在秀山可见的隐患" in signed_in(officer).get("/hazards/").content.decode()
    assert "只在秀山可见的隐患" not in signed_in(outsider).get("/hazards/").content.decode()
    assert signed_in(outsider).get(f"/hazards/{h.pk}/").status_code == 404
    assert signed_in(outsider).post(f"/hazards/{h.pk}/cancel/", {"reason": "x"}).status_code == 404
    h.refresh_from_db()
    assert h.status == "open"


def test_quick_filters(officer, firm) -> None:
    new_hazard(officer, firm, source="inspection", title="逾期的", discovered_on="2023-01-01", deadline="2023-02-01")
    new_hazard(officer, firm, source="inspection", title="没逾期的")
    c = signed_in(officer)
    page = c.get("/hazards/", {"overdue": "1"}).content.decode()
    assert "逾期的" in page and "没逾期的" not in page
    page = c.get("/hazards/", {"cohort": "stock"}).content.decode()
    assert "逾期的" in page and "没逾期的" not in page


def test_the_criterion_list_follows_the_enterprise_and_the_date(officer, firm) -> None:
    # FACTS §2: 安监总管三〔2017〕121号 to 2026-09-29, AQ 3067-2026 from 2026-09-30; coal clauses are not chemicals'
    c = signed_in(officer)
    page = c.get("/hazards/criteria-options/", {"enterprise": firm.credit_code, "discovered_on": "2026-09-29"})
    body = page.content.decode()
    assert "SAWS121C-1" in body and "AQ3067-" not in body and "MEM4-" not in body
    assert "<optgroup" in body and "安监总管三〔2017〕121号" in body
    body = c.get(
        "/hazards/criteria-options/", {"enterprise": firm.credit_code, "discovered_on": "2026-09-30"}
    ).content.decode()
    assert "SAWS121C-1" not in body and "AQ3067-5-1-1" in body


def test_no_national_fire_clause_after_2025_10_31_is_said_not_left_silent(officer, firm) -> None:
    # GB 35181-2017 ends 2025-10-31 (FACTS §2); the 2025 text is not in the catalogue
    c = signed_in(officer)
    before = c.get("/hazards/criteria-options/", {"enterprise": firm.credit_code, "discovered_on": "2025-10-31"})
    assert "GB35181-6-1" in before.content.decode() and "综合判定要素" in before.content.decode()
    after = c.get("/hazards/criteria-options/", {"enterprise": firm.credit_code, "discovered_on": "2025-11-01"})
    body = after.content.decode()
    assert "GB35181-" not in body and "没有收录现行的国家重大火灾隐患判定条款" in body


def test_a_topic_only_clause_is_labelled_where_the_hazard_shows_it(officer, firm) -> None:
    # AQ 3067-2026 entries carry only the item number and a topic: shown bare, "负责人考核" would read as the text
    h = new_hazard(officer, firm, source="inspection", discovered_on="2026-10-08", criterion="AQ3067-5-1-1")
    body = signed_in(officer).get(f"/hazards/{h.pk}/").content.decode()
    assert "AQ3067-5-1-1" in body and "【仅条目主题，正文见标准原文】" in body
    assert listing_notice(h, officer)["criterion"].endswith("负责人考核（仅条目主题，正文见标准原文）")


def test_the_home_page_counts_hazards_in_scope(officer, firm) -> None:
    new_hazard(officer, firm, source="inspection", discovered_on="2023-01-01", deadline="2023-02-01")
    page = signed_in(officer).get("/").content.decode()
    assert "逾期未整改" in page and "未销号重大隐患" in page


def test_a_batch_of_uploads_is_all_or_nothing(firm_user) -> None:
    h = new_hazard(firm_user, firm_user.enterprise)
    r = signed_in(firm_user).post(
        f"/hazards/{h.pk}/attach/",
        {
            "files": [
                SimpleUploadedFile("good.jpg", files.jpeg()),
                SimpleUploadedFile("bad.jpg", b"MZ\x90\x00 not an image"),
            ]
        },
    )
    assert r.status_code == 422 and "bad.jpg" in r.content.decode()
    assert not h.attachments.exists()
