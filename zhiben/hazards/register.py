"""The hazard register's declaration (DESIGN.md §5, the register kit): what the platform engines read."""

from __future__ import annotations

from typing import Any

from zhiben.common import kit
from zhiben.common.errors import NotFound

from . import document_data
from .models import Hazard
from .selectors import hazard_get


def get_scoped(actor: Any, pk: Any) -> Hazard:
    """The hazard if ``actor`` may see it; NotFound otherwise (missing and forbidden look the same)."""
    hazard = hazard_get(actor=actor, hazard_id=int(pk))
    if hazard is None:
        raise NotFound("隐患不存在")
    return hazard


DOCUMENTS = (
    kit.DocumentSpec(
        kind="listing_notice",
        label="挂牌督办通知书",
        template="documents/listing_notice.docx",
        context=document_data.listing_notice,
        issuer=document_data.listing_issuer,
        prefix="督",
        available=document_data.is_listed,
    ),
    kit.DocumentSpec(
        kind="closeout_form",
        label="销号审批表",
        template="documents/closeout_form.docx",
        context=document_data.closeout_form,
        issuer=document_data.closeout_issuer,
        prefix="销",
        available=document_data.is_closed,
    ),
)

HAZARDS = kit.register(
    kit.Register(
        name="hazard",
        label="隐患",
        path="hazards",
        app_label="hazards",
        get_scoped=get_scoped,
        events=kit.EventCatalogue(
            (kit.EventKind("document_issued", "出具文书", fields=(("label", "文书"), ("number", "文号"))),)
        ),
        documents=DOCUMENTS,
    )
)
