"""Production-safety accidents (生产安全事故), DESIGN.md §4, graded per FACTS §4.

The grade is never typed: ``rules.grade_of`` derives it from deaths (with the missing, 下落不明), serious
injuries and direct loss when the accident is reported; a supplementary report (补报) inside its window
(第十三条) moves it with the verified figures, up or down; the investigation may set a final 核定 grade.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhiben.accounts.scope import ScopePaths
from zhiben.regions.models import RegionCodeField


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


class AccidentType(models.TextChoices):
    """事故类别: the 20 classes of GB 6441-1986《企业职工伤亡事故分类》 (its 火灾 is ``fire``, its 其他伤害
    ``other_injury``), plus 道路交通事故 — the two kinds 《生产安全事故报告和调查处理条例》第十三条 gives a 7-day
    补报 window are ``road_traffic`` and ``fire``. ``other`` is 未分类 (accidents recorded before types).

    GB 6441-2025《生产安全事故分类与编码》 replaces the 1986 list; its text could not be read and secondary
    sources disagree on its classes (27 or 29) and date, so the 1986 list is kept. The keys are stable codes.
    """

    OBJECT_STRIKE = "object_strike", "物体打击"
    VEHICLE = "vehicle", "车辆伤害"
    MACHINERY = "machinery", "机械伤害"
    LIFTING = "lifting", "起重伤害"
    ELECTROCUTION = "electrocution", "触电"
    DROWNING = "drowning", "淹溺"
    SCALD = "scald", "灼烫"
    FIRE = "fire", "火灾（火灾事故）"
    FALL = "fall", "高处坠落"
    COLLAPSE = "collapse", "坍塌"
    ROOF_FALL = "roof_fall", "冒顶片帮"
    WATER_INRUSH = "water_inrush", "透水"
    BLASTING = "blasting", "放炮"
    EXPLOSIVE = "explosive", "火药爆炸"
    GAS_EXPLOSION = "gas_explosion", "瓦斯爆炸"
    BOILER_EXPLOSION = "boiler_explosion", "锅炉爆炸"
    VESSEL_EXPLOSION = "vessel_explosion", "容器爆炸"
    OTHER_EXPLOSION = "other_explosion", "其他爆炸"
    POISONING = "poisoning", "中毒和窒息"
    OTHER_INJURY = "other_injury", "其他伤害"
    ROAD_TRAFFIC = "road_traffic", "道路交通事故"
    OTHER = "other", "其他（未分类）"


class RelayLevel(models.TextChoices):
    """The government levels an accident is relayed to (第十条), lowest first; the county's receipt is the
    unit's report (``Accident.reported_at``, 第九条)."""

    CITY = "city", "设区的市级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "国务院安全生产监督管理部门"


RELAY_ORDER: tuple[str, ...] = (RelayLevel.CITY, RelayLevel.PROVINCE, RelayLevel.NATIONAL)


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
    type = models.CharField("事故类别", max_length=24, choices=AccidentType.choices, default=AccidentType.OTHER)
    occurred_at = models.DateTimeField("发生时间")
    # 第九条: the unit's head reports within 1 hour of being told; the clock starts here (default occurred_at).
    head_notified_at = models.DateTimeField("单位负责人接报时间")
    reported_at = models.DateTimeField("首报时间")
    # reported_at - head_notified_at over the reporting limit (1 hour, a setting), fixed when first reported.
    late_report = models.BooleanField("迟报", default=False)
    # The current totals: the latest counted supplementary report's, or the initial report's.
    deaths = models.PositiveIntegerField("死亡人数")
    missing = models.PositiveIntegerField("下落不明人数", default=0)
    serious_injuries = models.PositiveIntegerField("重伤人数（含急性工业中毒）")
    direct_loss = models.DecimalField("直接经济损失（元）", max_digits=16, decimal_places=2)
    grade = models.CharField("事故等级", max_length=16, choices=Grade.choices)
    description = models.TextField("事故简要经过", max_length=4000)
    # Investigation (第二十九条): the report is due 60 days after the accident, extended once by up to 60.
    investigation_due = models.DateField("调查报告提交期限")
    investigation_extension_days = models.PositiveSmallIntegerField("调查期限延长天数", default=0)
    investigation_extension_reason = models.CharField("调查期限延长理由", max_length=1000, blank=True)
    investigation_submitted_on = models.DateField("调查报告提交日期", null=True, blank=True)
    # The investigation's final 核定 grade: it overrides ``grade`` in statistics; both are shown.
    verified_grade = models.CharField("核定等级", max_length=16, choices=Grade.choices, blank=True)
    # 批复 (第三十二条): due from the day the report is received; set when it is submitted.
    reply_due = models.DateField("批复期限", null=True, blank=True)
    reply_extension_days = models.PositiveSmallIntegerField("批复期限延长天数", default=0)
    reply_extension_reason = models.CharField("批复期限延长理由", max_length=1000, blank=True)
    replied_on = models.DateField("批复日期", null=True, blank=True)
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
            models.Index(fields=["investigation_due"], name="accident_investigation_due"),
            models.Index(fields=["reply_due"], name="accident_reply_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(direct_loss__gte=0), name="accident_loss_not_negative"),
            models.CheckConstraint(condition=models.Q(grade__in=Grade.values), name="accident_grade_valid"),
            models.CheckConstraint(
                condition=models.Q(reported_at__gte=models.F("occurred_at")), name="accident_reported_after_occurred"
            ),
            models.CheckConstraint(
                condition=models.Q(head_notified_at__gte=models.F("occurred_at")),
                name="accident_head_notified_after_occurred",
            ),
            models.CheckConstraint(condition=models.Q(type__in=AccidentType.values), name="accident_type_valid"),
            models.CheckConstraint(
                condition=models.Q(verified_grade__in=["", *Grade.values]), name="accident_verified_grade_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.occurred_at:%Y-%m-%d} {self.get_grade_display()}事故"

    @property
    def statistical_grade(self) -> str:
        """The grade statistics count: the investigation's 核定 grade once set, else the reported one."""
        return self.verified_grade or self.grade

    def get_statistical_grade_display(self) -> str:
        return str(Grade(self.statistical_grade).label)


class AccidentRelay(models.Model):
    """One government level's relay of the accident upwards (逐级上报, 第十条、第十一条): when it got there."""

    accident = models.ForeignKey(Accident, verbose_name="事故", on_delete=models.PROTECT, related_name="relays")
    level = models.CharField("上报至", max_length=16, choices=RelayLevel.choices)
    reported_at = models.DateTimeField("上报时间")
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
        verbose_name = "事故逐级上报"
        verbose_name_plural = "事故逐级上报"
        ordering = ["accident_id", "reported_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "level"], name="accident_relay_once_per_level"),
            models.CheckConstraint(condition=models.Q(level__in=RelayLevel.values), name="accident_relay_level_valid"),
        ]

    def __str__(self) -> str:
        return f"事故 #{self.accident_id} 上报{self.get_level_display()}"


class EscalationRow(models.Model):
    """A rung of the escalation ladder reached by an accident's overdue step (for the due day it missed)."""

    # Copied from the accident by the sweep, so that who is told is counted by region and sector without a join.
    region_code = RegionCodeField(max_length=9)
    sector_id = models.CharField(max_length=32)
    step = models.CharField(max_length=20)
    due = models.DateField()
    day = models.DateField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"事故 #{self.accident_id} {self.step} {self.day}"  # type: ignore[attr-defined]


class InvestigationEscalation(EscalationRow):
    """The investigation report is late (第二十九条)."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="investigation_escalations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["accident", "step", "due"], name="accident_investigation_escalation_once")
        ]


class ReplyEscalation(EscalationRow):
    """The 批复 is late (第三十二条)."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="reply_escalations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["accident", "step", "due"], name="accident_reply_escalation_once")
        ]


class AccidentSupplement(models.Model):
    """A supplementary report (补报): the new totals, and the grade before and after it."""

    accident = models.ForeignKey(Accident, verbose_name="事故", on_delete=models.PROTECT, related_name="supplements")
    reported_on = models.DateField("补报日期")
    # 第十三条: inside the window the figures count (the accident's totals and grade follow them); after it
    # they are recorded as later facts that change no figure or grade.
    counted = models.BooleanField("计入事故数字", default=True)
    deaths = models.PositiveIntegerField("死亡人数")
    missing = models.PositiveIntegerField("下落不明人数", default=0)
    serious_injuries = models.PositiveIntegerField("重伤人数（含急性工业中毒）")
    direct_loss = models.DecimalField("直接经济损失（元）", max_digits=16, decimal_places=2)
    note = models.CharField("补报说明", max_length=1000, blank=True)
    reason = models.CharField("核减理由", max_length=1000, blank=True)
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

    @property
    def grade_lowered(self) -> bool:
        return grade_rank(self.grade_after) < grade_rank(self.grade_before)
