"""Reading and verifying the event log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import GENESIS, ChainHead, Event, chain_of
from .services import canonical, link_hash


def events_of(*, subject_type: str, subject_id: str) -> QuerySet[Event]:
    """A subject's timeline, oldest first. Callers check scope on the subject first."""
    return Event.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).order_by("id")


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    message: str
    chain: str = ""


_FIELDS = (
    "id",
    "chain",
    "subject_type",
    "subject_id",
    "kind",
    "actor_id",
    "actor_name",
    "at",
    "payload",
    "prev_hash",
    "hash",
)


@dataclass
class _Walk:
    """One chain's state during ``verify_chain``."""

    prev: str = GENESIS
    count: int = 0
    last_id: int = 0
    problem: ChainProblem | None = None


def verify_chain(*, batch: int = 5000) -> ChainProblem | None:
    """Walk every chain and check its head; return the problem at the lowest event id, or None.

    One pass over the events in id order, keeping each chain's newest hash: an event must link to
    the previous event of its own chain, hash to its own content, and sit in the chain of its subject
    type; each head must record its chain's newest event and count. A chain stops being checked at its
    first problem (what follows it cannot link), the others are walked to their end, and the problem
    with the lowest event id is returned, naming its chain."""
    walks: dict[str, _Walk] = {}
    for row in Event.objects.order_by("id").values_list(*_FIELDS).iterator(chunk_size=batch):
        event_id, chain, subject_type, subject_id, kind, actor_id, actor_name, at, payload, prev_hash, digest = row
        walk = walks.setdefault(chain, _Walk())
        if walk.problem is not None:
            continue
        where = f"事件链“{chain}”中"
        if chain != chain_of(subject_type, subject_id):
            walk.problem = ChainProblem(
                event_id, f"{where}事件 #{event_id} 的对象类型“{subject_type}”不属于该链：该行被修改", chain
            )
            continue
        if prev_hash != walk.prev:
            walk.problem = ChainProblem(
                event_id, f"{where}事件 #{event_id} 的前序哈希不符：其前面的事件被删除、插入或修改", chain
            )
            continue
        content = canonical(
            subject_type=subject_type,
            subject_id=subject_id,
            kind=kind,
            actor_id=actor_id,
            actor_name=actor_name,
            at=at,
            payload=payload,
        )
        if link_hash(walk.prev, content) != digest:
            walk.problem = ChainProblem(event_id, f"{where}事件 #{event_id} 的内容与其哈希不符：该行被修改", chain)
            continue
        walk.prev = digest
        walk.count += 1
        walk.last_id = event_id
    problems = [w.problem for w in walks.values() if w.problem is not None]
    heads = {h.chain: h for h in ChainHead.objects.all()}
    for chain in sorted(set(walks) | set(heads)):
        walk = walks.get(chain, _Walk())
        head = heads.get(chain)
        if walk.problem is not None:
            continue
        if head is None:
            problems.append(ChainProblem(walk.last_id, f"事件链“{chain}”的链头缺失（最新事件 #{walk.last_id}）", chain))
        elif head.last_hash != walk.prev or head.count != walk.count:
            problems.append(
                ChainProblem(
                    head.last_event_id or None,
                    f"事件链“{chain}”的链头记录最新事件为 #{head.last_event_id}（共 {head.count} 条），"
                    f"实际为 #{walk.last_id}（共 {walk.count} 条）：末尾事件被删除或添加",
                    chain,
                )
            )
    if not problems:
        return None
    return min(problems, key=lambda p: p.event_id or 0)
