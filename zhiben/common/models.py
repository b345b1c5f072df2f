"""What the kernel keeps for every register: one row per submission already answered (idempotency)."""

from __future__ import annotations

from django.db import models


class Submission(models.Model):
    """A write already done, kept for a short time (``SUBMISSION_KEEP_MINUTES``) so that the same form
    token or ``Idempotency-Key`` sent again is answered with the first result instead of a second record.

    ``key`` is a digest of the scope, the caller and the token, never the token itself; ``result`` is
    sealed under a key derived from the token, so only whoever holds the token can read it back (a tip's
    receipt code, shown once, can be shown again to the phone that sent the form and to nobody else).
    """

    key = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64, blank=True)
    result = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "已受理的提交"
        verbose_name_plural = "已受理的提交"

    def __str__(self) -> str:
        return f"{self.scope} {self.created_at:%Y-%m-%d %H:%M}"
