"""Writes of the four-colour map (四色图, issue 15): the enterprise's plant layout image and each risk unit's place
on it.

The layout is an image (JPEG, PNG or WebP) checked by the project's upload checks (``hazards.evidence``: type from
content, size cap, decompression bombs refused from the header) and, before them, held to ``LAYOUT_MAX_PIXELS``
read from the header alone: a layout is drawn on a screen, and a 200-megapixel phone photo (16320×12240) or a
small file whose header claims 20000×20000 px is refused with a sentence saying what to do, never decoded.

A place is a pair of fractions of the layout (``x`` from the left, ``y`` from the top, 0–1), so markers stay
where they were put whatever size the image is shown at. Who writes: ``selectors.may_edit`` (the enterprise's
own staff and admins; an officer in scope gets 403); out of scope 404.
"""

from __future__ import annotations

import io
import secrets
import warnings
from decimal import Decimal
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from zhiben.audit.services import event_append
from zhiben.common.errors import FieldErrors, PermissionDenied
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.evidence import FORMAT_MESSAGE, EvidenceRejected, check_upload, too_many_pixels

from ..models import RiskProfile, RiskUnit
from ..selectors import enterprise_visible, may_edit
from ..selectors.map import unit_get

# A plant layout is looked at on a screen: 25 million pixels (e.g. 6000×4000) is more than any screen shows,
# and a PNG of that decodes in about 100 MB. Larger drawings are to be exported smaller.
LAYOUT_MAX_PIXELS = 25_000_000
LAYOUT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
NOT_ALLOWED = "只有本企业人员可以编辑四色图"
LAYOUT_FORMAT = "平面布置图只接受 JPEG、PNG、WebP 图片"


def _header_size(stream: IO[bytes]) -> tuple[int, int]:
    """The size an image's header claims, read without decoding its pixels (Pillow's ``open`` is lazy); a file
    Pillow does not know is left to ``check_upload``'s refusal."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(stream) as probe:
                return probe.size
    except Image.DecompressionBombError:
        return (2**31, 2**31)  # past Pillow's own guard: refused below for its size whatever it claims
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return (0, 0)
    finally:
        stream.seek(0)


def check_layout(stream: IO[bytes], *, name: str = "", size: int | None = None) -> tuple[bytes, str, int, int]:
    """Check a layout upload: ``(content, extension, width, height)``. Raises ``FieldErrors`` naming ``file``
    when it is not a JPEG, PNG or WebP image, is over the upload size cap (``ATTACHMENT_MAX_BYTES``), or claims
    more than ``LAYOUT_MAX_PIXELS`` pixels (checked from the header, before anything is decoded)."""
    width, height = _header_size(stream)
    if width * height > LAYOUT_MAX_PIXELS:
        shown = (width, height) if width < 2**31 else None
        raise FieldErrors({"file": too_many_pixels(shown, LAYOUT_MAX_PIXELS)})
    try:
        checked = check_upload(stream, name=name, size=size)
    except EvidenceRejected as exc:
        raise FieldErrors({"file": LAYOUT_FORMAT if str(exc) == FORMAT_MESSAGE else str(exc)}) from exc
    if checked.extension not in LAYOUT_TYPES:  # a PDF passes the evidence checks but is no image to draw on
        raise FieldErrors({"file": LAYOUT_FORMAT})
    with Image.open(io.BytesIO(checked.content)) as img:  # header only: the size check_upload accepted
        width, height = img.size
    return checked.content, checked.extension, width, height


def _editable(actor: Any, enterprise_id: int) -> None:
    if not may_edit(actor, enterprise_id):
        raise PermissionDenied(NOT_ALLOWED)


@transaction.atomic
def layout_upload(*, actor: Any, enterprise: str | Enterprise, upload: Any) -> RiskProfile:
    """Store ``upload`` (a Django ``UploadedFile``, or None) as the plant layout of ``enterprise`` (a credit code,
    an id or an Enterprise) on its ``RiskProfile`` (created when missing), with its width and height in pixels;
    the units' places (fractions) stay as they are. The former image is removed once the change has committed.

    Raises ``NotFound`` when the enterprise is out of the actor's scope, ``PermissionDenied`` (403) for one who
    may see but not edit it, ``FieldErrors`` naming ``file`` for a missing or refused image (``check_layout``).
    Writes ``risk_layout_uploaded`` on the enterprise's event chain."""
    key = enterprise.credit_code if isinstance(enterprise, Enterprise) else enterprise
    firm = enterprise_visible(actor, key)
    _editable(actor, firm.pk)
    if upload is None:
        raise FieldErrors({"file": "请选择厂区平面布置图（JPEG、PNG 或 WebP 图片）"})
    content, extension, width, height = check_layout(upload, name=upload.name or "", size=upload.size)
    profile = RiskProfile.objects.select_for_update().filter(enterprise=firm).first()
    if profile is None:
        profile = RiskProfile.objects.create(enterprise=firm)
    former = profile.layout.name if profile.layout else ""
    profile.layout.save(f"{secrets.token_hex(16)}.{extension}", ContentFile(content), save=False)
    profile.layout_width, profile.layout_height = width, height
    profile.save(update_fields=["layout", "layout_width", "layout_height", "updated_at"])
    if former:
        storage = profile.layout.storage
        transaction.on_commit(lambda: storage.delete(former))
    event_append(
        actor=actor,
        subject_type="enterprise",
        subject_id=firm.credit_code,
        kind="risk_layout_uploaded",
        payload={"width": width, "height": height, "bytes": len(content)},
    )
    return profile


def check_fraction(raw: Any, field_name: str, label: str) -> Decimal:
    """A place on the map: a number from 0 to 1 (a fraction of the layout's width or height), kept to four
    decimals; ``FieldErrors`` naming ``field_name`` otherwise (blank, not a number, NaN, outside 0–1)."""
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise FieldErrors({field_name: f"{label}不能为空"})
    if not isinstance(raw, int | float | str | Decimal) or (isinstance(raw, str) and len(raw) > 40):
        raise FieldErrors({field_name: f"{label}须为 0–1 之间的数字"})
    try:
        number = Decimal(str(raw).strip())
    except ArithmeticError:
        raise FieldErrors({field_name: f"{label}须为 0–1 之间的数字"}) from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
        raise FieldErrors({field_name: f"{label}须为 0–1 之间的数字（图片左上角为 0，右下角为 1）"})
    return number.quantize(Decimal("0.0001"))


@transaction.atomic
def unit_place(*, actor: Any, unit_id: int, x: Any, y: Any) -> RiskUnit:
    """Put risk unit ``unit_id`` at (``x``, ``y``) on its enterprise's layout: fractions of the width from the left
    and of the height from the top, each 0–1 (text or number; four decimals kept).

    Raises ``NotFound`` for a unit out of scope, missing or deleted; ``PermissionDenied`` for one who may see but
    not edit the register; ``FieldErrors`` naming ``x`` and/or ``y``. Writes ``placed`` on the unit's chain
    (subject type ``risk_unit``)."""
    unit = unit_get(actor=actor, unit_id=unit_id)
    _editable(actor, unit.enterprise_id)
    errors: dict[str, str] = {}
    values: dict[str, Decimal] = {}
    for name, raw, label in (("x", x, "横坐标 x"), ("y", y, "纵坐标 y")):
        try:
            values[name] = check_fraction(raw, name, label)
        except FieldErrors as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    locked = RiskUnit.objects.select_for_update().get(pk=unit.pk)
    locked.map_x, locked.map_y = values["x"], values["y"]
    locked.save(update_fields=["map_x", "map_y", "updated_at"])
    event_append(
        actor=actor,
        subject_type="risk_unit",
        subject_id=str(unit.pk),
        kind="placed",
        payload={"name": unit.name, "x": str(values["x"]), "y": str(values["y"])},
    )
    return locked


@transaction.atomic
def unit_unplace(*, actor: Any, unit_id: int) -> RiskUnit:
    """Take risk unit ``unit_id`` off the map (it is listed as not placed). ``NotFound`` / ``PermissionDenied`` as
    ``unit_place``; a unit not placed is answered as it is, without an event."""
    unit = unit_get(actor=actor, unit_id=unit_id)
    _editable(actor, unit.enterprise_id)
    locked = RiskUnit.objects.select_for_update().get(pk=unit.pk)
    if locked.map_x is None and locked.map_y is None:
        return locked
    locked.map_x = locked.map_y = None
    locked.save(update_fields=["map_x", "map_y", "updated_at"])
    event_append(
        actor=actor, subject_type="risk_unit", subject_id=str(unit.pk), kind="unplaced", payload={"name": unit.name}
    )
    return locked
