"""Production-safety accidents (生产安全事故), DESIGN.md §4, graded per FACTS §4.

The grade is never typed: ``rules.grade_of`` derives it from deaths, serious injuries and direct loss when
the accident is reported, and a supplementary report (补报) may raise it but never lowers it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhiben.accounts.scope import ScopePaths


class Grade(models.TextChoices):
    """事故等级 (《生产安全事故报告和调查处理条例》第三条, FACTS §4), lowest first in ``GRADE_ORDER``."""

    ESPECIALLY_MAJOR = "especially_major", "特别重大"
    MAJOR = "major", "重大"
    RELATIVELY_MAJOR = "relatively_major", "较大"
    GENERAL = "general", "一般"


# Lowest first: the index of a grade is its rank.
GRADE_ORDER: tuple[str, ...] = (Grade.GENERAL, Grade.RELATIVELY_MAJOR, Grade.MAJOR, Grade.ESPECIALLY_MAJOR)


def grade_rank(grade: str) -> int:
    """0 for 一般 … 3 for 特别重大."""
    return GRADE_ORDER.index(grade)


class Accident(models.Model):
    """One accident, where it happened (事故发生地) and its current figures (initial report plus 补报)."""

    region = models.ForeignKey("regions.Region", verbose_name="事故发生地", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("reference.Sector", verbose_name="行业领域", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="事故发生单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accidents",
    )
    occurred_at = models.DateTimeField("发生时间")
    reported_at = models.DateTimeField("首报时间")
    # reported_at - occurred_at over the reporting limit (1 hour, a setting), fixed when first reported.
    late_report = models.BooleanField("迟报", default=False)
    # The current totals: the latest supplementary report's, or the initial report's.
    deaths = models.PositiveIntegerField("死亡人数")
    serious_injuries = models.PositiveIntegerField("重伤人数（含急性工业中毒）")
    direct_loss = models.DecimalField("直接经济损失（元）", max_digits=16, decimal_places=2)
    grade = models.CharField("事故等级", max_length=16, choices=Grade.choices)
    description = models.TextField("事故简要经过", max_length=4000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope = ScopePaths(region="region__code", sector="sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "生产安全事故"
        verbose_name_plural = "生产安全事故"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["region", "occurred_at"]),
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["enterprise", "occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(direct_loss__gte=0), name="accident_loss_not_negative"),
            models.CheckConstraint(condition=models.Q(grade__in=Grade.values), name="accident_grade_valid"),
            models.CheckConstraint(
                condition=models.Q(reported_at__gte=models.F("occurred_at")), name="accident_reported_after_occurred"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.occurred_at:%Y-%m-%d} {self.get_grade_display()}事故"


class AccidentSupplement(models.Model):
    """A supplementary report (补报): the new totals, and the grade before and after it."""

    accident = models.ForeignKey(Accident, verbose_name="事故", on_delete=models.PROTECT, related_name="supplements")
    reported_on = models.DateField("补报日期")
    deaths = models.PositiveIntegerField("死亡人数")
    serious_injuries = models.PositiveIntegerField("重伤人数（含急性工业中毒）")
    direct_loss = models.DecimalField("直接经济损失（元）", max_digits=16, decimal_places=2)
    note = models.CharField("补报说明", max_length=1000, blank=True)
    grade_before = models.CharField("补报前等级", max_length=16, choices=Grade.choices)
    grade_after = models.CharField("补报后等级", max_length=16, choices=Grade.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "事故补报"
        verbose_name_plural = "事故补报"
        ordering = ["accident_id", "reported_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(direct_loss__gte=0), name="supplement_loss_not_negative"),
        ]

    def __str__(self) -> str:
        return f"事故 #{self.accident_id} {self.reported_on:%Y-%m-%d} 补报"

    @property
    def grade_raised(self) -> bool:
        return grade_rank(self.grade_after) > grade_rank(self.grade_before)
