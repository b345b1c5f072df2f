"""Writing events. Services call ``event_append`` inside their own ``transaction.atomic()``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from zhiben.common.bulk import bulk_insert

from .models import GENESIS, ChainHead, Event


@dataclass(frozen=True)
class NewEvent:
    subject_type: str
    subject_id: str
    kind: str
    payload: dict[str, Any]


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so what is hashed is exactly what the JSON column gives back.
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical(
    *,
    subject_type: str,
    subject_id: str,
    kind: str,
    actor_id: int | None,
    actor_name: str,
    at: datetime,
    payload: dict[str, Any],
) -> str:
    at_utc = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(
        [subject_type, str(subject_id), kind, actor_id, actor_name, at_utc, payload],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def link_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


def event_append_many(*, actor: Any, events: Iterable[NewEvent], at: datetime | None = None) -> int:
    """Append events in order to the chain; returns how many. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events must be written in the same transaction as the change")
    at = at or timezone.now()
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    actor_name = (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor_id else "系统"
    head, _ = ChainHead.objects.select_for_update().get_or_create(id=1, defaults={"last_hash": GENESIS})
    state: dict[str, str] = {"prev": head.last_hash}

    def rows() -> Iterator[dict[str, Any]]:
        # one at a time into executemany: an import's hundred thousand events are never all in memory
        for new in events:
            payload = _jsonable(new.payload)
            content = canonical(
                subject_type=new.subject_type,
                subject_id=new.subject_id,
                kind=new.kind,
                actor_id=actor_id,
                actor_name=actor_name,
                at=at,
                payload=payload,
            )
            digest = link_hash(state["prev"], content)
            yield {
                "subject_type": new.subject_type,
                "subject_id": str(new.subject_id),
                "kind": new.kind,
                "actor_id": actor_id,
                "actor_name": actor_name,
                "at": at,
                "payload": payload,
                "prev_hash": state["prev"],
                "hash": digest,
            }
            state["prev"] = digest

    made = bulk_insert(Event, rows(), 5000)
    if not made:
        return 0
    last_id = Event.objects.filter(hash=state["prev"]).values_list("pk", flat=True).get()
    ChainHead.objects.filter(id=1).update(last_hash=state["prev"], last_event_id=last_id, count=head.count + made)
    return made


def event_append(
    *, actor: Any, subject_type: str, subject_id: str, kind: str, payload: dict[str, Any] | None = None
) -> Event:
    event_append_many(actor=actor, events=[NewEvent(subject_type, str(subject_id), kind, payload or {})])
    return Event.objects.get(pk=ChainHead.objects.values_list("last_event_id", flat=True).get(id=1))
