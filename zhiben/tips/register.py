"""The tip register's declaration (DESIGN.md §5, the register kit): what the platform engines read."""

from __future__ import annotations

from typing import Any

from zhiben.common import kit
from zhiben.common.errors import NotFound

from . import document_data
from .models import Tip
from .selectors import tip_get


def get_scoped(actor: Any, pk: Any) -> Tip:
    """The tip if ``actor`` handles its region (officers, tip handlers, admins; never enterprise users);
    NotFound otherwise."""
    tip = tip_get(actor=actor, tip_id=int(pk))
    if tip is None:
        raise NotFound("举报不存在")
    return tip


DOCUMENTS = (
    kit.DocumentSpec(
        kind="reply",
        label="举报答复书",
        template="documents/reply.docx",
        context=document_data.reply,
        issuer=document_data.reply_issuer,
        prefix="答",
        available=document_data.is_verified,
    ),
)

TIPS = kit.register(
    kit.Register(
        name="tip",
        label="举报",
        path="tips",
        app_label="tips",
        get_scoped=get_scoped,
        events=kit.EventCatalogue(
            (kit.EventKind("document_issued", "出具文书", fields=(("label", "文书"), ("number", "文号"))),)
        ),
        documents=DOCUMENTS,
    )
)
