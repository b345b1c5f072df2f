"""The hazard (隐患): the core record of zhiben, and its lifecycle (DESIGN.md §3).

The lifecycle reads in one screen: ``Status`` and ``TRANSITIONS`` below. Derived figures
(cohort, overdue, closed on time, self-check missed) live in ``rules.py``, never in columns.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhiben.accounts.scope import ScopePaths
from zhiben.common import kit
from zhiben.common.roles import Role


class Level(models.TextChoices):
    MAJOR = "major", "重大隐患"
    GENERAL = "general", "一般隐患"


class Source(models.TextChoices):
    SELF_CHECK = "self_check", "企业自查"
    INSPECTION = "inspection", "督导检查/执法检查"
    TIP = "tip", "群众举报核查"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFYING = "rectifying", "整改中"
    PENDING_REVIEW = "pending_review", "待审核销号"
    CLOSED = "closed", "已销号"
    CANCELLED = "cancelled", "已撤销"


class Action(models.TextChoices):
    PLAN = "plan", "制定整改方案"
    SUBMIT = "submit", "申请销号"
    APPROVE = "approve", "审核通过（销号）"
    REJECT = "reject", "退回整改"
    CANCEL = "cancel", "撤销"


ACTIVE_STATUSES = (Status.OPEN, Status.RECTIFYING, Status.PENDING_REVIEW)
REGULATORS = frozenset({Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER})
EVERYONE = REGULATORS | {Role.ENTERPRISE}


def _plan_first(hazard: Hazard, actor: object) -> str | None:
    """A major hazard is rectified under a plan (五落实, 16号令 第十五条) before it can be closed."""
    if hazard.level == Level.MAJOR:
        return "重大隐患须先制定整改方案（五落实），整改后再申请销号"
    return None


# The lifecycle, with who may take each arrow and the event it writes:
#   open --plan--> rectifying --submit--> pending_review --approve--> closed (销号)
#                      ^                          |
#                      +---------reject-----------+
#   open/rectifying/pending_review --cancel (误报/不构成)--> cancelled
# A general hazard is closed by the enterprise itself on submit (企业自行整改), even straight from
# ``open`` (一般隐患 can be removed at once, 16号令 第三条); a major one goes to review (the service sends a
# major submission to ``pending_review`` and a general one to ``closed``). A plan may be revised while
# rectifying. Review is never by the one who submitted (checked by the service: a matter of person, not
# of state).
LIFECYCLE = kit.Lifecycle(
    (
        kit.Transition(Action.PLAN, Status.OPEN, Status.RECTIFYING, "planned", EVERYONE),
        kit.Transition(Action.PLAN, Status.RECTIFYING, Status.RECTIFYING, "plan_revised", EVERYONE),
        kit.Transition(Action.SUBMIT, Status.RECTIFYING, Status.PENDING_REVIEW, "submitted", EVERYONE),
        kit.Transition(Action.SUBMIT, Status.OPEN, Status.CLOSED, "submitted", EVERYONE, guard=_plan_first),
        kit.Transition(Action.APPROVE, Status.PENDING_REVIEW, Status.CLOSED, "approved", REGULATORS),
        kit.Transition(Action.REJECT, Status.PENDING_REVIEW, Status.RECTIFYING, "rejected", REGULATORS),
        *(kit.Transition(Action.CANCEL, s, Status.CANCELLED, "cancelled", REGULATORS) for s in ACTIVE_STATUSES),
    ),
    status_labels=dict(Status.choices),
    action_labels=dict(Action.choices),
)
TRANSITIONS: dict[tuple[str, str], str] = LIFECYCLE.table()


class SupervisionLevel(models.TextChoices):
    """挂牌督办 level, decided by the committee office (FACTS §1)."""

    PROVINCE = "province", "省级挂牌督办"
    CITY = "city", "市级挂牌督办"
    COUNTY = "county", "县级挂牌督办"


class ExtensionStatus(models.TextChoices):
    """A request to move the deadline later (延期申请), decided by an officer other than the requester."""

    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


# The attribute under which ``hazard_create`` leaves, on the hazard it returns, the events it wrote (its
# timeline so far), so that the API answers without reading them back (selectors.hazard_events).
TIMELINE = "_recorded_timeline"


class Hazard(models.Model):
    """A hazard found at an enterprise: general or major, from any of the channels."""

    # No index of its own on enterprise or sector: (enterprise, status) and (sector, region) below begin
    # with them, and every index an import must also write costs it time.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="hazards",
        db_index=False,
    )
    # Copied from the enterprise so that scoped queries and statistics never join.
    region = models.ForeignKey("regions.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(
        "reference.Sector", verbose_name="行业领域", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    level = models.CharField("隐患级别", max_length=8, choices=Level.choices)
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    title = models.CharField("隐患名称", max_length=200)
    description = models.TextField("隐患描述", max_length=4000, blank=True)
    location = models.CharField("隐患部位", max_length=200, blank=True)
    criterion = models.ForeignKey(
        "reference.Criterion",
        verbose_name="判定依据",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A fire determination (GB 35181 综合判定) cites its composite elements and the type of place counted.
    criterion_elements = models.JSONField("综合判定要素", default=list, blank=True)
    place_type = models.CharField("场所类别", max_length=16, blank=True)
    external_ref = models.CharField("外部编号", max_length=64, blank=True)
    discovered_on = models.DateField("发现日期")
    deadline = models.DateField("整改期限", null=True, blank=True)

    # 五落实: responsibility, measures, funds, time limit, emergency plan.
    responsible_person = models.CharField("整改责任人", max_length=60, blank=True)
    measures = models.TextField("整改措施", max_length=4000, blank=True)
    funds = models.DecimalField("整改资金（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    interim_measures = models.TextField("整改期间安全防范和应急措施", max_length=4000, blank=True)
    planned_at = models.DateTimeField("方案制定时间", null=True, blank=True)

    # 挂牌督办
    supervision_level = models.CharField("挂牌督办级别", max_length=8, choices=SupervisionLevel.choices, blank=True)
    supervision_notice_no = models.CharField("督办文号", max_length=60, blank=True)
    listed_on = models.DateField("挂牌日期", null=True, blank=True)
    supervision_deadline = models.DateField("督办期限", null=True, blank=True)
    delisted_on = models.DateField("摘牌日期", null=True, blank=True)
    delist_reason = models.CharField("摘牌理由", max_length=400, blank=True)

    # 双报告 (安全生产法 第四十一条第二款)
    reported_to_regulator_on = models.DateField("报告监管部门日期", null=True, blank=True)
    reported_to_workers_congress_on = models.DateField("报告职工代表大会日期", null=True, blank=True)
    # The day a major hazard is to be reported to the regulator by (power: 3 working days, rules.
    # regulator_report_due_for), fixed when it is recorded from the official calendar then known; null where
    # no such rule applies. Stored so that late reports are found by SQL (working days are not).
    regulator_report_due = models.DateField("向监管部门报告期限", null=True, blank=True)

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请销号人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # no list or count looks hazards up by the officer who acted
    )
    submitted_at = models.DateTimeField("申请销号时间", null=True, blank=True)
    # The business date of the enterprise's completion (申请销号): overdue and on time are judged on it.
    submitted_on = models.DateField("申请销号日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    # A row of an old ledger recorded as already closed (its close-out date from the sheet).
    historical = models.BooleanField("历史台账已销号", default=False)
    cancel_reason = models.CharField("撤销原因", max_length=400, blank=True)
    # 撤销 of a major hazard takes two officers: the first proposes, another confirms.
    cancel_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提议撤销人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # no list or count looks hazards up by the officer who acted
    )

    # 延期: the latest request to move the deadline later, and its decision (every one is an event).
    extension_deadline = models.DateField("申请延期至", null=True, blank=True)
    extension_reason = models.CharField("延期理由", max_length=400, blank=True)
    extension_status = models.CharField("延期申请状态", max_length=10, choices=ExtensionStatus.choices, blank=True)
    extension_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="延期申请人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # no list or count looks hazards up by the officer who acted
    )
    extension_comment = models.CharField("延期审批意见", max_length=400, blank=True)
    # the Beijing day it was asked (its decision falls due EXTENSION_DECISION_WORKING_DAYS working days
    # later, rules.extension_decide_by), and whether it came later than the practice asks (an enterprise's
    # own deadline: accepted, shown to the decider)
    extension_requested_on = models.DateField("延期申请日期", null=True, blank=True)
    extension_late = models.BooleanField("延期申请提出较晚", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # as the other user references: never looked up by
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope = ScopePaths(region="region__code", sector="sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "隐患"
        verbose_name_plural = "隐患"
        ordering = ["-discovered_on", "-id"]
        indexes = [
            # status first: a list filtered by status (or "active") and a region prefix reads one range per status
            models.Index(fields=["status", "region", "deadline"]),
            models.Index(fields=["status", "deadline"]),
            # the ladder finds due days (the earlier of deadline and 督办期限) and late plans by range
            models.Index(fields=["status", "supervision_deadline"], name="hazard_status_listed_due"),
            models.Index(fields=["status", "discovered_on"], name="hazard_status_discovered"),
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["sector", "region"]),
            models.Index(fields=["discovered_on"]),
            # a hazard looked up by its enterprise and 外部编号 reads (enterprise, status): a firm's few
            # hazards, no index of its own to write on every insert
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__isnull=True) | models.Q(deadline__gte=models.F("discovered_on")),
                name="hazard_deadline_not_before_discovery",
            ),
            models.CheckConstraint(
                condition=~models.Q(level="major") | models.Q(criterion__isnull=False),
                name="hazard_major_cites_a_criterion",
            ),
            # A ledger's own number identifies a hazard within its enterprise (re-imports find it again).
            models.UniqueConstraint(
                fields=["enterprise", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="hazard_external_ref_unique_per_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def listed(self) -> bool:
        """Under a supervision listing now (挂牌督办, not yet 摘牌)."""
        return bool(self.supervision_level) and self.delisted_on is None


class AttachmentKind(models.TextChoices):
    """What a file shows: the hazard as found, or its rectification (only the latter supports a close-out)."""

    PHOTO = "photo", "隐患现场照片"
    EVIDENCE = "evidence", "整改佐证材料"


class Attachment(models.Model):
    """A photo of the hazard or rectification evidence (photos, PDF), stored under a random name; served
    only through a scoped view."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField("类别", max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.EVIDENCE)
    file = models.FileField(upload_to="evidence/%Y/%m/", max_length=200)
    thumbnail = models.FileField(upload_to="thumbs/%Y/%m/", max_length=200, blank=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or f"附件 {self.pk}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class EscalationStep(models.TextChoices):
    """The ladder for overdue hazards (函告 · 通报 · 约谈 · 挂牌督办), DESIGN.md §3; thresholds are settings."""

    DUE_SOON = "due_soon", "临期提醒"
    REMINDER = "reminder", "提醒"
    LETTER = "letter", "函告"
    CIRCULAR = "circular", "通报"
    INTERVIEW = "interview", "约谈"
    LISTING_PROPOSED = "listing_proposed", "建议挂牌督办"


class SweepRun(models.Model):
    """One run of the escalation sweep; its event in the chain carries a digest of the rows it added."""

    day = models.DateField("日期")
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    counts = models.JSONField("新增升级", default=dict)
    digest = models.CharField(max_length=64, blank=True)
    first_id = models.BigIntegerField("首条升级记录", null=True, blank=True)
    last_id = models.BigIntegerField("末条升级记录", null=True, blank=True)

    class Meta:
        verbose_name = "逾期升级扫描"
        verbose_name_plural = "逾期升级扫描"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.day} 扫描"


class Escalation(models.Model):
    """A step of the ladder taken on an overdue hazard. Append-only; one per hazard, step and deadline
    (a revised deadline starts the ladder again)."""

    # The unique constraint below leads with the hazard, so the FK needs no index of its own.
    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="escalations", db_index=False)
    step = models.CharField("升级措施", max_length=20, choices=EscalationStep.choices)
    # Copied from the hazard by the sweep's INSERT … SELECT, so that who-to-notify is counted without a join.
    region_id = models.CharField(max_length=9)
    sector_id = models.CharField(max_length=32)
    enterprise_id = models.BigIntegerField()
    deadline = models.DateField("所逾期限")
    escalated_on = models.DateField("升级日期")
    # A sweep's rows are one contiguous id range (SweepRun.first_id..last_id), read by primary key: no
    # index on the sweep is needed, and every insert is cheaper for it.
    sweep = models.ForeignKey(SweepRun, on_delete=models.PROTECT, related_name="escalations", db_index=False)

    class Meta:
        verbose_name = "逾期升级"
        verbose_name_plural = "逾期升级"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["hazard", "step", "deadline"], name="escalation_once_per_deadline"),
        ]

    def __str__(self) -> str:
        return f"#{self.hazard_id} {self.get_step_display()}"


class PlanEscalation(models.Model):
    """A step of the ladder taken on a major hazard still without a plan or a deadline
    ``ZHIBEN["PLAN_DAYS"]`` days after its discovery (``deadline``: the day the plan was due).
    Append-only; one per hazard, step and due day. Its own table: the rectification ladder's rows of the
    same hazard may fall on the same day."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="plan_escalations", db_index=False)
    step = models.CharField("升级措施", max_length=20, choices=EscalationStep.choices)
    region_id = models.CharField(max_length=9)
    sector_id = models.CharField(max_length=32)
    enterprise_id = models.BigIntegerField()
    deadline = models.DateField("方案应制定日期")
    escalated_on = models.DateField("升级日期")
    sweep = models.ForeignKey(SweepRun, on_delete=models.PROTECT, related_name="plan_escalations", db_index=False)

    class Meta:
        verbose_name = "未制定方案升级"
        verbose_name_plural = "未制定方案升级"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["hazard", "step", "deadline"], name="plan_escalation_once_per_due_day"),
        ]

    def __str__(self) -> str:
        return f"#{self.hazard_id} {self.get_step_display()}"
