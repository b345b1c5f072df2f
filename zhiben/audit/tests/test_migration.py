"""audit 0002 moves the single chain into one chain per subject type, and back, refusing a broken chain."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhiben.audit.models import GENESIS, ChainHead, Event, chain_of
from zhiben.audit.selectors import verify_chain
from zhiben.audit.services import canonical, link_hash

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0001_initial")]
AFTER = [("audit", "0002_chain_per_subject_type")]
TYPES = ("hazard", "tip", "hazard", "enterprise", "tip", "hazard", "sweep")


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def at_0001() -> Iterator[Any]:
    apps = _migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    # leave the database as the other tests expect it: every app's migrations, those that depend on audit's too
    _migrate(executor.loader.graph.leaf_nodes())


def _single_chain(apps: Any) -> list[int]:
    """Events written as 0001 wrote them: one chain, one head row (id=1)."""
    OldEvent, OldHead = apps.get_model("audit", "Event"), apps.get_model("audit", "ChainHead")
    prev, ids = GENESIS, []
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i, subject_type in enumerate(TYPES):
        at = start + timedelta(minutes=i)
        payload = {"i": i, "名称": "企业"}
        content = canonical(
            subject_type=subject_type,
            subject_id=str(i),
            kind="created",
            actor_id=None,
            actor_name="系统",
            at=at,
            payload=payload,
        )
        digest = link_hash(prev, content)
        event = OldEvent.objects.create(
            subject_type=subject_type,
            subject_id=str(i),
            kind="created",
            actor_name="系统",
            at=at,
            payload=payload,
            prev_hash=prev,
            hash=digest,
        )
        prev = digest
        ids.append(event.pk)
    OldHead.objects.create(id=1, last_hash=prev, last_event_id=ids[-1], count=len(ids))
    return ids


def test_the_single_chain_moves_into_one_chain_per_subject_type_and_back(at_0001: Any) -> None:
    ids = _single_chain(at_0001)
    _migrate(AFTER)
    assert verify_chain() is None
    # subject i of TYPES[i]: each event its own stripe's, or its type's chain
    chains = [chain_of(t, str(i)) for i, t in enumerate(TYPES)]
    assert list(Event.objects.order_by("id").values_list("chain", flat=True)) == chains
    heads = {h.chain: (h.last_event_id, h.count) for h in ChainHead.objects.all()}
    assert sum(n for _, n in heads.values()) == len(TYPES)
    assert heads["sweep"] == (ids[6], 1)
    for chain in set(chains):
        mine = [i for i, c in zip(ids, chains, strict=True) if c == chain]
        assert heads[chain] == (mine[-1], len(mine))

    apps = _migrate(BEFORE)
    OldEvent, OldHead = apps.get_model("audit", "Event"), apps.get_model("audit", "ChainHead")
    prev = GENESIS
    for event in OldEvent.objects.order_by("id"):
        assert event.prev_hash == prev
        prev = event.hash
    head = OldHead.objects.get(id=1)
    assert (head.last_hash, head.last_event_id, head.count) == (prev, ids[-1], len(ids))

    _migrate(AFTER)  # and forward again, from what the reverse wrote
    assert verify_chain() is None


def test_a_broken_chain_is_not_relinked(at_0001: Any) -> None:
    ids = _single_chain(at_0001)
    at_0001.get_model("audit", "Event").objects.filter(pk=ids[2]).update(kind="edited")
    with pytest.raises(RuntimeError, match=f"事件 #{ids[2]} 未通过校验"):
        _migrate(AFTER)
    at_0001.get_model("audit", "Event").objects.filter(pk=ids[2]).update(kind="created")


def test_a_head_that_does_not_match_is_not_relinked(at_0001: Any) -> None:
    _single_chain(at_0001)
    at_0001.get_model("audit", "ChainHead").objects.update(count=3)
    with pytest.raises(RuntimeError, match="链头与事件不符"):
        _migrate(AFTER)
    at_0001.get_model("audit", "ChainHead").objects.update(count=len(TYPES))
