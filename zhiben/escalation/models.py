"""The escalation engine's own lock: one sweep at a time, without holding any register's or the event
chain's rows (a sweep must not stall the day's ordinary writes)."""

from __future__ import annotations

from django.db import models


class SweepLock(models.Model):
    """A row per engine, locked with SELECT … FOR UPDATE for the length of a sweep."""

    name = models.CharField(max_length=32, primary_key=True)

    class Meta:
        verbose_name = "升级扫描锁"
        verbose_name_plural = "升级扫描锁"

    def __str__(self) -> str:
        return self.name
