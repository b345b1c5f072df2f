"""Public tips (群众举报), their messages, photos and rewards.

Nothing here identifies the tipster in plain text: identity and the free text are sealed (crypto.py);
no IP address, user agent or time of day is kept — only the day of acceptance and of each message.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from zhiben.accounts.scope import ScopePaths
from zhiben.common import dates, kit
from zhiben.common.roles import Role
from zhiben.regions.models import RegionCodeField


class Category(models.TextChoices):
    MAJOR_HAZARD = "major_hazard", "重大事故隐患"
    VIOLATION = "violation", "非法违法生产经营行为"
    CONCEALED_ACCIDENT = "concealed_accident", "瞒报谎报事故"
    OTHER = "other", "其他"


class TipStatus(models.TextChoices):
    ACCEPTED = "accepted", "已受理，核查中"
    VERIFIED = "verified", "已核查，待答复"
    REPLIED = "replied", "已答复"
    OBJECTED = "objected", "举报人有异议，复核中"
    REVIEWED = "reviewed", "已复核"


class TipAction(models.TextChoices):
    EXTEND = "extend", "延长核查期限"
    VERIFY = "verify", "核查"
    REPLY = "reply", "答复举报人"
    PAY_REWARD = "pay_reward", "登记奖励发放"
    NOTIFY_REWARD = "notify_reward", "通知领取奖励"
    REVIEW = "review", "复核"


HANDLERS = frozenset({Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER})


def _may_extend(tip: Tip, actor: object) -> str | None:
    """Verification may be extended once, by 30 days, decided before the 60 days run out (FACTS §3: the
    2012 办法 as kept by the provincial rules implementing 安监总财〔2018〕19号; per FACTS.md, the article
    not read). The due day itself is still in time (Beijing days)."""
    if tip.extended:
        return "核查期限只能延长一次"
    if dates.is_past(getattr(tip, "verification_due", None)):
        return "核查期限已过，不能再延期（延期须在期限届满前决定）"
    return None


_ALL_AFTER_VERIFY = (TipStatus.VERIFIED, TipStatus.REPLIED, TipStatus.OBJECTED, TipStatus.REVIEWED)


# The lifecycle: accepted --verify--> verified --reply--> replied. The first message after verification
# is the reply (答复, due in 10 days); messages before and after it leave the state as it is. A reward is
# recorded as paid once it has been decided (at verification).
LIFECYCLE = kit.Lifecycle(
    (
        kit.Transition(TipAction.EXTEND, TipStatus.ACCEPTED, TipStatus.ACCEPTED, "extended", HANDLERS, _may_extend),
        kit.Transition(TipAction.VERIFY, TipStatus.ACCEPTED, TipStatus.VERIFIED, "verified", HANDLERS),
        # a message before the verification, or after the reply, is a message (message_sent), not the reply
        kit.Transition(TipAction.REPLY, TipStatus.ACCEPTED, TipStatus.ACCEPTED, "message_sent", HANDLERS),
        kit.Transition(TipAction.REPLY, TipStatus.VERIFIED, TipStatus.REPLIED, "replied", HANDLERS),
        kit.Transition(TipAction.REPLY, TipStatus.REPLIED, TipStatus.REPLIED, "message_sent", HANDLERS),
        kit.Transition(TipAction.REPLY, TipStatus.OBJECTED, TipStatus.OBJECTED, "message_sent", HANDLERS),
        kit.Transition(TipAction.REPLY, TipStatus.REVIEWED, TipStatus.REVIEWED, "message_sent", HANDLERS),
        kit.Transition(TipAction.REVIEW, TipStatus.OBJECTED, TipStatus.REVIEWED, "reviewed", HANDLERS),
        *(kit.Transition(TipAction.PAY_REWARD, s, s, "reward_paid", HANDLERS) for s in _ALL_AFTER_VERIFY),
        *(kit.Transition(TipAction.NOTIFY_REWARD, s, s, "reward_notified", HANDLERS) for s in _ALL_AFTER_VERIFY),
    ),
    status_labels=dict(TipStatus.choices),
    action_labels=dict(TipAction.choices),
    refusals={
        TipAction.EXTEND: "已核查的举报不能延期",
        TipAction.VERIFY: "该举报已核查",
        TipAction.PAY_REWARD: "该举报没有奖励决定",
        TipAction.NOTIFY_REWARD: "该举报没有奖励决定",
        TipAction.REVIEW: "举报人没有提出异议，或已复核",
    },
)


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", "属实"
    UNFOUNDED = "unfounded", "不属实"


class Exclusion(models.TextChoices):
    """Reporters whose tips are not rewarded (《安全生产领域举报奖励办法》 2018, FACTS §3)."""

    STAFF = "staff", "负有安全生产监督管理职责的工作人员"
    RELATIVE = "relative", "监管工作人员的近亲属"
    INSTIGATED = "instigated", "受监管工作人员授意举报"


class NoReward(models.TextChoices):
    """Why no national reward is due (the stable code answered as ``reward_reason_code``)."""

    NOT_VERIFIED = "not_verified", "举报事项经核查不属实，不予奖励"
    NOT_IN_SCOPE = "not_in_scope", "举报事项不属于国家举报奖励范围"
    ANONYMOUS = "anonymous", "匿名举报不予奖励（奖励仅限有功的实名举报人）"
    EXCLUDED = "excluded", "举报人属于不予奖励的人员"
    GENERAL_HAZARD = "general_hazard", "一般事故隐患不在国家奖励范围内"
    ALREADY_KNOWN = "already_known", "举报前生产经营单位或部门已发现并正在依法处理"
    NOT_FIRST = "not_first", "同一事项已奖励最先受理的举报"
    NO_DEATHS = "no_concealed_deaths", "未查实瞒报谎报死亡人数，不予奖励"


class MessageKind(models.TextChoices):
    MESSAGE = "message", "消息"
    REPLY = "reply", "答复"
    OBJECTION = "objection", "异议"
    REVIEW = "review", "复核结果"


class Tip(models.Model):
    receipt_digest = models.CharField(max_length=64, unique=True)
    region = models.ForeignKey("regions.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    region_code = RegionCodeField("区划代码", max_length=9, db_index=True)  # for the subtree prefix
    category = models.CharField("举报类别", max_length=20, choices=Category.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise_name = models.CharField("被举报单位", max_length=200, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    content = models.BinaryField("举报内容（加密）")  # {"description", "address"}
    reporter = models.BinaryField("举报人（加密）", null=True, blank=True)  # {"name", "phone", "id_number"}
    real_name = models.BooleanField("实名举报", default=False)
    # 联名举报: the identity kept is the first signatory's, who is the one paid (FACTS §3)
    joint = models.BooleanField("联名举报", default=False)
    status = models.CharField("状态", max_length=12, choices=TipStatus.choices, default=TipStatus.ACCEPTED)
    accepted_on = models.DateField("受理日期")
    verification_due = models.DateField("核查期限")
    extended = models.BooleanField("已延期", default=False)
    extension_reason = models.CharField("延期理由", max_length=400, blank=True)
    extension_approved_by = models.CharField("延期批准（上一级部门）", max_length=200, blank=True)
    extended_on = models.DateField("延期决定日期", null=True, blank=True)
    verified_on = models.DateField("核查日期", null=True, blank=True)
    outcome = models.CharField("核查结论", max_length=12, choices=Outcome.choices, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    accident_id = models.BigIntegerField("关联事故", null=True, blank=True)
    fine = models.DecimalField("罚款金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    concealed_deaths = models.PositiveIntegerField("瞒报死亡人数", null=True, blank=True)
    reporter_excluded = models.CharField("不予奖励的举报人", max_length=12, choices=Exclusion.choices, blank=True)
    already_known = models.BooleanField("举报前已发现并正在处理", default=False)
    reward_reason = models.CharField("不予奖励原因", max_length=24, choices=NoReward.choices, blank=True)
    reply_due = models.DateField("答复期限", null=True, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    objection_due = models.DateField("异议期限", null=True, blank=True)
    objected_on = models.DateField("提出异议日期", null=True, blank=True)
    review_due = models.DateField("复核期限", null=True, blank=True)
    reviewed_on = models.DateField("复核日期", null=True, blank=True)
    # the reward's claim window (领取期限), kept with the tip's other deadlines for the escalation sweep
    claim_due = models.DateField("奖励领取期限", null=True, blank=True)

    scope = ScopePaths(region="region_code", sector=None, enterprise=None)
    # routed to the unit that leads the named enterprise's sector (departments.routed_filter); no enterprise: all
    routing_sector = "enterprise__sector_id"

    class Meta:
        ordering = ["-accepted_on", "-id"]
        indexes = [models.Index(fields=["status", "verification_due"]), models.Index(fields=["region_code", "status"])]

    def __str__(self) -> str:
        return f"举报 #{self.pk}"

    @property
    def reward_reason_text(self) -> str | None:
        """Why no reward is due, in Chinese (the exclusion's ground named), or None."""
        if not self.reward_reason:
            return None
        label = str(NoReward(self.reward_reason).label)
        if self.reward_reason == NoReward.EXCLUDED and self.reporter_excluded:
            return f"{label}（{Exclusion(self.reporter_excluded).label}）"
        return label


class TipMessage(models.Model):
    """A message between the tipster (by receipt) and the handlers; the body is sealed."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField()
    kind = models.CharField(max_length=10, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    body = models.BinaryField()
    on = models.DateField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"举报 #{self.tip_id} 往来 {self.on}"


class TipAttachment(models.Model):
    """A photo (re-encoded: no EXIF, no GPS) or a PDF; stored privately, served only to handlers in scope."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="tips/", max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"举报 #{self.tip_id} 附件 {self.pk}"


class TipReward(models.Model):
    """The reward decision (举报奖励) and its payment."""

    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="reward")
    eligible = models.BooleanField()
    amount = models.DecimalField("奖励金额（元）", max_digits=12, decimal_places=2)
    basis = models.CharField("依据", max_length=400)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    paid_on = models.DateField("发放日期", null=True, blank=True)
    paid_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    notified_on = models.DateField("领奖通知日期", null=True, blank=True)
    late_reason = models.CharField("逾期领取理由", max_length=400, blank=True)

    def __str__(self) -> str:
        return f"举报 #{self.tip_id} 奖励 {self.amount}"

    @property
    def claim_due(self) -> datetime.date | None:
        """The last day to claim it: 60 days after the notice (the tip keeps it), or None before the notice."""
        return self.tip.claim_due


class TipEscalation(models.Model):
    """A rung of the escalation ladder reached by an overdue tip (for the due day it missed)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="escalations")
    region_code = RegionCodeField(max_length=9)
    step = models.CharField(max_length=20)
    due = models.DateField()
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tip", "step", "due"], name="tip_escalation_once")]

    def __str__(self) -> str:
        return f"举报 #{self.tip_id} {self.step_label} {self.day}"

    @property
    def step_label(self) -> str:
        """The step's Chinese name (临期提醒, 提醒, 函告 …)."""
        return kit.STEP_LABELS.get(self.step, self.step)
