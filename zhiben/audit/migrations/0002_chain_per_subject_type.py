"""One event chain per subject type, the busy registers' in stripes (docs/adr/0002-event-chain-partitioning.md).

Forward: the single chain is verified as it stands, then every event is re-linked into its chain (its subject
type's, or for hazards, enterprises, tips and accidents one of 32 stripes by subject; prev/hash recomputed per
chain in id order) and each chain gets its head row. Backward: the
chains are verified, then re-linked into one chain with the single head row (id=1). A broken chain is
never re-linked: that would give tampered rows fresh, valid hashes. The migration refuses instead, and
``verify_events`` names the bad event.

The hashing and the partition below are frozen copies of ``zhiben.audit.services.canonical``/``link_hash``
and ``zhiben.audit.models.chain_of`` as they were when this migration was written, so that later changes to
them cannot change what it computes.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable
from datetime import UTC
from typing import Any

from django.db import migrations, models

GENESIS = "0" * 64
BATCH = 5000
SINGLE = ""  # the one chain before this migration
STRIPES = {"hazard": 32, "enterprise": 32, "tip": 32, "accident": 32}


def _chain_of(subject_type: str, subject_id: str) -> str:
    stripes = STRIPES.get(subject_type)
    if not stripes:
        return subject_type
    return f"{subject_type}.{zlib.crc32(str(subject_id).encode()) % stripes}"


def _canonical(subject_type: str, subject_id: str, kind: str, actor_id: Any, actor_name: str, at: Any, payload: Any) -> str:
    at_utc = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(
        [subject_type, str(subject_id), kind, actor_id, actor_name, at_utc, payload],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _link(prev: str, content: str) -> str:
    return hashlib.sha256((prev + content).encode()).hexdigest()


def _batches(Event: Any) -> Any:
    """Every event in id order, a batch at a time (no cursor left open while rows are updated)."""
    fields = ("id", "subject_type", "subject_id", "kind", "actor_id", "actor_name", "at", "payload", "prev_hash", "hash")
    after = 0
    while True:
        rows = list(Event.objects.filter(id__gt=after).order_by("id").values_list(*fields)[:BATCH])
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def _relink(
    Event: Any,
    chain_now: Callable[[str, str], str],
    heads_now: dict[str, tuple[str, int]],
    chain_next: Callable[[str, str], str],
) -> dict[str, tuple[str, int, int]]:
    """Check the chains as ``chain_now`` assigns them (links, content, ``heads_now``: chain → (last hash, count)),
    then re-link every event as ``chain_next`` assigns them. Returns the new heads: chain → (hash, last id, count).
    Raises RuntimeError, before anything is kept, when the chains as they stand do not verify."""
    now: dict[str, tuple[str, int]] = {}  # chain → (newest hash, count) as stored
    nxt: dict[str, tuple[str, int, int]] = {}  # chain → (newest hash, last id, count) as re-linked
    for rows in _batches(Event):
        changed = []
        for event_id, subject_type, subject_id, kind, actor_id, actor_name, at, payload, prev_hash, digest in rows:
            content = _canonical(subject_type, subject_id, kind, actor_id, actor_name, at, payload)
            old = chain_now(subject_type, subject_id)
            prev, count = now.get(old, (GENESIS, 0))
            if prev_hash != prev or _link(prev, content) != digest:
                raise RuntimeError(
                    f"事件 #{event_id} 未通过校验，事件链已被破坏，不能重新链接；请先运行 verify_events 查明原因 "
                    f"(event #{event_id} does not verify: the chain is broken and is not re-linked)"
                )
            now[old] = (digest, count + 1)
            new = chain_next(subject_type, subject_id)
            new_prev, _, new_count = nxt.get(new, (GENESIS, 0, 0))
            new_hash = _link(new_prev, content)
            nxt[new] = (new_hash, event_id, new_count + 1)
            changed.append(Event(id=event_id, chain=new, prev_hash=new_prev, hash=new_hash))
        Event.objects.bulk_update(changed, ["chain", "prev_hash", "hash"], batch_size=1000)
    for chain in set(now) | set(heads_now):
        if now.get(chain, (GENESIS, 0)) != heads_now.get(chain, (GENESIS, 0)):
            raise RuntimeError(
                f"事件链“{chain}”的链头与事件不符，事件链已被破坏，不能重新链接；请先运行 verify_events 查明原因 "
                f"(the head of chain {chain!r} does not match its events: not re-linked)"
            )
    return nxt


def per_subject_type(apps: Any, schema_editor: Any) -> None:
    Event = apps.get_model("audit", "Event")
    Old = apps.get_model("audit", "ChainHead")
    New = apps.get_model("audit", "EventChainHead")
    head = Old.objects.filter(id=1).first()
    heads_now = {SINGLE: (head.last_hash, head.count)} if head is not None and head.count else {}
    new = _relink(Event, lambda _t, _i: SINGLE, heads_now, _chain_of)
    New.objects.bulk_create(
        New(chain=chain, last_hash=h, last_event_id=last_id, count=n) for chain, (h, last_id, n) in new.items()
    )


def single_chain(apps: Any, schema_editor: Any) -> None:
    Event = apps.get_model("audit", "Event")
    Old = apps.get_model("audit", "ChainHead")
    New = apps.get_model("audit", "EventChainHead")
    heads_now = {h.chain: (h.last_hash, h.count) for h in New.objects.all() if h.count}
    new = _relink(Event, _chain_of, heads_now, lambda _t, _i: SINGLE)
    if SINGLE in new:  # 0001 creates its head with the first event
        h, last_id, n = new[SINGLE]
        Old.objects.update_or_create(id=1, defaults={"last_hash": h, "last_event_id": last_id, "count": n})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="chain",
            field=models.CharField(default="", max_length=32, verbose_name="事件链"),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="EventChainHead",
            fields=[
                ("chain", models.CharField(max_length=32, primary_key=True, serialize=False, verbose_name="事件链")),
                ("last_hash", models.CharField(default=GENESIS, max_length=64)),
                ("last_event_id", models.BigIntegerField(default=0)),
                ("count", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "事件链头", "verbose_name_plural": "事件链头"},
        ),
        migrations.RunPython(per_subject_type, single_chain),
        migrations.DeleteModel(name="ChainHead"),
        migrations.RenameModel(old_name="EventChainHead", new_name="ChainHead"),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["chain", "id"], name="audit_event_chain_id"),
        ),
    ]
