"""Writing events. Services call ``event_append`` inside their own ``transaction.atomic()``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from zhiben.common.bulk import bulk_insert

from .models import ChainHead, Event, chain_of

BATCH = 5000  # events per insert


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
    """Append events in order, each to its subject type's chain; returns how many.

    Must run inside the caller's transaction. Each chain's head row is locked (``select_for_update``)
    when the first event for it arrives and stays locked until the caller's transaction ends, so
    appends to one chain are serialised and never fork, while appends to other chains go on.
    A transaction that writes several chains takes their heads in the order it writes them (the
    services write their own register's chain first, then the tip's or the import's)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events must be written in the same transaction as the change")
    made, _ = _append(actor=actor, events=events, at=at)
    return made


def _append(*, actor: Any, events: Iterable[NewEvent], at: datetime | None) -> tuple[int, dict[str, int]]:
    """``event_append_many``'s work; returns how many, and each chain written → the id of its newest event."""
    at = at or timezone.now()
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    actor_name = (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor_id else "系统"
    heads: dict[str, ChainHead] = {}  # chain → its locked head, in the order first written
    prev: dict[str, str] = {}  # chain → the newest hash so far
    made: dict[str, int] = {}
    batch: list[dict[str, Any]] = []
    total = 0
    # In batches, not one stream: a new chain's head is locked between two inserts (no query may run
    # while PostgreSQL's COPY is open), and an import's hundred thousand events are never all in memory.
    for new in events:
        chain = chain_of(new.subject_type)
        if chain not in heads:
            if batch:
                total += bulk_insert(Event, batch, BATCH)
                batch = []
            heads[chain] = _locked_head(chain)
            prev[chain], made[chain] = heads[chain].last_hash, 0
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
        digest = link_hash(prev[chain], content)
        batch.append(
            {
                "chain": chain,
                "subject_type": new.subject_type,
                "subject_id": str(new.subject_id),
                "kind": new.kind,
                "actor_id": actor_id,
                "actor_name": actor_name,
                "at": at,
                "payload": payload,
                "prev_hash": prev[chain],
                "hash": digest,
            }
        )
        prev[chain] = digest
        made[chain] += 1
        if len(batch) >= BATCH:
            total += bulk_insert(Event, batch, BATCH)
            batch = []
    if batch:
        total += bulk_insert(Event, batch, BATCH)
    last: dict[str, int] = {}
    for chain, head in heads.items():
        last[chain] = Event.objects.filter(hash=prev[chain]).values_list("pk", flat=True).get()
        ChainHead.objects.filter(chain=chain).update(
            last_hash=prev[chain], last_event_id=last[chain], count=head.count + made[chain]
        )
    return total, last


def _locked_head(chain: str) -> ChainHead:
    """The chain's head row, locked until the transaction ends; created (empty) for a new chain."""
    head = ChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is not None:
        return head
    # A new chain: two first writers may race to create it; the loser waits for the winner's row.
    ChainHead.objects.bulk_create([ChainHead(chain=chain)], ignore_conflicts=True)
    return ChainHead.objects.select_for_update().get(chain=chain)


def event_append(
    *, actor: Any, subject_type: str, subject_id: str, kind: str, payload: dict[str, Any] | None = None
) -> Event:
    """Append one event to its subject type's chain (see ``event_append_many``) and return it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events must be written in the same transaction as the change")
    _, last = _append(actor=actor, events=[NewEvent(subject_type, str(subject_id), kind, payload or {})], at=None)
    return Event.objects.get(pk=last[chain_of(subject_type)])
