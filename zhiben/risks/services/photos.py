"""Photos taken at a check (排查照片), from the phone page: checked as hazard evidence is (type from the content, the
size cap, the pixel bounds — ``hazards.evidence.check_upload``), JPEG, PNG or WebP only, stored under a random name
after the record they belong to is saved (``CheckPhoto``), in the caller's transaction.
"""

from __future__ import annotations

from typing import IO

from django.core.files.storage import default_storage
from django.db import transaction

from zhiben.accounts.models import User
from zhiben.audit.services import event_append
from zhiben.common.errors import FieldErrors, NotFound, PermissionDenied
from zhiben.hazards.evidence import CheckedFile, EvidenceRejected, check_upload, stored_files

from ..models import CheckPhoto
from ..selectors import records_visible

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


def photo_checked(stream: IO[bytes], *, name: str, size: int | None, field: str = "photo") -> CheckedFile:
    """One uploaded photo read and checked (nothing stored). A picture too large in pixels (a PNG of a 200-MP
    camera) is refused saying so and what to do; a baseline JPEG of a phone's 200-MP mode is taken, as hazard
    evidence takes it (decoded at a reduced scale). Raises FieldErrors naming ``field``."""
    try:
        checked = check_upload(stream, name=name, size=size)
    except EvidenceRejected as exc:
        raise FieldErrors({field: str(exc)}) from None
    if checked.content_type not in PHOTO_TYPES:
        raise FieldErrors({field: "只接受照片（JPEG、PNG、WebP）"})
    return checked


def check_photo_add(*, actor: User, record_id: int, checked: CheckedFile) -> CheckPhoto:
    """Keep ``checked`` as a photo of check record ``record_id`` (one the actor recorded). The same picture sent
    again to the same record answers the one kept. Raises NotFound (not visible), PermissionDenied (recorded by
    someone else)."""
    with transaction.atomic():
        record = records_visible(actor).select_for_update().filter(pk=record_id).first()
        if record is None:
            raise NotFound("排查记录不存在")
        if record.done_by_id != actor.pk:
            raise PermissionDenied("只有填写排查记录的排查人可以上传照片")
        same = CheckPhoto.objects.filter(record=record, sha256=checked.sha256).first()
        if same is not None:
            return same
        main, _ = stored_files(checked)
        photo = CheckPhoto(
            record=record,
            name=checked.original_name or "照片",
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
        )
        photo.file.save(main.name or "photo", main, save=False)
        try:
            with transaction.atomic():
                photo.save()
                event_append(
                    actor=actor,
                    subject_type="check_record",
                    subject_id=str(record.pk),
                    kind="photo_added",
                    payload={"photo": photo.pk, "name": photo.name, "size": photo.size, "sha256": photo.sha256},
                )
        except Exception:
            default_storage.delete(photo.file.name)  # the row was not written: its file must not linger
            raise
    return photo
