"""``/api/v1/{register}/{id}/documents``: the documents a register declares, as .docx downloads.

Mounted at the API's root: the first segment names the register (``hazards``, ``tips``), read from the
register kit, so a new register's documents need no route of their own.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from zhiben.accounts.models import User
from zhiben.accounts.request import request_actor
from zhiben.common import kit
from zhiben.common.errors import NotFound
from zhiben.common.xlsx import content_disposition

from .services import Rendered, document_entries, document_get

router = Router(tags=["documents"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentOut(Schema):
    kind: str
    label: str
    available: bool
    number: str | None
    issued_on: datetime.date | None


def subject_of(actor: User, segment: str, subject_id: int) -> tuple[kit.Register, Any]:
    """The register served under ``segment`` and its record ``subject_id`` as ``actor`` may see it;
    NotFound (404) for an unknown register, a missing record or one outside the actor's scope."""
    register = kit.by_path(segment)
    if register is None or not register.documents:
        raise NotFound("未找到")
    return register, register.get_scoped(actor, subject_id)


def docx_response(rendered: Rendered) -> HttpResponse:
    """The document as a download with its Chinese name (RFC 5987 ``filename*``), never cached."""
    response = HttpResponse(rendered.content, content_type=DOCX)
    response["Content-Disposition"] = content_disposition(rendered.filename, fallback=rendered.fallback)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/{segment}/{int:subject_id}/documents", response=list[DocumentOut])
def list_documents(request: HttpRequest, segment: str, subject_id: int) -> list[Any]:
    """The documents the register declares for this record: whether each can be had now, and its number
    (文号) and day once issued."""
    actor = request_actor(request)
    register, subject = subject_of(actor, segment, subject_id)
    return list(document_entries(register=register, subject=subject, actor=actor))


@router.get(
    "/{segment}/{int:subject_id}/documents/{kind}",
    openapi_extra={
        "responses": {
            200: {"description": "文书（.docx）", "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}}
        }
    },
)
def get_document(request: HttpRequest, segment: str, subject_id: int, kind: str) -> HttpResponse:
    """The document ``kind`` (e.g. ``listing_notice`` 挂牌督办通知书) as a .docx. The first download by
    government staff issues it (the next 文号 of the issuing unit for the year, an event on the record's
    timeline); later downloads keep that number. 409 when it cannot be issued now."""
    actor = request_actor(request)
    register, subject = subject_of(actor, segment, subject_id)
    return docx_response(document_get(register=register, subject=subject, kind=kind, actor=actor))
