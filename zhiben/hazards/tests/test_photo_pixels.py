"""Photos over the decoder's pixel limit: a JPEG is taken (decoded at a reduced scale, never whole), a PNG or
WebP too large to decode is refused for its pixels, saying what to do — never as a format error — on every
path that takes pictures: hazard evidence (API and page), tip photos (public page, follow-up page, API by
receipt). A decompression bomb is still refused from its header, before anything is decoded."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from zhiben.hazards import evidence
from zhiben.hazards.evidence import EvidenceRejected, check_upload
from zhiben.hazards.models import Attachment, Hazard
from zhiben.tests_support import factories, files
from zhiben.tips.models import Tip, TipAttachment

pytestmark = pytest.mark.django_db

TIP = {"region": "500241", "category": "violation", "description": "无证经营危险化学品，夜间在居民区装卸"}
PAGE_TIP = {"place": "秀山县清溪场镇", "category": "major_hazard", "description": "烟花爆竹仓库超量储存，就在居民楼下"}


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}


@pytest.fixture
def small_limits(monkeypatch: Any) -> None:
    """The limits scaled down 100-fold (600,000 pixels decoded, 3,000,000 for a JPEG), so that pictures
    over them are quick to make; the code paths are the same."""
    monkeypatch.setattr(evidence, "MAX_DECODE_PIXELS", 600_000)
    monkeypatch.setattr(evidence, "MAX_JPEG_PIXELS", 3_000_000)


def _refusal(content: bytes) -> str:
    with pytest.raises(EvidenceRejected) as caught:
        check_upload(io.BytesIO(content), name="x")
    return str(caught.value)


# ------------------------------------------------------------------------------------ the checks


@pytest.mark.parametrize("size", [(1200, 800), (2000, 1500), (1732, 1732)])
def test_a_jpeg_over_the_decode_limit_is_taken_and_thumbnailed(small_limits, size) -> None:
    checked = check_upload(io.BytesIO(files.image("JPEG", size, exif_gps=True)), name="big.jpg")
    assert checked.content_type == "image/jpeg" and checked.thumbnail
    with Image.open(io.BytesIO(checked.thumbnail)) as thumb:
        assert max(thumb.size) == 360 and not thumb.getexif()


@pytest.mark.parametrize(("fmt", "size"), [("PNG", (1000, 700)), ("WEBP", (900, 900)), ("PNG", (601, 1000))])
def test_a_png_or_webp_over_the_decode_limit_is_refused_for_its_pixels(small_limits, fmt, size) -> None:
    said = _refusal(files.image(fmt, size))
    assert "像素过多" in said and f"{size[0]}×{size[1]}" in said and "较低的分辨率" in said, said
    assert "只接受" not in said


def test_a_progressive_jpeg_is_bounded_like_a_png(small_limits) -> None:
    """libjpeg holds a progressive JPEG's coefficients for the whole image at any scale."""
    said = _refusal(files.image("JPEG", (1000, 700), progressive=True))
    assert "像素过多" in said and "1000×700" in said, said
    assert check_upload(io.BytesIO(files.image("JPEG", (700, 700), progressive=True)), name="p").thumbnail


def test_a_jpeg_over_the_jpeg_limit_is_refused_for_its_pixels(small_limits) -> None:
    said = _refusal(files.image("JPEG", (2500, 1500)))
    assert "像素过多" in said and "2500×1500" in said, said


@pytest.mark.parametrize("size", [(50000, 50000), (65535, 65535), (20000, 40000), (8000, 8000)])
def test_a_decompression_bomb_is_refused_from_its_header(size, monkeypatch) -> None:
    # nothing may be decoded: a decode would take gigabytes
    monkeypatch.setattr(Image.Image, "load", lambda self: pytest.fail("decoded a bomb"))
    said = _refusal(files.png_header_only(size))
    assert "像素过多" in said and "只接受" not in said, said


def test_at_the_limits_pictures_are_taken(small_limits) -> None:
    assert check_upload(io.BytesIO(files.image("PNG", (1000, 600))), name="a").content_type == "image/png"
    assert check_upload(io.BytesIO(files.image("WEBP", (600, 1000))), name="a").content_type == "image/webp"
    assert check_upload(io.BytesIO(files.image("JPEG", (2000, 1500))), name="a").thumbnail


# -------------------------------------------------------------------------------- every path


def _hazard_api(officer: Any, hazard: Hazard, photo: bytes) -> Any:
    client = Client()
    client.force_login(officer)
    return client.post(f"/api/v1/hazards/{hazard.pk}/attachments", {"file": SimpleUploadedFile("p.jpg", photo)})


def _hazard_page(officer: Any, hazard: Hazard, photo: bytes) -> Any:
    client = Client()
    client.force_login(officer)
    body: dict[str, Any] = {"title": "配电房电缆沟积水", "level": "general", "discovered_on": "2025-05-01"}
    body["source"] = "inspection"
    body |= {"enterprise": hazard.enterprise.credit_code, "files": [SimpleUploadedFile("p.jpg", photo)]}
    return client.post("/hazards/new/", body)


def _tip_api(officer: Any, hazard: Hazard, photo: bytes) -> Any:
    r = Client().post("/api/v1/tips", json.dumps(TIP), content_type="application/json")
    receipt = r.json()["receipt"]
    return Client().post(f"/api/v1/tips/by-receipt/{receipt}/attachments", {"file": SimpleUploadedFile("p.jpg", photo)})


def _tip_page(officer: Any, hazard: Hazard, photo: bytes) -> Any:
    return Client().post("/tips/report/", {**PAGE_TIP, "files": [SimpleUploadedFile("IMG.jpg", photo)]})


def _tip_check_page(officer: Any, hazard: Hazard, photo: bytes) -> Any:
    r = Client().post("/api/v1/tips", json.dumps(TIP), content_type="application/json")
    receipt = r.json()["receipt"]
    body = {"receipt": receipt, "action": "add", "body": "补充照片", "files": [SimpleUploadedFile("p.jpg", photo)]}
    return Client().post("/tips/check/", body)


PATHS: dict[str, Callable[[Any, Hazard, bytes], Any]] = {
    "hazard-api": _hazard_api,
    "hazard-page": _hazard_page,
    "tip-api": _tip_api,
    "tip-page": _tip_page,
    "tip-check-page": _tip_check_page,
}


def _text(r: Any) -> str:
    if r.get("Content-Type", "").startswith("application/json"):
        return json.dumps(r.json(), ensure_ascii=False)
    return str(r.content.decode())


def _stored() -> list[bytes]:
    out = []
    for model in (Attachment, TipAttachment):
        for row in model.objects.all():
            with row.file.open("rb") as f:
                out.append(f.read())
    return out


@pytest.fixture
def hazard(officer: Any, firm: Any) -> Hazard:
    return factories.hazard(officer, firm, discovered_on="2025-03-01")


@pytest.mark.parametrize("path", PATHS)
def test_every_path_takes_a_jpeg_over_the_decode_limit(small_limits, officer, hazard, path, township) -> None:
    before = len(_stored())
    r = PATHS[path](officer, hazard, files.image("JPEG", (2000, 1500), exif_gps=True))
    assert r.status_code in (200, 201, 302, 303), (r.status_code, r.content.decode()[:2000])
    assert "只接受" not in _text(r) and "像素" not in _text(r)
    stored = _stored()
    assert len(stored) == before + 1
    with Image.open(io.BytesIO(stored[-1] if path.startswith("tip") else stored[0])) as img:
        if path.startswith("tip"):  # re-encoded from its pixels: within the decode limit, no metadata left
            assert img.size[0] * img.size[1] <= evidence.MAX_DECODE_PIXELS and img.size == (
                500,
                375,
            )  # a quarter: half is over
            assert not img.getexif()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "picture", [lambda: files.image("PNG", (1000, 700)), lambda: files.png_header_only((50000, 50000))]
)
def test_every_path_refuses_a_png_too_large_saying_why(small_limits, officer, hazard, path, picture, township) -> None:
    before = len(_stored())
    r = PATHS[path](officer, hazard, picture())
    page = _text(r)
    assert r.status_code in (200, 422), (r.status_code, page[:2000])
    assert "像素过多" in page and "只接受" not in page, page[:3000]
    assert len(_stored()) == before
    assert not Tip.objects.filter(attachments__isnull=False).exists()


def test_the_field_case_a_200_megapixel_phone_photo(officer, hazard) -> None:
    """The handed case (16320×12240, 4.9 MB) at the real limits, as hazard evidence and as a tip photo."""
    photo = files.phone_photo_200mp(django_settings.DATA_DIR / "test-cache")
    assert len(photo) < django_settings.ZHIBEN["ATTACHMENT_MAX_BYTES"]
    r = _hazard_api(officer, hazard, photo)
    assert r.status_code == 201, r.content
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg" and attachment.thumbnail
    r = _tip_api(officer, hazard, photo)
    assert r.status_code == 201, r.content
    with TipAttachment.objects.get().file.open("rb") as f, Image.open(f) as img:
        assert img.size == (8160, 6120) and not img.getexif()  # half its size: the largest that fits
