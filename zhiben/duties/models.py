"""Duty lists (职责清单 · 年度安全生产重点工作清单), the duty ledger (履职台账) and the pressure a committee office
puts on a lower region or a member unit that falls behind (警示通报 · 督促函 · 约谈 · 检讨 · 挂牌督办), DESIGN.md §4.

Who sees what is narrower than a region subtree (selectors.py): a leader's list is the leader's, their
committee office's and the regions above; a unit's list its own officers', the committee office's and above.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhiben.accounts.scope import ScopePaths
from zhiben.common import kit
from zhiben.regions.models import RegionCodeField


class ListKind(models.TextChoices):
    DUTY = "duty", "安全生产职责清单"
    ANNUAL = "annual", "年度安全生产重点工作清单"


class DueKind(models.TextChoices):
    """How an item's due day is given (the plans' due rules, DESIGN.md §4)."""

    DATE = "date", "指定日期"
    MONTH_END = "month_end", "月底前"
    QUARTER_END = "quarter_end", "季度末前"
    YEAR_END = "year_end", "年底前"
    ANNUAL = "annual", "每年固定日期前"
    ONGOING = "ongoing", "长期坚持"
    UNKNOWN = "unknown", "未定"


class ReportPeriod(models.TextChoices):
    """How often a 长期 item is reported on."""

    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


class DutyList(models.Model):
    """What a leader (党政领导干部: a user, or a name and post such as “县长 张三”) or a member unit must do in
    ``year`` in ``region``. ``filed_on``: the day it was filed with the committee office above (报上级安委办备案)."""

    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("清单类别", max_length=12, choices=ListKind.choices, default=ListKind.DUTY)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=120)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="领导干部（用户）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader_name = models.CharField("领导干部姓名", max_length=40, blank=True)
    leader_post = models.CharField("职务", max_length=60, blank=True)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name="成员单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_on = models.DateField("备案日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope = ScopePaths(region="region__code", sector=None, enterprise=None)

    class Meta:
        verbose_name = "履职清单"
        verbose_name_plural = "履职清单"
        ordering = ["-year", "region_id", "id"]
        indexes = [models.Index(fields=["year", "region"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False)
                | models.Q(leader__isnull=False)
                | ~models.Q(leader_name=""),
                name="duty_list_has_an_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self) -> str:
        """Whose list it is, as people write it: “县长 张三” or the unit's name."""
        if self.department is not None:
            return self.department.name
        name = self.leader_name or (str(self.leader) if self.leader_id else "")
        return f"{self.leader_post} {name}".strip()


class DutyItem(models.Model):
    """One thing the list's owner must do, with its due rule: ``due_on`` for a date (and for the end of a
    month, quarter or year, stored as that last day), ``due_month``/``due_day`` for “every year by …”,
    ``period`` for a 长期 item reported on each month, quarter or year."""

    duty_list = models.ForeignKey(DutyList, verbose_name="清单", on_delete=models.CASCADE, related_name="items")
    number = models.CharField("序号", max_length=12)
    position = models.PositiveIntegerField("排序", default=0)
    text = models.TextField("内容", max_length=2000)
    due_text = models.CharField("完成时限（原文）", max_length=100, blank=True)
    due_kind = models.CharField("时限类别", max_length=12, choices=DueKind.choices, default=DueKind.DATE)
    due_on = models.DateField("完成时限", null=True, blank=True)
    due_month = models.PositiveSmallIntegerField("每年截止月", null=True, blank=True)
    due_day = models.PositiveSmallIntegerField("每年截止日", null=True, blank=True)
    period = models.CharField("报告周期", max_length=8, choices=ReportPeriod.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "清单事项"
        verbose_name_plural = "清单事项"
        ordering = ["duty_list_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:30]}"


class DutyEntry(models.Model):
    """A duty-ledger entry (履职台账): what was done against ``item`` on ``done_on`` (a Beijing day)."""

    item = models.ForeignKey(DutyItem, verbose_name="清单事项", on_delete=models.PROTECT, related_name="entries")
    done_on = models.DateField("履职日期")
    text = models.TextField("履职情况", max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "履职台账"
        verbose_name_plural = "履职台账"
        ordering = ["item_id", "done_on", "id"]

    def __str__(self) -> str:
        return f"{self.done_on} {self.text[:30]}"


class DutyAttachment(models.Model):
    """A file kept with a ledger entry (a photo of the meeting, the signed minutes as PDF)."""

    entry = models.ForeignKey(DutyEntry, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="duties/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    name = models.CharField("原文件名", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.file.name


class PressureKind(models.TextChoices):
    """The measures the plans name against a region or unit that falls behind (township plan task 10:
    约谈告诫、公开曝光; the city report's “两书一函”, 约谈, 挂牌督办)."""

    WARNING_NOTICE = "warning_notice", "警示通报"
    URGING_LETTER = "urging_letter", "督促函"
    INTERVIEW = "interview", "约谈"
    WRITTEN_REVIEW = "written_review", "书面检讨"
    MEETING_REVIEW = "meeting_review", "会议检讨"
    LISTED_SUPERVISION = "listed_supervision", "挂牌督办"


class Pressure(models.Model):
    """A measure taken by the committee office of ``issuer_region`` against a lower region
    (``target_region``) or a member unit (``target_department``), on ``on``, for ``reason``, to be answered by
    ``follow_up_due`` (the follow-up: ``done_on`` and ``result``). ``region`` is where the target stands (the
    target region, or the unit's region): the scope starts from it (selectors.py)."""

    kind = models.CharField("措施", max_length=20, choices=PressureKind.choices)
    issuer_region = models.ForeignKey(
        "regions.Region", verbose_name="发出单位所在区划", on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.ForeignKey(
        "departments.Department",
        verbose_name="发出单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_region = models.ForeignKey(
        "regions.Region", verbose_name="对象区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_department = models.ForeignKey(
        "departments.Department",
        verbose_name="对象单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="对象所在区划", on_delete=models.PROTECT, related_name="+"
    )
    # Whose officers hear of the follow-up deadline on the ladder (they and the regions above): the target region;
    # for a unit, the region above the issuing office (the unit and the office have it in their to-do).
    ladder_region = RegionCodeField("升级通知区划", max_length=9, blank=True)
    reason = models.TextField("事由", max_length=4000)
    on = models.DateField("日期")
    follow_up_due = models.DateField("反馈期限")
    done_on = models.DateField("反馈日期", null=True, blank=True)
    result = models.TextField("整改反馈情况", max_length=4000, blank=True)
    task_id = models.PositiveIntegerField("关联任务编号", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope = ScopePaths(region="region__code", sector=None, enterprise=None)

    class Meta:
        verbose_name = "督促问责措施"
        verbose_name_plural = "督促问责措施"
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["follow_up_due"], condition=models.Q(done_on__isnull=True), name="pressure_open_due")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_region__isnull=False, target_department__isnull=True)
                | models.Q(target_region__isnull=True, target_department__isnull=False),
                name="pressure_has_one_target",
            ),
            models.CheckConstraint(condition=models.Q(follow_up_due__gte=models.F("on")), name="pressure_due_after_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.target_name}"

    @property
    def target_name(self) -> str:
        """The target as the document addresses it: the region's or the unit's name."""
        if self.target_department is not None:
            return self.target_department.name
        return self.target_region.name if self.target_region is not None else ""


class PressureEscalation(models.Model):
    """A rung of the escalation ladder reached by a pressure whose follow-up is late (for the due day missed)."""

    pressure = models.ForeignKey(Pressure, on_delete=models.CASCADE, related_name="escalations")
    region_code = RegionCodeField(max_length=9)
    step = models.CharField(max_length=20)
    due = models.DateField()
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pressure", "step", "due"], name="pressure_escalation_once")]

    def __str__(self) -> str:
        return f"督促 #{self.pressure_id} {self.step_label} {self.day}"

    @property
    def step_label(self) -> str:
        return kit.STEP_LABELS.get(self.step, self.step)
