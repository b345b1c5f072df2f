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
# Pixels decoded at most. A decompression bomb (a small file whose header claims gigapixels) is refused
# from its header, before anything is decoded.
MAX_DECODE_PIXELS = 60_000_000
# A JPEG need not be decoded whole: libjpeg decodes it at 1/2, 1/4 or 1/8 of its size (Pillow's
# ``Image.draft``), so photos of a phone's 200-MP mode (16320×12240) are taken, thumbnailed at 1/8. Past
# this, or a PNG or WebP past MAX_DECODE_PIXELS (they have no reduced decode), is refused for its size.
MAX_JPEG_PIXELS = 300_000_000
# Pillow's own guard, as a backstop behind the checks above (it refuses past twice this at open).
Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS
FORMAT_MESSAGE = "只接受 JPEG、PNG、WebP 图片或 PDF 文件"


class EvidenceRejected(ValueError):
    """The file is not an accepted, intact JPEG, PNG, WebP or PDF, or is too large (in bytes or pixels)."""


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
            size = probe.size
            # a progressive JPEG is decoded through a buffer of the whole image's coefficients, whatever
            # the scale: it is bounded like a PNG
            reducible = fmt == "JPEG" and not probe.info.get("progressive")
            probe.verify()  # structure check; the image must be reopened to be used
    except Image.DecompressionBombError as exc:
        # an image, but one whose header claims more pixels than anything is decoded for
        raise EvidenceRejected(too_many_pixels(None, MAX_JPEG_PIXELS)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise EvidenceRejected(FORMAT_MESSAGE) from exc
    if fmt not in ALLOWED_IMAGE_FORMATS:
        raise EvidenceRejected(FORMAT_MESSAGE)
    check_pixels(size, reducible=reducible)
    content_type, extension = ALLOWED_IMAGE_FORMATS[fmt]
    try:
        with Image.open(io.BytesIO(content)) as img:
            if fmt == "JPEG":
                img.draft("RGB", THUMB_SIZE)  # decoded at the smallest scale still as big as the thumbnail
            img.load()
            thumb = ImageOps.exif_transpose(img)  # phone photos carry their rotation in EXIF
            thumb = thumb.convert("RGB")
            thumb.thumbnail(THUMB_SIZE)
            out = io.BytesIO()
            thumb.save(out, format="JPEG", quality=80)  # re-encoded: carries no EXIF or GPS
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise EvidenceRejected("图片已损坏，无法读取") from exc
    return content_type, extension, out.getvalue()


def _count(pixels: int) -> str:
    """Pixels as people say them: 2.0 亿, 6000 万."""
    if pixels >= 100_000_000:
        return f"{pixels / 100_000_000:.1f} 亿"
    return f"{pixels // 10_000} 万"


def too_many_pixels(size: tuple[int, int] | None, limit: int) -> str:
    """The refusal of a picture too large in pixels, saying what to do."""
    said = f"（{size[0]}×{size[1]}，约 {_count(size[0] * size[1])}像素）" if size else ""
    return f"图片像素过多{said}，超过可处理的 {_count(limit)}像素：请用手机或相机较低的分辨率拍摄，或将图片缩小后再上传"


def check_pixels(size: tuple[int, int], *, reducible: bool) -> None:
    """Refuse (EvidenceRejected) an image whose header claims more pixels than it may be decoded with:
    a baseline JPEG (``reducible``: decoded at a reduced scale) up to MAX_JPEG_PIXELS, a progressive JPEG,
    a PNG or a WebP up to MAX_DECODE_PIXELS."""
    limit = MAX_JPEG_PIXELS if reducible else MAX_DECODE_PIXELS
    if size[0] * size[1] > limit:
        raise EvidenceRejected(too_many_pixels(size, limit))


def reduce_for_decoding(img: Image.Image) -> None:
    """Ask a JPEG over MAX_DECODE_PIXELS to decode at the largest of 1/2, 1/4, 1/8 of its size that fits
    (``img.size`` becomes that); other images are left whole (check_pixels bounded them)."""
    width, height = img.size
    if img.format != "JPEG" or img.info.get("progressive") or width * height <= MAX_DECODE_PIXELS:
        return
    for scale in (2, 4, 8):
        if -(-width // scale) * -(-height // scale) <= MAX_DECODE_PIXELS:
            img.draft(img.mode, (width // scale, height // scale))
            return
    raise EvidenceRejected(too_many_pixels((width, height), MAX_JPEG_PIXELS))


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
