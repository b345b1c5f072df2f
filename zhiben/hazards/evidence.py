"""Evidence files: type detected from content (never from the name or the declared type), size-capped,
stored under a random name, images thumbnailed. Pillow identifies and checks images; a PDF is known
by its signature and trailer."""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
PDF = ("application/pdf", "pdf")
THUMB_SIZE = (360, 360)
# A decompression bomb (a tiny file that expands to gigapixels) is refused, not rendered.
Image.MAX_IMAGE_PIXELS = 60_000_000


class EvidenceRejected(ValueError):
    """The file is not an accepted, intact JPEG, PNG, WebP or PDF, or is too large."""


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str
    thumbnail: bytes | None


def max_bytes() -> int:
    return int(settings.ZHIBEN["ATTACHMENT_MAX_BYTES"])


def check_upload(stream: IO[bytes], *, name: str = "", size: int | None = None) -> CheckedFile:
    """Read and check one upload; raise EvidenceRejected with a Chinese message."""
    limit = max_bytes()
    if size is not None and size > limit:
        raise EvidenceRejected(f"文件过大：不能超过 {limit // (1024 * 1024)} MB")
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise EvidenceRejected(f"文件过大：不能超过 {limit // (1024 * 1024)} MB")
    if not content:
        raise EvidenceRejected("文件为空")
    content_type, extension, thumbnail = _identify(content)
    return CheckedFile(
        content=content,
        content_type=content_type,
        extension=extension,
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=_safe_name(name),
        thumbnail=thumbnail,
    )


def _identify(content: bytes) -> tuple[str, str, bytes | None]:
    if content.startswith(b"%PDF-"):
        # A real PDF ends with %%EOF (allowing trailing whitespace or an incremental-update tail).
        if b"%%EOF" not in content[-2048:]:
            raise EvidenceRejected("PDF 文件不完整或已损坏")
        return PDF[0], PDF[1], None
    try:
        with Image.open(io.BytesIO(content)) as probe:
            fmt = probe.format or ""
            probe.verify()  # structure check; the image must be reopened to be used
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise EvidenceRejected("只接受 JPEG、PNG、WebP 图片或 PDF 文件") from exc
    if fmt not in ALLOWED_IMAGE_FORMATS:
        raise EvidenceRejected("只接受 JPEG、PNG、WebP 图片或 PDF 文件")
    content_type, extension = ALLOWED_IMAGE_FORMATS[fmt]
    try:
        with Image.open(io.BytesIO(content)) as img:
            img.load()
            thumb = ImageOps.exif_transpose(img)  # phone photos carry their rotation in EXIF
            thumb = thumb.convert("RGB")
            thumb.thumbnail(THUMB_SIZE)
            out = io.BytesIO()
            thumb.save(out, format="JPEG", quality=80)  # re-encoded: carries no EXIF or GPS
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise EvidenceRejected("图片已损坏，无法读取") from exc
    return content_type, extension, out.getvalue()


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned[:200]


def stored_files(checked: CheckedFile) -> tuple[ContentFile[bytes], ContentFile[bytes] | None]:
    """Content files under random names; the extension follows the detected type."""
    token = secrets.token_hex(16)
    main = ContentFile(checked.content, name=f"{token}.{checked.extension}")
    thumb = ContentFile(checked.thumbnail, name=f"{token}.jpg") if checked.thumbnail else None
    return main, thumb
