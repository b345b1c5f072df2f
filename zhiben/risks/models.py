"""Dual prevention: risk grading and enterprise self-inspection (双重预防 · 风险分级管控 · 隐患排查), DESIGN.md §4, §6.

The national data model for hazardous-chemical enterprises chains, and so do these rows:

- ``RiskUnit`` (风险分析单元: a device, an installation, a place or a job) with its place on the plant's
  four-colour map (``map_x``, ``map_y``: fractions of the layout image of the enterprise's ``RiskProfile``);
- ``RiskEvent`` (风险事件), scored by the enterprise's method (LEC or L×S, ``rules.py``) and graded
  red/orange/yellow/blue; a unit's grade is its worst event's;
- ``ControlMeasure`` (管控措施) classified as the national interface classifies them (``classify1``/``classify2``);
- ``CheckTask`` (隐患排查任务): a measure's check with a cycle (hours, days, months, years; every day or working
  days only) and an assignee — or one of the plans' rhythm checks (班组日检 · 部门周检 · 厂级月检 · 主要负责人带队检查);
- ``CheckRecord`` (隐患排查记录): one cycle of a task, generated set-based each day (``checks.generate``) as
  ``planned``, then done on time, done but uploaded late (``late``), or ``missed``; a failed check opens a hazard
  (``hazard``), which therefore cites the measure and the record;
- ``Post`` (岗位) for 两单两卡; ``CheckTally`` and ``CheckEnterpriseTally`` (summary counts kept in the same
  transactions, DESIGN.md §5); ``CheckWarning`` (the missed-check ladder, append-only).

Every row the national interface exchanges keeps ``external_id`` (the id the enterprise's own or provincial
system gave it, for imports that update rather than duplicate), a ``deleted`` flag (the interface's
incremental feed must tell deletions) and ``updated_at``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhiben.accounts.scope import ScopePaths


class Method(models.TextChoices):
    """How an enterprise scores its risks (one method per enterprise; bands in settings ``RISK_METHODS``)."""

    LEC = "lec", "作业条件危险性分析法（LEC）"
    LS = "ls", "风险矩阵法（L×S）"


class Grade(models.TextChoices):
    """重大/较大/一般/低 = red/orange/yellow/blue (FACTS §5); the same values as ``Enterprise.risk_level``."""

    RED = "red", "重大风险（红）"
    ORANGE = "orange", "较大风险（橙）"
    YELLOW = "yellow", "一般风险（黄）"
    BLUE = "blue", "低风险（蓝）"


class UnitKind(models.TextChoices):
    DEVICE = "device", "设备设施"
    INSTALLATION = "installation", "生产装置/单元"
    PLACE = "place", "场所区域"
    JOB = "job", "作业活动"


class RiskProfile(models.Model):
    """An enterprise's dual-prevention settings and results: its scoring method, its safety manager (the second
    rung of the missed-check ladder), its plant layout (四色图 base image) and its overall grade with the reason."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    method = models.CharField("风险评价方法", max_length=4, choices=Method.choices, default=Method.LEC)
    safety_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="安全管理负责人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    layout = models.FileField("厂区平面布置图", upload_to="layouts/%Y/", max_length=200, blank=True)
    layout_width = models.PositiveIntegerField("平面图宽（像素）", null=True, blank=True)
    layout_height = models.PositiveIntegerField("平面图高（像素）", null=True, blank=True)
    grade = models.CharField("企业安全风险等级（由风险清单得出）", max_length=8, choices=Grade.choices, blank=True)
    # {"rule": …, "counts": {"red": n, …}, "worst": [{"unit", "event", "score", "grade"}…]}: why the grade
    grade_reason = models.JSONField("定级依据", default=dict, blank=True)
    graded_at = models.DateTimeField("定级时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope = ScopePaths(region="enterprise__region__code", sector="enterprise__sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "双重预防设置"
        verbose_name_plural = "双重预防设置"

    def __str__(self) -> str:
        return f"双重预防设置 {self.enterprise_id}"


class Exchanged(models.Model):
    """The columns every row of the national interface carries (id in the source system, deletion, update time)."""

    external_id = models.CharField("外部编号", max_length=64, blank=True)
    deleted = models.BooleanField("已删除", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class RiskUnit(Exchanged):
    """风险分析单元: a device, an installation, a place or a job of one enterprise, with the department and person
    responsible for its risks (分级管控: 责任部门 · 责任人) and its place on the four-colour map."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Copied from the enterprise (followed when it moves): scoped lists and the region view read no join.
    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("reference.Sector", verbose_name="行业领域", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("风险分析单元名称", max_length=100)
    kind = models.CharField("单元类型", max_length=12, choices=UnitKind.choices, default=UnitKind.INSTALLATION)
    hazard_source_code = models.CharField("重大危险源编码", max_length=40, blank=True)
    department = models.CharField("责任部门", max_length=60)
    responsible = models.CharField("责任人", max_length=40)
    grade = models.CharField("风险等级（最高风险事件）", max_length=8, choices=Grade.choices, blank=True)
    map_x = models.DecimalField("四色图横坐标（0–1）", max_digits=5, decimal_places=4, null=True, blank=True)
    map_y = models.DecimalField("四色图纵坐标（0–1）", max_digits=5, decimal_places=4, null=True, blank=True)

    scope = ScopePaths(region="region__code", sector="sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "风险分析单元"
        verbose_name_plural = "风险分析单元"
        ordering = ["enterprise_id", "id"]
        indexes = [
            models.Index(fields=["enterprise", "updated_at"], name="risks_unit_ent_upd"),
            models.Index(fields=["region", "grade"], name="risks_unit_region_grade"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "external_id"],
                condition=~models.Q(external_id=""),
                name="risks_unit_external_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class RiskEvent(Exchanged):
    """风险事件: what can go wrong at a unit (e.g. 液氯储罐泄漏中毒), scored by the enterprise's method —
    LEC (``l``, ``e``, ``c`` → ``score`` = L×E×C) or the matrix (``likelihood``, ``severity`` → L×S) — and graded
    by the bands in settings (``rules.grade_for``)."""

    unit = models.ForeignKey(RiskUnit, verbose_name="风险分析单元", on_delete=models.PROTECT, related_name="events")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    name = models.CharField("风险事件名称", max_length=100)
    consequence = models.CharField("可能导致的事故类型", max_length=100, blank=True)
    method = models.CharField("评价方法", max_length=4, choices=Method.choices)
    l = models.DecimalField("L（事故发生的可能性）", max_digits=5, decimal_places=2, null=True, blank=True)  # noqa: E741
    e = models.DecimalField("E（暴露于危险环境的频繁程度）", max_digits=5, decimal_places=2, null=True, blank=True)
    c = models.DecimalField("C（发生事故产生的后果）", max_digits=5, decimal_places=2, null=True, blank=True)
    likelihood = models.PositiveSmallIntegerField("L（可能性）", null=True, blank=True)
    severity = models.PositiveSmallIntegerField("S（严重性）", null=True, blank=True)
    score = models.DecimalField("风险值", max_digits=10, decimal_places=2)
    grade = models.CharField("风险等级", max_length=8, choices=Grade.choices)

    scope = ScopePaths(region="unit__region__code", sector="unit__sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "风险事件"
        verbose_name_plural = "风险事件"
        ordering = ["unit_id", "id"]
        indexes = [models.Index(fields=["enterprise", "updated_at"], name="risks_event_ent_upd")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "external_id"],
                condition=~models.Q(external_id=""),
                name="risks_event_external_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ControlMeasure(Exchanged):
    """管控措施 of a risk event, classified as the national interface does (``classify1``: 工程技术 · 维护保养 ·
    操作行为 · 应急措施; ``classify2`` its sub-class; ``classify3`` free text), with what a check of it looks at
    (``content``, 隐患排查内容) and who answers for it."""

    event = models.ForeignKey(RiskEvent, verbose_name="风险事件", on_delete=models.PROTECT, related_name="measures")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    description = models.CharField("管控措施", max_length=500)
    classify1 = models.CharField("管控方式", max_length=2)
    classify2 = models.CharField("管控措施分类", max_length=4)
    classify3 = models.CharField("管控措施细类", max_length=60, blank=True)
    content = models.CharField("隐患排查内容", max_length=500, blank=True)
    department = models.CharField("责任部门", max_length=60, blank=True)
    responsible = models.CharField("责任人", max_length=40, blank=True)

    scope = ScopePaths(region="event__unit__region__code", sector="event__unit__sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "管控措施"
        verbose_name_plural = "管控措施"
        ordering = ["event_id", "id"]
        indexes = [models.Index(fields=["enterprise", "updated_at"], name="risks_measure_ent_upd")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "external_id"],
                condition=~models.Q(external_id=""),
                name="risks_measure_external_unique",
            )
        ]

    def __str__(self) -> str:
        return self.description


class CheckKind(models.TextChoices):
    """What a check task is for: a control measure, or one of the rhythm checks the plans name (FACTS §7)."""

    MEASURE = "measure", "管控措施排查"
    TEAM_DAILY = "team_daily", "班组日检"
    DEPT_WEEKLY = "dept_weekly", "车间（部门）周检"
    PLANT_MONTHLY = "plant_monthly", "厂级月检"
    PRINCIPAL = "principal", "主要负责人带队检查"


class CycleUnit(models.TextChoices):
    HOUR = "hour", "小时"
    DAY = "day", "天"
    MONTH = "month", "月"
    YEAR = "year", "年"


class CheckTask(Exchanged):
    """隐患排查任务: a check repeated every ``cycle_value`` ``cycle_unit`` from ``starts_on`` (Beijing), on every day or
    on working days only (``working_days_only``, the official calendar: chinese-calendar), by ``assignee``.

    ``phase`` is where ``starts_on`` falls in the cycle (``checks.phase_of``), stored so that the day's generation
    finds the tasks due that day by an index, not by reading them all. ``consecutive_missed`` counts the cycles
    missed in a row (the ladder's rung; a done check resets it)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(
        "reference.Sector", verbose_name="行业领域", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    measure = models.ForeignKey(
        ControlMeasure,
        verbose_name="管控措施",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    kind = models.CharField("任务类型", max_length=16, choices=CheckKind.choices, default=CheckKind.MEASURE)
    content = models.CharField("排查内容", max_length=500)
    cycle_value = models.PositiveSmallIntegerField("排查周期")
    cycle_unit = models.CharField("周期单位", max_length=5, choices=CycleUnit.choices)
    working_days_only = models.BooleanField("仅工作日排查", default=False)
    starts_on = models.DateField("起始日期")
    phase = models.IntegerField("周期相位", default=0, editable=False)
    anchor_day = models.PositiveSmallIntegerField("每月排查日", default=1, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="排查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    active = models.BooleanField("启用", default=True)
    consecutive_missed = models.PositiveSmallIntegerField("连续漏检次数", default=0)

    scope = ScopePaths(region="region__code", sector="sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "隐患排查任务"
        verbose_name_plural = "隐患排查任务"
        ordering = ["enterprise_id", "id"]
        indexes = [
            models.Index(fields=["cycle_unit", "cycle_value", "phase"], name="risks_task_due"),
            models.Index(fields=["enterprise", "updated_at"], name="risks_task_ent_upd"),
            models.Index(fields=["assignee", "active"], name="risks_task_assignee"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "external_id"],
                condition=~models.Q(external_id=""),
                name="risks_task_external_unique",
            ),
            models.CheckConstraint(condition=models.Q(cycle_value__gte=1), name="risks_task_cycle_positive"),
        ]

    def __str__(self) -> str:
        return self.content


class RecordStatus(models.TextChoices):
    PLANNED = "planned", "待排查"
    DONE = "done", "按时排查"
    LATE = "late", "按时排查（逾期上传）"
    MISSED = "missed", "未排查（漏检）"


class CheckResult(models.TextChoices):
    PASS = "pass", "正常"
    FAIL = "fail", "发现隐患"


class CheckRecord(models.Model):
    """隐患排查记录: one cycle of a task, its window ``[opens_at, due_at)``, generated ``planned`` for the Beijing
    ``day`` it opens; then done (``done_at``: when the check was made, which a phone that was offline keeps;
    ``received_at``: when it reached the server; ``late`` when the gap exceeds ``CHECK_LATE_UPLOAD_HOURS``) or
    ``missed`` once the window has closed. A failed check opens ``hazard``.

    A day's generation inserts a million of these: ``enterprise``, ``region`` and ``sector`` are copies of the task's
    (which the database holds to its constraints) and carry no constraint of their own — on PostgreSQL each foreign
    key is a trigger per row at commit, most of a generation's time — and ``task`` has no index of its own (the
    unique ``(task, opens_at)`` serves every lookup by task)."""

    task = models.ForeignKey(
        CheckTask, verbose_name="排查任务", on_delete=models.PROTECT, related_name="records", db_index=False
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="区划",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    sector = models.ForeignKey(
        "reference.Sector",
        verbose_name="行业领域",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    day = models.DateField("排查日")
    opens_at = models.DateTimeField("周期开始")
    due_at = models.DateTimeField("周期截止")
    status = models.CharField("状态", max_length=8, choices=RecordStatus.choices, default=RecordStatus.PLANNED)
    result = models.CharField("排查结果", max_length=4, choices=CheckResult.choices, blank=True)
    done_at = models.DateTimeField("排查时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="排查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    received_at = models.DateTimeField("上传时间", null=True, blank=True)
    note = models.CharField("排查情况说明", max_length=1000, blank=True)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        verbose_name="发现的隐患",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="check_record",
    )
    external_id = models.CharField("外部编号", max_length=64, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope = ScopePaths(region="region__code", sector="sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "隐患排查记录"
        verbose_name_plural = "隐患排查记录"
        ordering = ["-opens_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="risks_record_open"),
            models.Index(fields=["enterprise", "day"], name="risks_record_ent_day"),
            models.Index(fields=["enterprise", "updated_at"], name="risks_record_ent_upd"),
        ]
        constraints = [models.UniqueConstraint(fields=["task", "opens_at"], name="risks_record_one_per_cycle")]

    def __str__(self) -> str:
        return f"排查记录 {self.pk}"


class CheckPhoto(models.Model):
    """A photo taken at a check (from the phone), stored under a random name and served through a scoped view."""

    record = models.ForeignKey(CheckRecord, verbose_name="排查记录", on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("文件", upload_to="checks/%Y/%m/", max_length=200)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=60)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "排查照片"
        verbose_name_plural = "排查照片"

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """岗位: a post of the enterprise and the risk units its people work at, from which its 两单两卡 are drawn
    (岗位风险清单 · 岗位职责清单 · 岗位风险管控卡 · 应急处置卡); ``duties`` and ``emergency`` one item per line."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("岗位名称", max_length=60)
    duties = models.TextField("岗位安全职责", max_length=4000, blank=True)
    emergency = models.TextField("应急处置要点", max_length=4000, blank=True)
    units = models.ManyToManyField(RiskUnit, verbose_name="涉及的风险分析单元", related_name="posts", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope = ScopePaths(region="enterprise__region__code", sector="enterprise__sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        ordering = ["enterprise_id", "id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="risks_post_name_unique")]

    def __str__(self) -> str:
        return self.name


class CheckTally(models.Model):
    """Summary counts of check records per Beijing ``day`` (the day a cycle opened), township region and sector,
    kept in the same transaction as every change (generation, a record, the missed sweep): the compliance figures
    of a province read these rows, never the records (issue 15: flat from 10,000 to 1,000,000 records a day)."""

    day = models.DateField("排查日")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    sector = models.ForeignKey("reference.Sector", on_delete=models.PROTECT, related_name="+", db_index=False)
    planned = models.PositiveIntegerField("应排查", default=0)
    on_time = models.PositiveIntegerField("按时排查", default=0)
    late = models.PositiveIntegerField("逾期上传", default=0)
    missed = models.PositiveIntegerField("漏检", default=0)
    failed = models.PositiveIntegerField("发现隐患", default=0)

    class Meta:
        verbose_name = "排查统计"
        verbose_name_plural = "排查统计"
        constraints = [models.UniqueConstraint(fields=["day", "region", "sector"], name="risks_tally_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.region_id} {self.sector_id}"


class CheckEnterpriseTally(models.Model):
    """The same counts per enterprise and Beijing month (``month``: its first day): an enterprise's compliance,
    and which enterprises recorded no checks, without reading records."""

    month = models.DateField("月份")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    sector = models.ForeignKey("reference.Sector", on_delete=models.PROTECT, related_name="+", db_index=False)
    planned = models.PositiveIntegerField("应排查", default=0)
    on_time = models.PositiveIntegerField("按时排查", default=0)
    late = models.PositiveIntegerField("逾期上传", default=0)
    missed = models.PositiveIntegerField("漏检", default=0)
    failed = models.PositiveIntegerField("发现隐患", default=0)

    class Meta:
        verbose_name = "企业排查统计"
        verbose_name_plural = "企业排查统计"
        constraints = [models.UniqueConstraint(fields=["month", "enterprise"], name="risks_ent_tally_key")]
        indexes = [models.Index(fields=["month", "region"], name="risks_ent_tally_region")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.enterprise_id}"


class LadderStep(models.TextChoices):
    """The missed-check ladder (issue 15): the assignee, then the enterprise's safety manager, then its officers."""

    ASSIGNEE = "assignee", "提醒排查人"
    SAFETY_MANAGER = "safety_manager", "告知企业安全管理负责人"
    OFFICERS = "officers", "告知属地监管人员"


class CheckWarning(models.Model):
    """One rung of the missed-check ladder reached by one missed record (append-only: each rung is told once)."""

    record = models.ForeignKey(CheckRecord, on_delete=models.PROTECT, related_name="warnings")
    task = models.ForeignKey(CheckTask, on_delete=models.PROTECT, related_name="+", db_index=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False)
    step = models.CharField("告警层级", max_length=16, choices=LadderStep.choices)
    missed_in_row = models.PositiveSmallIntegerField("连续漏检次数")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "漏检告警"
        verbose_name_plural = "漏检告警"
        constraints = [models.UniqueConstraint(fields=["record", "step"], name="risks_warning_once")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.record_id}"
