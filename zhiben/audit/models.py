"""The append-only, hash-chained event log (全过程记录, 留痕可回溯), DESIGN.md §3.

Every change to a record is an ``Event`` written by the service in the same transaction as the
change. Events form chains (docs/adr/0002-event-chain-partitioning.md): one per subject type
(sweep, user, region …), and for the busy registers one per stripe of subjects (hazard.0 …
hazard.31, see ``STRIPES``). Each event stores the SHA-256 of the previous hash in its chain and of
its own canonical content, and the chain's ``ChainHead`` remembers the newest link, so
``verify_events`` finds a row edited, deleted (anywhere, the newest included) or inserted behind the
application's back; writes to different chains never wait for each other.
"""

from __future__ import annotations

import zlib

from django.conf import settings
from django.db import models

GENESIS = "0" * 64


class Event(models.Model):
    """One thing that happened to a subject (a hazard, an enterprise, a user …)."""

    chain = models.CharField("事件链", max_length=32)
    subject_type = models.CharField("对象类型", max_length=32)
    subject_id = models.CharField("对象", max_length=64)
    kind = models.CharField("事件", max_length=48)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    at = models.DateTimeField("时间")
    payload = models.JSONField("内容", default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "事件记录"
        verbose_name_plural = "事件记录"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "id"]),
            models.Index(fields=["chain", "id"], name="audit_event_chain_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject_type}:{self.subject_id} {self.kind}"


# Registers written by many users at once: their events are spread over stripes by subject, so that
# two hazards (in two counties or one) rarely wait for the same head. Changing a number re-links the
# events (a migration, as 0002 does): the stripe of an event is part of its chain.
STRIPES: dict[str, int] = {"hazard": 32, "enterprise": 32, "tip": 32, "accident": 32}


def chain_of(subject_type: str, subject_id: str) -> str:
    """The chain an event belongs to: its subject type's, and for the registers in ``STRIPES`` one of
    that many stripes chosen by the subject (``"hazard.7"``), so a subject's events stay in one chain."""
    stripes = STRIPES.get(subject_type)
    if not stripes:
        return subject_type
    return f"{subject_type}.{zlib.crc32(str(subject_id).encode()) % stripes}"


def chains_of(subject_type: str) -> list[str]:
    """Every chain of ``subject_type``, sorted: the order in which a bulk append locks their heads."""
    stripes = STRIPES.get(subject_type)
    if not stripes:
        return [subject_type]
    return sorted(f"{subject_type}.{n}" for n in range(stripes))


class ChainHead(models.Model):
    """One row per chain holding its newest hash; locked by every append to that chain so links never fork."""

    chain = models.CharField("事件链", max_length=32, primary_key=True)
    last_hash = models.CharField(max_length=64, default=GENESIS)
    last_event_id = models.BigIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "事件链头"
        verbose_name_plural = "事件链头"

    def __str__(self) -> str:
        return f"{self.chain} #{self.last_event_id} {self.last_hash[:12]}"


class NamedLock(models.Model):
    """A row per name, locked by ``zhiben.audit.locks.hold`` to run one job of a kind at a time."""

    name = models.CharField("名称", max_length=64, primary_key=True)

    class Meta:
        verbose_name = "命名锁"
        verbose_name_plural = "命名锁"

    def __str__(self) -> str:
        return self.name
