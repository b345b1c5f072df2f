"""Writing events. Services call ``event_append`` inside their own ``transaction.atomic()``."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from zhiben.common.bulk import JSONText, bulk_insert, insert_one

from .models import ChainHead, Event, chain_of, chains_of

BATCH = 5000  # events per insert


@dataclass(frozen=True)
class NewEvent:
    subject_type: str
    subject_id: str
    kind: str
    payload: dict[str, Any]


def _jsonable(payload: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The payload as the JSON column gives it back (what is hashed), and its JSON text (what is stored:
    a batch writes the text as it is rather than serialising the payload a second time)."""
    text = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False)
    return json.loads(text), text


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
    """Append events in order, each to its chain (``chain_of``: its subject type, or a stripe of it);
    returns how many. Must run inside the caller's transaction.

    A chain's head row is locked (``select_for_update``) when the first event for it arrives and
    stays locked until the caller's transaction ends, so appends to one chain are serialised and never
    fork while appends to other chains go on. One event locks its own chain's head. A call with
    several events (an import) locks, on meeting a subject type, the heads of all that type's chains
    in sorted order: two imports then never hold stripes in opposite orders (no deadlock), and a
    transaction writing several subjects of one type should pass them in one call for that reason.
    A transaction writing several subject types takes them in the order it writes them (the services
    write their own register's events first, then the tip's or the import's)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events must be written in the same transaction as the change")
    made, _, _ = _append(actor=actor, events=events, at=at)
    return made


def _append(*, actor: Any, events: Iterable[NewEvent], at: datetime | None) -> tuple[int, dict[str, int], Event | None]:
    """``event_append_many``'s work; returns how many, each chain written → the id of its newest event,
    and for a single event the event itself (as stored, not read back)."""
    at = at or timezone.now()
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    actor_name = (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor_id else "系统"
    heads: dict[str, ChainHead] = {}  # chain → its locked head
    prev: dict[str, str] = {}  # chain → the newest hash so far
    made: dict[str, int] = {}
    batch: list[dict[str, Any]] = []
    total = 0
    stream = iter(events)
    ahead = list(itertools.islice(stream, 2))
    bulk = len(ahead) > 1
    # In batches, not one stream: heads are locked between two inserts (no query may run while
    # PostgreSQL's COPY is open), and an import's hundred thousand events are never all in memory.
    for new in itertools.chain(ahead, stream):
        chain = chain_of(new.subject_type, new.subject_id)
        if chain not in heads:
            if batch:
                total += bulk_insert(Event, batch, BATCH)
                batch = []
            for head in _locked_heads(chains_of(new.subject_type) if bulk else [chain]):
                if head.chain not in heads:
                    heads[head.chain], prev[head.chain], made[head.chain] = head, head.last_hash, 0
        payload, text = _jsonable(new.payload)
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
                "payload": JSONText(text) if bulk else payload,
                "prev_hash": prev[chain],
                "hash": digest,
            }
        )
        prev[chain] = digest
        made[chain] += 1
        if len(batch) >= BATCH:
            total += bulk_insert(Event, batch, BATCH)
            batch = []
    last: dict[str, int] = {}
    single: Event | None = None
    if batch and not bulk:
        # One event: INSERT … RETURNING gives its id (COPY and a look-up by hash cost two more trips).
        total, last[batch[0]["chain"]] = 1, insert_one(Event, batch[0])
        single = Event(pk=last[batch[0]["chain"]], **batch[0])
        single._state.adding, single._state.db = False, "default"
    elif batch:
        total += bulk_insert(Event, batch, BATCH)
    for chain, head in heads.items():
        if not made[chain]:
            continue
        if chain not in last:
            last[chain] = Event.objects.filter(hash=prev[chain]).values_list("pk", flat=True).get()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_chainhead SET last_hash = %s, last_event_id = %s, count = %s WHERE chain = %s",
                [prev[chain], last[chain], head.count + made[chain], chain],
            )
    return total, last, single


def _locked_heads(chains: list[str]) -> list[ChainHead]:
    """The heads of ``chains``, locked in sorted order until the transaction ends; a new chain's head is
    created first (two first writers race harmlessly: the loser waits for the winner's row).

    Plain SQL, as the head's update: every write of every register passes here, and the ORM's building of
    these two statements cost more than running them."""
    marks = ", ".join(["%s"] * len(chains))
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        "SELECT chain, last_hash, last_event_id, count FROM audit_chainhead "  # noqa: S608 - only %s marks are spliced in
        f"WHERE chain IN ({marks}) ORDER BY chain{lock}"
    )

    def read() -> list[ChainHead]:
        with connection.cursor() as cursor:
            cursor.execute(sql, chains)
            return [ChainHead(chain=c, last_hash=h, last_event_id=e, count=n) for c, h, e, n in cursor.fetchall()]

    locked = read()
    if len(locked) == len(chains):
        return locked
    ChainHead.objects.bulk_create([ChainHead(chain=c) for c in chains], ignore_conflicts=True)
    return read()


def event_append(
    *,
    actor: Any,
    subject_type: str,
    subject_id: str,
    kind: str,
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    """Append one event to its subject type's chain (see ``event_append_many``) and return it as stored."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events must be written in the same transaction as the change")
    _, last, single = _append(actor=actor, events=[NewEvent(subject_type, str(subject_id), kind, payload or {})], at=at)
    return single if single is not None else Event.objects.get(pk=last[chain_of(subject_type, str(subject_id))])
