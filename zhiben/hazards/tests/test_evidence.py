"""Evidence files: type from content only, size cap, random names, served only in scope."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from zhiben.common.inputs import parse
from zhiben.hazards.evidence import EvidenceRejected, check_upload
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.models import Attachment, Hazard
from zhiben.tests_support import files

from .conftest import new_hazard

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (files.jpeg(), "image/jpeg"),
        (files.png(), "image/png"),
        (files.webp(), "image/webp"),
        (files.pdf(), "application/pdf"),
    ],
)
def test_accepted_types_are_recognised_from_content(content: bytes, kind: str) -> None:
    checked = check_upload(io.BytesIO(content), name="whatever.txt")
    assert checked.content_type == kind
    assert (checked.thumbnail is not None) == kind.startswith("image/")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<?php system($_GET['c']); ?>", "photo.jpg"),  # a script named like a photo
        (b"<html><script>alert(1)</script></html>", "report.pdf"),  # HTML named like a PDF
        (b"MZ\x90\x00" + b"\x00" * 200, "scan.png"),  # an executable
        (files.gif(), "photo.png"),  # a real image of a type we do not take
        (files.jpeg()[:200], "cut.jpg"),  # a truncated JPEG
        (b"%PDF-1.4\n" + b"x" * 100, "broken.pdf"),  # a PDF without its trailer
        (b"", "empty.jpg"),
    ],
)
def test_disguised_or_broken_files_are_refused(content: bytes, name: str) -> None:
    with pytest.raises(EvidenceRejected):
        check_upload(io.BytesIO(content), name=name)


def test_the_size_cap_is_a_setting(settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "ATTACHMENT_MAX_BYTES": 1000}
    with pytest.raises(EvidenceRejected, match="过大"):
        check_upload(io.BytesIO(files.jpeg((800, 800))), name="big.jpg")


def test_a_decompression_bomb_is_refused() -> None:
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, format="PNG")  # 144 megapixels, a few kB on disk
    with pytest.raises(EvidenceRejected):
        check_upload(io.BytesIO(out.getvalue()), name="bomb.png")


def test_thumbnails_carry_no_exif() -> None:
    checked = check_upload(io.BytesIO(files.jpeg(exif_gps=True)), name="gps.jpg")
    assert checked.thumbnail is not None
    with Image.open(io.BytesIO(checked.thumbnail)) as thumb:
        assert not thumb.getexif()


def test_files_are_stored_under_random_names_and_served_in_scope(officer, outsider, firm, media_root) -> None:
    h = new_hazard(officer, firm, source="inspection")
    c = Client()
    c.force_login(officer)
    r = c.post(
        f"/api/v1/hazards/{h.pk}/attachments",
        {"file": SimpleUploadedFile("../../etc/passwd.jpg", files.jpeg(), content_type="text/html")},
    )
    assert r.status_code == 201, r.content
    a = Attachment.objects.get(pk=r.json()["id"])
    assert a.content_type == "image/jpeg" and a.original_name == "passwd.jpg"
    assert "passwd" not in a.file.name and a.file.name.endswith(".jpg")
    assert Path(a.file.path).resolve().is_relative_to(Path(media_root).resolve())
    got = c.get(f"/api/v1/hazards/{h.pk}/attachments/{a.pk}")
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg" and got["X-Content-Type-Options"] == "nosniff"
    assert c.get(f"/hazards/{h.pk}/files/{a.pk}/?thumb=1").status_code == 200
    other = Client()
    other.force_login(outsider)
    assert other.get(f"/api/v1/hazards/{h.pk}/attachments/{a.pk}").status_code == 404
    assert other.get(f"/hazards/{h.pk}/files/{a.pk}/").status_code == 404
    assert Client().get(f"/hazards/{h.pk}/files/{a.pk}/").status_code == 302  # sign in first


def test_a_refused_upload_is_422_and_writes_nothing(officer, firm, media_root) -> None:
    h = new_hazard(officer, firm, source="inspection")
    c = Client()
    c.force_login(officer)
    r = c.post(f"/api/v1/hazards/{h.pk}/attachments", {"file": SimpleUploadedFile("x.jpg", b"<script>")})
    assert r.status_code == 422 and "file" in r.json()["errors"]
    assert not Attachment.objects.exists()
    assert not any(Path(media_root).rglob("*.*")) if Path(media_root).exists() else True


def test_a_failed_create_leaves_no_file_behind(officer, firm, media_root) -> None:
    from zhiben.common.errors import Conflict
    from zhiben.hazards.services import hazard_create

    new_hazard(officer, firm, external_ref="R-1", source="inspection")
    files_before = sorted(Path(media_root).rglob("*.*")) if Path(media_root).exists() else []
    with pytest.raises(Conflict):
        hazard_create(
            actor=officer,
            report=parse(
                HazardReport,
                {
                    "enterprise": firm.credit_code,
                    "title": "t",
                    "level": "general",
                    "source": "inspection",
                    "discovered_on": "2025-01-01",
                    "external_ref": "R-1",
                },
            ),
            files=[(io.BytesIO(files.jpeg()), "a.jpg", None)],
        )
    files_after = sorted(Path(media_root).rglob("*.*")) if Path(media_root).exists() else []
    assert files_after == files_before
    assert Hazard.objects.count() == 1
