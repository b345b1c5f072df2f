"""The import pages: upload, the report, confirmation, the error workbook; someone else's job is 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhiben.hazards.models import Hazard
from zhiben.imports.models import ImportJob

from .test_imports import HAZARD_HEADER, workbook

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_upload_check_confirm_on_the_pages(officer, outsider, firm) -> None:
    client = signed_in(officer)
    page = client.get("/imports/")
    assert page.status_code == 200 and "下载隐患清单模板" in page.content.decode()
    rows = [HAZARD_HEADER, [firm.credit_code, "安全出口上锁", "一般", "检查", "2024-03-01", "", "", "二楼", "B-1"]]
    r = client.post("/imports/", {"kind": "hazards", "file": SimpleUploadedFile("检查记录.xlsx", workbook(rows))})
    assert r.status_code == 302
    job = ImportJob.objects.get()
    text = client.get(r["Location"]).content.decode()
    assert "校验通过，待确认" in text and "确认导入" in text and Hazard.objects.count() == 0
    fragment = client.get(r["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "将新增" in fragment
    assert signed_in(outsider).get(r["Location"]).status_code == 404
    assert signed_in(outsider).post(f"/imports/{job.pk}/confirm/").status_code == 404
    done = client.post(f"/imports/{job.pk}/confirm/", follow=True).content.decode()
    assert "已导入" in done and Hazard.objects.count() == 1


def test_a_bad_file_is_named_on_the_page_and_a_bad_row_gets_its_workbook(officer, firm) -> None:
    client = signed_in(officer)
    r = client.post("/imports/", {"kind": "hazards", "file": SimpleUploadedFile("a.xlsx", b"hello")})
    assert r.status_code == 422 and "不是 Excel 工作簿" in r.content.decode()
    rows = [HAZARD_HEADER, [firm.credit_code, "x", "特大", "检查", "2024-03-01", "", "", "", ""]]
    r = client.post("/imports/", {"kind": "hazards", "file": SimpleUploadedFile("b.xlsx", workbook(rows))}, follow=True)
    text = r.content.decode()
    assert "有错误，未导入" in text and "隐患级别取值不正确" in text
    job = ImportJob.objects.get(original_name="b.xlsx")
    download = client.get(f"/imports/{job.pk}/errors/")
    assert download.status_code == 200 and "filename*=UTF-8''b-" in download["Content-Disposition"]


def test_enterprise_users_see_only_the_hazard_ledger(firm_user) -> None:
    page = signed_in(firm_user).get("/imports/").content.decode()
    assert "隐患清单" in page and "企业清单模板" not in page
