"""Plans (方案), their tasks (重点任务清单), the units responsible and progress reports (DESIGN.md §4).

A plan belongs to a region and may sit under a higher region's plan. A task carries its due rule as the
document wrote it (``due_text``) and normalised (``due_kind`` with the date, month, day, reporting period and
years), its lead and co-operating units (TaskUnit: a member unit, a lower region, or a generic "各区县政府" —
a unit the system cannot match is kept as written and flagged), and a status:

    open ──progress──▶ in_progress ──done (lead unit)──▶ done ──accept (安委会办公室)──▶ accepted
      └──────────done (lead unit)──────────────────────▶ done ──reject (reason)──▶ in_progress

(挂图作战、对账销号: the lead unit says it is done, the committee office checks it off.)
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhiben.accounts.scope import ScopePaths
from zhiben.common import dates, kit
from zhiben.common.roles import Role


class Plan(models.Model):
    """A region's plan (方案): its title, document number, issuer and date, the file it came from."""

    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", verbose_name="上级方案", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    title = models.CharField("标题", max_length=200)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    issuer = models.CharField("印发单位", max_length=120, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    source_name = models.CharField("来源文件", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    # A plan has no sector: every officer of its region and above sees it (selectors add the units').
    scope = ScopePaths(region="region__code", sector=None, enterprise=None)

    class Meta:
        verbose_name = "方案"
        verbose_name_plural = "方案"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class DueKind(models.TextChoices):
    """How a task's deadline is written (the parser's DueRule.kind)."""

    DATE = "date", "日期"
    MONTH_END = "month_end", "月底前"
    QUARTER_END = "quarter_end", "季度末前"
    YEAR_END = "year_end", "年底前"
    ANNUAL = "annual", "每年"
    ONGOING = "ongoing", "长期坚持"
    UNKNOWN = "unknown", "未识别"


# Kinds with one deadline (a date); the others report by period.
DATED_KINDS = frozenset({DueKind.DATE, DueKind.MONTH_END, DueKind.QUARTER_END, DueKind.YEAR_END})
PERIODIC_KINDS = frozenset({DueKind.ANNUAL, DueKind.ONGOING})


class TaskStatus(models.TextChoices):
    OPEN = "open", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成待验收"
    ACCEPTED = "accepted", "已销号"


class TaskAction(models.TextChoices):
    PROGRESS = "progress", "报送进展"
    DONE = "done", "标记完成"
    ACCEPT = "accept", "验收销号"
    REJECT = "reject", "退回"


OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
WORKERS = frozenset({Role.OFFICER, Role.TIP_HANDLER, Role.ADMIN})

# Who may take each step is checked by the service against the task's units (a lead unit marks it done, the
# committee office of the plan's region or above accepts); the lifecycle holds the states and roles.
LIFECYCLE = kit.Lifecycle(
    (
        kit.Transition(TaskAction.PROGRESS, TaskStatus.OPEN, TaskStatus.IN_PROGRESS, "progress_reported", WORKERS),
        kit.Transition(
            TaskAction.PROGRESS, TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS, "progress_reported", WORKERS
        ),
        kit.Transition(TaskAction.DONE, TaskStatus.OPEN, TaskStatus.DONE, "done", WORKERS),
        kit.Transition(TaskAction.DONE, TaskStatus.IN_PROGRESS, TaskStatus.DONE, "done", WORKERS),
        kit.Transition(TaskAction.ACCEPT, TaskStatus.DONE, TaskStatus.ACCEPTED, "accepted", WORKERS),
        kit.Transition(TaskAction.REJECT, TaskStatus.DONE, TaskStatus.IN_PROGRESS, "rejected", WORKERS),
    ),
    status_labels=dict(TaskStatus.choices),
    action_labels=dict(TaskAction.choices),
)


class Task(models.Model):
    """One numbered task of a plan. An annex row "3.2" sits under main task "3" (``parent``)."""

    plan = models.ForeignKey(Plan, verbose_name="方案", on_delete=models.CASCADE, related_name="tasks")
    # Copied from the plan: scoped lists, the board and the escalation rows read it without a join.
    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", verbose_name="上级任务", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField("顺序", default=0)
    number = models.CharField("序号", max_length=20, blank=True)
    action_number = models.CharField("行动序号", max_length=20, blank=True)
    action = models.CharField("专项行动", max_length=200, blank=True)
    text = models.TextField("任务内容")
    due_text = models.CharField("完成时限（原文）", max_length=200, blank=True)
    due_kind = models.CharField("时限类别", max_length=12, choices=DueKind.choices, default=DueKind.UNKNOWN)
    due_on = models.DateField("完成期限", null=True, blank=True)
    due_month = models.PositiveSmallIntegerField("每年月份", null=True, blank=True)
    due_day = models.PositiveSmallIntegerField("每年日", null=True, blank=True)
    report_every = models.CharField("进展报送周期", max_length=10, blank=True)
    years = models.JSONField("适用年度", default=list, blank=True)
    # The oldest reporting period still owed and its report's due day (periodic tasks; kept by the services).
    starts_on = models.DateField("起报日期", null=True, blank=True)
    report_period = models.CharField("待报送期", max_length=8, blank=True)
    report_due = models.DateField("进展报送期限", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    percent = models.PositiveSmallIntegerField("进度（%）", default=0)
    done_on = models.DateField("完成日期", null=True, blank=True)
    accepted_on = models.DateField("销号日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope = ScopePaths(region="region__code", sector=None, enterprise=None)

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["plan_id", "position", "id"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["status", "report_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:30]}"

    @property
    def title(self) -> str:
        """The task as one line (to-do lists, notices)."""
        head = f"{self.number}. " if self.number else ""
        return head + (self.text[:60] + ("…" if len(self.text) > 60 else ""))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def overdue(self) -> bool:
        """Not done and past its deadline (Beijing); a task without a deadline is never overdue."""
        return self.is_open and dates.is_past(self.due_on)

    @property
    def report_missing(self) -> bool:
        """A periodic task (每年 / 长期坚持) whose report of an ended period is past its due day."""
        return self.is_open and dates.is_past(self.report_due)

    @property
    def next_due(self) -> object:
        """The day that matters next: the deadline, or the next progress report's due day."""
        return self.due_on or self.report_due

    @property
    def state(self) -> str:
        """The board's colour key: ``overdue`` before the status."""
        return "overdue" if self.overdue or self.report_missing else self.status


class UnitRole(models.TextChoices):
    LEAD = "lead", "牵头单位"
    CO = "co", "配合单位"


class UnitFlag(models.TextChoices):
    MATCHED = "", "已匹配"
    UNMATCHED = "unmatched", "未匹配"
    AMBIGUOUS = "ambiguous", "待选择"
    GENERIC = "generic", "泛指下级"


class Generic(models.TextChoices):
    """A generic unit (各区县政府, 各乡镇（街道）): every lower region of that level under the plan's region."""

    NONE = "", "—"
    COUNTY = "county", "各区县"
    TOWNSHIP = "township", "各乡镇（街道）"


# GB/T 2260 code length of each generic level.
GENERIC_CODE_LENGTH = {Generic.COUNTY: 6, Generic.TOWNSHIP: 9}


class TaskUnit(models.Model):
    """A unit responsible for a task, as written (``text``), and what it was matched to: a member unit
    (``department``), a lower region (``region``: a township government as a unit), or every lower region of
    a level (``generic``). ``flag`` keeps what the matching found: unmatched and ambiguous units are kept."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="units")
    role = models.CharField("角色", max_length=4, choices=UnitRole.choices)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name="成员单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="下级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generic = models.CharField("泛指", max_length=10, choices=Generic.choices, blank=True, default="")
    text = models.CharField("原文", max_length=120)
    flag = models.CharField("匹配情况", max_length=10, choices=UnitFlag.choices, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        ordering = ["task_id", "role", "position", "id"]
        indexes = [models.Index(fields=["department", "role"]), models.Index(fields=["region", "role"])]

    def __str__(self) -> str:
        return self.text

    @property
    def name(self) -> str:
        """The unit's name as shown: the matched unit's, else the text as written."""
        if self.department_id and self.department is not None:
            return self.department.name
        if self.region_id and self.region is not None:
            return f"{self.region.name}人民政府"
        return self.text


class Progress(models.Model):
    """A unit's progress report on a task for a period (2026-11, 2026Q3, 2026H2, 2026)."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="progress")
    unit = models.ForeignKey(
        TaskUnit, verbose_name="报送单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_name = models.CharField("报送单位名称", max_length=120, blank=True)
    period = models.CharField("报送期", max_length=8)
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("进度（%）")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reported_on = models.DateField("报送日期")
    reported_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "任务进展"
        verbose_name_plural = "任务进展"
        ordering = ["task_id", "-reported_at", "-id"]
        indexes = [models.Index(fields=["task", "period"])]

    def __str__(self) -> str:
        return f"{self.task_id} {self.period}"


class ProgressFile(models.Model):
    """An attachment of a progress report (JPEG, PNG, WebP or PDF, checked as hazard evidence is)."""

    progress = models.ForeignKey(Progress, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to="plans/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField("原文件名", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name


class TaskEscalation(models.Model):
    """A rung of the escalation ladder reached by a task: a missed deadline (``source`` "task_due") or a
    missed progress report (``task_report``), for the due day it missed."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="escalations")
    source = models.CharField(max_length=12)
    region_code = models.CharField(max_length=9)
    step = models.CharField(max_length=20)
    due = models.DateField()
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "source", "step", "due"], name="task_escalation_once"),
        ]

    def __str__(self) -> str:
        return f"任务 #{self.task_id} {self.step_label} {self.day}"

    @property
    def step_label(self) -> str:
        return kit.STEP_LABELS.get(self.step, self.step)
