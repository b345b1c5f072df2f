"""Real evidence files made in the tests (and disguised ones)."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw


def jpeg(size: tuple[int, int] = (640, 480), *, exif_gps: bool = False) -> bytes:
    img = Image.new("RGB", size, (200, 40, 30))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (29.0, 30.0, 0.0)}  # GPS IFD
        img.save(out, format="JPEG", exif=exif)
    else:
        img.save(out, format="JPEG")
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (0, 128, 0, 255)).save(out, format="PNG")
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 0, 200)).save(out, format="WEBP")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, format="GIF")
    return out.getvalue()


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_header_only(size: tuple[int, int]) -> bytes:
    """A PNG whose header claims ``size`` (50000×50000: 2.5 billion pixels) over a few bytes of data: a
    decompression bomb's shape, made without holding its pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size[0], size[1], 8, 2, 0, 0, 0)  # 8-bit RGB
    data = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + data + chunk(b"IEND", b"")


def image(fmt: str, size: tuple[int, int], *, exif_gps: bool = False, progressive: bool = False) -> bytes:
    """A real ``fmt`` image (JPEG, PNG, WEBP) of ``size``, with a maker and a GPS block when asked; a
    progressive JPEG when asked."""
    img = Image.new("RGB", size, (120, 160, 200))
    out = io.BytesIO()
    options: dict[str, object] = {"progressive": True} if progressive else {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        exif[0x8825] = {1: "N", 2: (29.0, 30.0, 0.0)}
        options["exif"] = exif
    img.save(out, format=fmt, **options)
    return out.getvalue()


PHONE_200MP = (16320, 12240)


def phone_photo_200mp(cache_dir: Path) -> bytes:
    """The field case: a 16320×12240 baseline JPEG (~4.9 MB) with the maker's EXIF, as a phone's 200-MP
    mode takes. Made once (it takes seconds and most of a gigabyte) and kept under ``cache_dir``."""
    path = cache_dir / "phone-200mp.jpg"
    if not path.exists():
        img = Image.new("RGB", PHONE_200MP, (120, 160, 200))
        draw = ImageDraw.Draw(img)
        for y in range(0, PHONE_200MP[1], 400):
            draw.line([(0, y), (PHONE_200MP[0], y)], fill=(80, 80, 80), width=20)
        exif = Image.Exif()
        exif[0x010F] = "samsung"
        exif[0x0110] = "SM-S9180"
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        img.save(partial, format="JPEG", quality=70, exif=exif.tobytes())
        del img
        partial.replace(path)  # atomic: parallel test workers never read half a file
    return path.read_bytes()
