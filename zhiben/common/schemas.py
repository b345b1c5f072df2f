"""API schemas every register shares."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

from zhiben.common import kit


class EventOut(Schema):
    """One entry of a record's timeline (全过程记录): the event as stored, with its Chinese ``label`` and
    ``text`` from the register's catalogue (the same words as the page and the export)."""

    id: int
    kind: str
    label: str
    text: str
    at: datetime.datetime
    actor: str = Field(..., alias="actor_name")
    actor_id: int | None
    payload: dict[str, Any]

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return kit.event_view(obj.subject_type, obj.kind, obj.payload)[0]

    @staticmethod
    def resolve_text(obj: Any) -> str:
        return kit.event_view(obj.subject_type, obj.kind, obj.payload)[1]
