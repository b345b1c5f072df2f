"""Document numbers (文号) and the record of every document issued.

A number is ``<unit's short name><prefix>〔<year>〕<serial>号`` (e.g. 秀山安委办督〔2026〕3号): the serial
counts per issuing unit, year and prefix, from 1, and never repeats (``NumberSequence`` is locked while
it is taken; ``IssuedDocument`` is unique on the same four values).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NumberSequence(models.Model):
    """The last serial taken by one issuing unit for one prefix in one year."""

    unit_key = models.CharField("发文单位", max_length=64)
    year = models.PositiveSmallIntegerField("年度")
    prefix = models.CharField("文号代字", max_length=16)
    last = models.PositiveIntegerField("已用至", default=0)

    class Meta:
        verbose_name = "文号序列"
        verbose_name_plural = "文号序列"
        constraints = [
            models.UniqueConstraint(fields=["unit_key", "year", "prefix"], name="number_sequence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_key} {self.prefix}〔{self.year}〕{self.last}"


class IssuedDocument(models.Model):
    """A document issued for a register's record: its number, when and by whom, and the first file's digest.

    One per record, kind and issuing unit: downloading it again re-renders it with the same number and
    date (a record listed again at another level gets a new notice from the new unit).
    """

    register = models.CharField("登记簿", max_length=32)  # the register's subject type: hazard, tip …
    subject_id = models.CharField("对象", max_length=64)
    kind = models.CharField("文书种类", max_length=32)
    label = models.CharField("文书名称", max_length=60)
    unit_key = models.CharField("发文单位", max_length=64)
    unit_name = models.CharField("发文单位名称", max_length=120)
    year = models.PositiveSmallIntegerField("年度")
    prefix = models.CharField("文号代字", max_length=16)
    serial = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=80)
    issued_on = models.DateField("出具日期")
    issued_at = models.DateTimeField("出具时间", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="出具人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField("文件摘要", max_length=64)

    class Meta:
        verbose_name = "已出具文书"
        verbose_name_plural = "已出具文书"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["unit_key", "year", "prefix", "serial"], name="document_number_once"),
            models.UniqueConstraint(
                fields=["register", "subject_id", "kind", "unit_key"], name="document_once_per_subject_and_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"《{self.label}》{self.number}"
