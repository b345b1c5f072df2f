"""Tip attachments: photos re-encoded without their metadata (EXIF, GPS, maker notes, comments) before
anything is stored, so a photo cannot say whose phone took it or where; PDFs are kept as checked."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import secrets

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from zhiben.hazards.evidence import CheckedFile, EvidenceRejected, reduce_for_decoding

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def stripped(checked: CheckedFile) -> CheckedFile:
    """The same picture, upright, from its pixels only; the original name is dropped too. A JPEG over
    evidence.MAX_DECODE_PIXELS (a 200-MP phone photo) is kept at the largest of 1/2, 1/4, 1/8 of its size
    that fits, as it is decoded."""
    if checked.content_type not in FORMATS:
        return dataclasses.replace(checked, original_name="", thumbnail=None)
    try:
        with Image.open(io.BytesIO(checked.content)) as img:
            reduce_for_decoding(img)
            img.load()
            upright = ImageOps.exif_transpose(img)  # the rotation EXIF carried, applied to the pixels
            # a new image from the pixels alone: no info dict, so no EXIF, XMP, ICC text or PNG chunks
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            palette = upright.getpalette() if upright.mode == "P" else None
            if palette:
                clean.putpalette(palette)
            out = io.BytesIO()
            fmt = FORMATS[checked.content_type]
            if fmt == "JPEG":
                clean.convert("RGB").save(out, format="JPEG", quality=88)
            else:
                clean.save(out, format=fmt)
    except EvidenceRejected:
        raise
    except (OSError, ValueError) as exc:
        raise EvidenceRejected("图片已损坏，无法读取") from exc
    content = out.getvalue()
    return dataclasses.replace(
        checked, content=content, sha256=hashlib.sha256(content).hexdigest(), original_name="", thumbnail=None
    )


def stored_file(checked: CheckedFile) -> ContentFile[bytes]:
    return ContentFile(checked.content, name=f"{secrets.token_hex(16)}.{checked.extension}")
