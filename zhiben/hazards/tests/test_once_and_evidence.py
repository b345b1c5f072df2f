"""A double tap never makes two records (the report form's token, the same upload twice), photos of the
hazard as found stay apart from rectification evidence, and a form's errors come in one round."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhiben.hazards.models import Attachment, AttachmentKind, Hazard
from zhiben.tests_support import files

from .conftest import new_hazard

pytestmark = pytest.mark.django_db

REPORT = {"title": "储罐区静电接地失效", "level": "general", "discovered_on": "2025-05-01", "location": "2号储罐区"}


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _token(page: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_report_form_sent_twice_makes_one_hazard(firm_user) -> None:
    c = signed_in(firm_user)
    token = _token(c.get("/hazards/new/").content.decode())
    answers = [
        c.post("/hazards/new/", {**REPORT, "form_token": token, "files": [SimpleUploadedFile("a.jpg", files.jpeg())]})
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0]["Location"] == answers[1]["Location"] == f"/hazards/{Hazard.objects.get().pk}/"
    assert Attachment.objects.count() == 1


def test_the_same_token_of_another_user_is_another_submission(firm_user, officer, firm) -> None:
    token = "a-token-typed-by-nobody-0123456789"
    signed_in(firm_user).post("/hazards/new/", {**REPORT, "form_token": token})
    signed_in(officer).post(
        "/hazards/new/", {**REPORT, "form_token": token, "enterprise": firm.credit_code, "source": "inspection"}
    )
    assert Hazard.objects.count() == 2


def test_photos_at_the_report_are_photos_and_cannot_close_a_hazard(firm_user, officer) -> None:
    c = signed_in(firm_user)
    c.post(
        "/hazards/new/",
        {**REPORT, "level": "major", "criterion": "SAWS121C-1", "files": [SimpleUploadedFile("a.jpg", files.jpeg())]},
    )
    h = Hazard.objects.get()
    photo = h.attachments.get()
    assert photo.kind == AttachmentKind.PHOTO
    c.post(
        f"/hazards/{h.pk}/plan/",
        {"responsible_person": "陈", "measures": "更换", "deadline": "2025-06-30", "interim_measures": "停用"},
    )
    page = c.get(f"/hazards/{h.pk}/").content.decode()
    # the close-out form offers no photo of the hazard, and ticks nothing
    assert f'value="{photo.pk}"' not in page.split('id="form-submit"')[1].split("</form>")[0]
    refused = c.post(f"/hazards/{h.pk}/submit/", {"summary": "已整改", "attachments": [str(photo.pk)]})
    assert refused.status_code == 422
    h.refresh_from_db()
    assert h.status != "pending_review"
    # rectification evidence is uploaded as such, then chosen
    c.post(f"/hazards/{h.pk}/attach/", {"kind": "evidence", "files": [SimpleUploadedFile("after.png", files.png())]})
    evidence = h.attachments.get(kind=AttachmentKind.EVIDENCE)
    form = c.get(f"/hazards/{h.pk}/").content.decode().split('id="form-submit"')[1].split("</form>")[0]
    assert f'value="{evidence.pk}"' in form and "checked" not in form
    assert (
        c.post(f"/hazards/{h.pk}/submit/", {"summary": "已整改", "attachments": [str(evidence.pk)]}).status_code == 302
    )


def test_the_same_file_uploaded_twice_is_kept_once(firm_user) -> None:
    h = new_hazard(firm_user, firm_user.enterprise)
    c = signed_in(firm_user)
    photo = files.jpeg()
    for _ in range(2):
        r = c.post(f"/hazards/{h.pk}/attach/", {"files": [SimpleUploadedFile("after.jpg", photo)]})
        assert r.status_code == 302
    assert h.attachments.count() == 1


def test_the_api_takes_a_kind_and_refuses_another(firm_user, api_as) -> None:
    h = new_hazard(firm_user, firm_user.enterprise)
    client = api_as(firm_user)
    upload = SimpleUploadedFile("a.png", files.png(), content_type="image/png")
    r = client.client.post(
        f"/api/v1/hazards/{h.pk}/attachments", {"file": upload, "kind": "photo"}, headers=client.headers
    )
    assert r.status_code == 201 and r.json()["kind"] == "photo"
    upload = SimpleUploadedFile("b.png", files.png() + b"\0", content_type="image/png")
    r = client.client.post(f"/api/v1/hazards/{h.pk}/attachments", {"file": upload, "kind": "x"}, headers=client.headers)
    assert r.status_code == 422 and "kind" in r.json()["errors"]


def test_the_report_form_names_scope_and_field_problems_in_one_round(officer) -> None:
    r = signed_in(officer).post(
        "/hazards/new/", {"enterprise": "91500241MA5U0DEM30", "level": "general", "discovered_on": "2025-05-01"}
    )
    page = r.content.decode()
    assert r.status_code == 422
    # the title is missing (the form) and the enterprise is not in the register (the use case): both named
    assert page.count('class="field-error"') >= 2 and "企业不存在或不在您的管辖范围内" in page


def test_a_step_address_opened_by_get_goes_to_the_hazard(officer, firm) -> None:
    h = new_hazard(officer, firm, source="inspection")
    r = signed_in(officer).get(f"/hazards/{h.pk}/plan/")
    assert r.status_code == 302 and r["Location"] == f"/hazards/{h.pk}/"
