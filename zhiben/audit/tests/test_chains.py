"""Chains per subject type, in stripes for the busy registers (docs/adr/0002-event-chain-partitioning.md):
each chain links only its own events and has its own head, tampering in any chain is found and named, and
writes to different chains do not wait for each other."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, transaction

from zhiben.audit.models import GENESIS, STRIPES, ChainHead, Event, chain_of
from zhiben.audit.selectors import verify_chain
from zhiben.audit.services import NewEvent, event_append, event_append_many
from zhiben.tests_support.concurrency import second_waits

pytestmark = pytest.mark.django_db

TYPES = ("hazard", "tip", "sweep")  # two striped registers and one plain chain
SUBJECT = "7"  # one subject per type: its events are one chain (a stripe of the striped types)


def _write(subject_type: str, i: int, subject_id: str = SUBJECT) -> Event:
    with transaction.atomic():
        return event_append(
            actor=None, subject_type=subject_type, subject_id=subject_id, kind=f"k{i}", payload={"i": i}
        )


def _interleaved(rounds: int = 3) -> dict[str, list[Event]]:
    """hazard 7, tip 7, sweep 7, hazard 7, tip 7, sweep 7 … each in its own transaction; by chain."""
    out: dict[str, list[Event]] = {chain_of(t, SUBJECT): [] for t in TYPES}
    for i in range(rounds):
        for t in TYPES:
            out[chain_of(t, SUBJECT)].append(_write(t, i))
    return out


CHAINS = tuple(chain_of(t, SUBJECT) for t in TYPES)


def _sql(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:  # behind the application's back
        cursor.execute(sql, params)


def test_chain_names() -> None:
    assert CHAINS[2] == "sweep" and STRIPES["hazard"] > 1
    assert CHAINS[0].startswith("hazard.") and CHAINS[1].startswith("tip.")
    assert chain_of("hazard", "7") == chain_of("hazard", 7)  # type: ignore[arg-type]


def test_each_chain_links_only_its_own_events() -> None:
    written = _interleaved()
    for t, events in written.items():
        stored = list(Event.objects.filter(chain=t).order_by("id"))
        assert [e.pk for e in stored] == [e.pk for e in events]
        assert {chain_of(e.subject_type, e.subject_id) for e in stored} == {t}
        assert stored[0].prev_hash == GENESIS
        for before, after in itertools.pairwise(stored):
            assert after.prev_hash == before.hash
        head = ChainHead.objects.get(chain=t)
        assert (head.last_hash, head.last_event_id, head.count) == (stored[-1].hash, stored[-1].pk, len(stored))
    assert verify_chain() is None
    call_command("verify_events")


def test_the_subjects_of_a_register_are_spread_over_its_stripes() -> None:
    events = [_write("hazard", 0, subject_id=str(n)) for n in range(40)]
    chains = {e.chain for e in events}
    assert len(chains) > 10 and all(c.startswith("hazard.") for c in chains)
    assert verify_chain() is None


def test_a_bulk_call_locks_every_stripe_of_a_type_and_links_each() -> None:
    with transaction.atomic():
        made = event_append_many(
            actor=None, events=(NewEvent("hazard", str(n), "created", {"n": n}) for n in range(100))
        )
    assert made == 100
    heads = ChainHead.objects.filter(chain__startswith="hazard.")
    assert heads.count() == STRIPES["hazard"]  # every stripe's head, some still empty
    assert sum(h.count for h in heads) == 100
    for n in (3, 50):  # another event for a subject continues its own stripe
        newest = Event.objects.filter(chain=chain_of("hazard", str(n))).order_by("-id").first()
        assert newest is not None
        assert _write("hazard", 1, subject_id=str(n)).prev_hash == newest.hash
    assert verify_chain() is None


def test_one_call_may_write_several_chains() -> None:
    with transaction.atomic():
        made = event_append_many(
            actor=None,
            events=[
                NewEvent("hazard", "1", "created", {}),
                NewEvent("import", "7", "imported", {"rows": 1}),
                NewEvent("hazard", "2", "created", {}),
            ],
        )
    assert made == 3
    assert ChainHead.objects.get(chain="import").count == 1
    for n in ("1", "2"):
        (event,) = Event.objects.filter(subject_type="hazard", subject_id=n)
        assert ChainHead.objects.get(chain=chain_of("hazard", n)).last_event_id == event.pk
    with transaction.atomic():
        assert event_append_many(actor=None, events=[]) == 0
    assert verify_chain() is None


def test_event_append_returns_the_event_it_wrote() -> None:
    _interleaved(1)
    with transaction.atomic():
        event = event_append(actor=None, subject_type="tip", subject_id="9", kind="replied", payload={"x": 1})
    assert (event.subject_type, event.subject_id, event.kind, event.chain) == (
        "tip",
        "9",
        "replied",
        chain_of("tip", "9"),
    )
    assert event.pk == Event.objects.order_by("-id").values_list("id", flat=True).first()


@pytest.mark.parametrize("chain", CHAINS)
def test_an_edited_row_is_found_in_any_chain(chain: str) -> None:
    written = _interleaved()
    bad = written[chain][1]
    _sql("UPDATE audit_event SET payload = %s WHERE id = %s", ['{"i": 99}', bad.pk])
    problem = verify_chain()
    assert problem is not None and (problem.event_id, problem.chain) == (bad.pk, chain)
    with pytest.raises(CommandError, match=f"#{bad.pk} 的内容与其哈希不符"):
        call_command("verify_events")


@pytest.mark.parametrize("chain", CHAINS)
def test_a_deleted_middle_row_is_found_in_any_chain(chain: str) -> None:
    written = _interleaved()
    _sql("DELETE FROM audit_event WHERE id = %s", [written[chain][1].pk])
    problem = verify_chain()
    assert problem is not None and (problem.event_id, problem.chain) == (written[chain][2].pk, chain)
    with pytest.raises(CommandError, match=f"“{chain}”中事件 #{written[chain][2].pk} 的前序哈希不符"):
        call_command("verify_events")


@pytest.mark.parametrize("chain", CHAINS)
def test_deleting_the_newest_row_of_any_chain_is_found(chain: str) -> None:
    written = _interleaved()
    newest = written[chain][-1]
    _sql("DELETE FROM audit_event WHERE id = %s", [newest.pk])
    problem = verify_chain()
    assert problem is not None and problem.chain == chain and problem.event_id == newest.pk
    with pytest.raises(CommandError, match=f"事件链“{chain}”的链头.*末尾"):
        call_command("verify_events")


@pytest.mark.parametrize("chain", CHAINS)
def test_an_inserted_row_is_found_in_any_chain(chain: str) -> None:
    written = _interleaved()
    newest = written[chain][-1]
    # a forged row that even links to the chain's newest hash: the head still says otherwise
    _sql(
        "INSERT INTO audit_event (chain, subject_type, subject_id, kind, actor_name, at, payload, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [chain, newest.subject_type, SUBJECT, "created", "", newest.at, "{}", newest.hash, "f" * 64],
    )
    problem = verify_chain()
    assert problem is not None and problem.chain == chain


@pytest.mark.parametrize("chain", CHAINS)
def test_a_head_that_does_not_match_is_found(chain: str) -> None:
    _interleaved()
    ChainHead.objects.filter(chain=chain).update(count=2)
    problem = verify_chain()
    assert problem is not None and problem.chain == chain
    with pytest.raises(CommandError, match="链头"):
        call_command("verify_events")


def test_a_missing_head_is_found() -> None:
    _interleaved()
    ChainHead.objects.filter(chain=CHAINS[1]).delete()
    problem = verify_chain()
    assert problem is not None and problem.chain == CHAINS[1] and "链头缺失" in problem.message


def test_an_event_moved_to_another_chain_is_found() -> None:
    written = _interleaved()
    moved = written[CHAINS[1]][0]
    Event.objects.filter(pk=moved.pk).update(chain=CHAINS[0])
    problem = verify_chain()
    assert problem is not None and problem.event_id == moved.pk


def test_the_lowest_bad_event_across_chains_is_named() -> None:
    written = _interleaved()
    late, early = written[CHAINS[0]][2], written[CHAINS[2]][1]
    assert early.pk < late.pk
    _sql("UPDATE audit_event SET kind = 'x' WHERE id IN (%s, %s)", [late.pk, early.pk])
    problem = verify_chain()
    assert problem is not None and (problem.event_id, problem.chain) == (early.pk, "sweep")


# --------------------------------------------------------------------------- independence on PostgreSQL
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")


def _hold_and_try(first: tuple[str, str], second: tuple[str, str]) -> BaseException | None:
    """A appends for subject ``first`` (type, id) and keeps its transaction open while B appends for
    ``second``; returns what B raised (None: B never waited for A)."""

    def append(subject: tuple[str, str]) -> Callable[[], None]:
        def run() -> None:
            event_append(actor=None, subject_type=subject[0], subject_id=subject[1], kind="created")

        return run

    return second_waits(append(first), append(second))


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_writes_to_different_chains_do_not_wait_for_each_other() -> None:
    other = next(str(n) for n in range(100) if chain_of("hazard", str(n)) != chain_of("hazard", "1"))
    for subject in (("hazard", "1"), ("hazard", other), ("tip", "1"), ("sweep", "1")):
        _write(subject[0], 0, subject_id=subject[1])  # the heads exist, as they do after the migration
    assert _hold_and_try(("hazard", "1"), ("tip", "1")) is None
    assert _hold_and_try(("hazard", "1"), ("hazard", other)) is None  # two hazards, two stripes
    assert verify_chain() is None


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_writes_to_one_chain_do_wait() -> None:
    _write("hazard", 0, subject_id="1")
    _write("sweep", 0, subject_id="1")
    assert isinstance(_hold_and_try(("hazard", "1"), ("hazard", "1")), OperationalError)
    assert isinstance(_hold_and_try(("sweep", "1"), ("sweep", "2")), OperationalError)
    assert verify_chain() is None
