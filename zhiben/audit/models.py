"""The append-only, hash-chained event log (全过程记录, 留痕可回溯), DESIGN.md §3.

Every change to a record is an ``Event`` written by the service in the same transaction as the
change. Events form one chain per subject type (``chain``: hazard, tip, enterprise …, see
docs/adr/0002-event-chain-partitioning.md): each stores the SHA-256 of its predecessor's hash in its
chain and its own canonical content, and that chain's ``ChainHead`` remembers the newest link, so
``verify_events`` finds a row edited, deleted (anywhere, the newest included) or inserted behind the
application's back, while writes on different subject types never wait for each other.
"""

from __future__ import annotations

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


def chain_of(subject_type: str) -> str:
    """The chain an event of ``subject_type`` belongs to: one per subject type."""
    return subject_type


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
