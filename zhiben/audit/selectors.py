"""Reading and verifying the event log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import GENESIS, ChainHead, Event
from .services import canonical, link_hash


def events_of(*, subject_type: str, subject_id: str) -> QuerySet[Event]:
    """A subject's timeline, oldest first. Callers check scope on the subject first."""
    return Event.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).order_by("id")


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    message: str


def verify_chain(*, batch: int = 5000) -> ChainProblem | None:
    """Walk the whole chain; return the first problem, or None when it is intact."""
    prev = GENESIS
    count = 0
    last_id = 0
    fields = (
        "id",
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
    qs = Event.objects.order_by("id").values_list(*fields)
    for row in qs.iterator(chunk_size=batch):
        event_id, subject_type, subject_id, kind, actor_id, actor_name, at, payload, prev_hash, digest = row
        if prev_hash != prev:
            return ChainProblem(event_id, f"事件 #{event_id} 的前序哈希不符：其前面的事件被删除、插入或修改")
        content = canonical(
            subject_type=subject_type,
            subject_id=subject_id,
            kind=kind,
            actor_id=actor_id,
            actor_name=actor_name,
            at=at,
            payload=payload,
        )
        if link_hash(prev, content) != digest:
            return ChainProblem(event_id, f"事件 #{event_id} 的内容与其哈希不符：该行被修改")
        prev = digest
        count += 1
        last_id = event_id
    head = ChainHead.objects.filter(id=1).first()
    if head is None:
        if count:
            return ChainProblem(None, "事件链头缺失")
        return None
    if head.last_hash != prev or head.count != count:
        return ChainProblem(
            head.last_event_id or None,
            f"链头记录最新事件为 #{head.last_event_id}（共 {head.count} 条），"
            f"实际为 #{last_id}（共 {count} 条）：末尾事件被删除或添加",
        )
    return None
