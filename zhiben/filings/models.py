"""A filing (报送) of an enterprise's hazard statistics for a period (16号令 第十四条)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhiben.accounts.scope import ScopePaths


class Filing(models.Model):
    """The enterprise's statement that it filed the signed statistics of ``period`` (``2026Q3`` or ``2026``),
    with the signed scan if uploaded. One per enterprise and period; the figures as generated when filed."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Copied from the enterprise so that scoped lists and the roll-up never join.
    region = models.ForeignKey("regions.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("reference.Sector", verbose_name="行业领域", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("统计期", max_length=8)
    due_on = models.DateField("报送期限")
    filed_on = models.DateField("报送日期")
    late = models.BooleanField("逾期报送", default=False)
    figures = models.JSONField("报送时统计数据", default=dict)
    scan = models.FileField("签字盖章扫描件", upload_to="filings/%Y/%m/", max_length=200, blank=True)
    scan_content_type = models.CharField(max_length=40, blank=True)
    scan_size = models.PositiveIntegerField(null=True, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    scan_name = models.CharField("原文件名", max_length=200, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    filed_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope = ScopePaths(region="region__code", sector="sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "隐患排查治理统计报送"
        verbose_name_plural = "隐患排查治理统计报送"
        ordering = ["-period", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "period"], name="filing_once_per_enterprise_period"),
        ]
        indexes = [models.Index(fields=["period", "region"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period}"
