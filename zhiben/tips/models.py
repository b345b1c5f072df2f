"""Public tips (群众举报), their messages, photos and rewards.

Nothing here identifies the tipster in plain text: identity and the free text are sealed (crypto.py);
no IP address, user agent or time of day is kept — only the day of acceptance and of each message.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhiben.accounts.scope import ScopePaths
from zhiben.common import kit
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


class TipAction(models.TextChoices):
    EXTEND = "extend", "延长核查期限"
    VERIFY = "verify", "核查"
    REPLY = "reply", "答复举报人"
    PAY_REWARD = "pay_reward", "登记奖励发放"


HANDLERS = frozenset({Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER})


def _not_extended(tip: Tip, actor: object) -> str | None:
    """Verification may be extended once, by 30 days (《安全生产领域举报奖励办法》, FACTS §3)."""
    return "核查期限只能延长一次" if tip.extended else None


# The lifecycle: accepted --verify--> verified --reply--> replied. The first message after verification
# is the reply (答复, due in 10 days); messages before and after it leave the state as it is. A reward is
# recorded as paid once it has been decided (at verification).
LIFECYCLE = kit.Lifecycle(
    (
        kit.Transition(TipAction.EXTEND, TipStatus.ACCEPTED, TipStatus.ACCEPTED, "extended", HANDLERS, _not_extended),
        kit.Transition(TipAction.VERIFY, TipStatus.ACCEPTED, TipStatus.VERIFIED, "verified", HANDLERS),
        # a message before the verification, or after the reply, is a message (message_sent), not the reply
        kit.Transition(TipAction.REPLY, TipStatus.ACCEPTED, TipStatus.ACCEPTED, "message_sent", HANDLERS),
        kit.Transition(TipAction.REPLY, TipStatus.VERIFIED, TipStatus.REPLIED, "replied", HANDLERS),
        kit.Transition(TipAction.REPLY, TipStatus.REPLIED, TipStatus.REPLIED, "message_sent", HANDLERS),
        kit.Transition(TipAction.PAY_REWARD, TipStatus.VERIFIED, TipStatus.VERIFIED, "reward_paid", HANDLERS),
        kit.Transition(TipAction.PAY_REWARD, TipStatus.REPLIED, TipStatus.REPLIED, "reward_paid", HANDLERS),
    ),
    status_labels=dict(TipStatus.choices),
    action_labels=dict(TipAction.choices),
    refusals={
        TipAction.EXTEND: "已核查的举报不能延期",
        TipAction.VERIFY: "该举报已核查",
        TipAction.PAY_REWARD: "该举报没有奖励决定",
    },
)


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", "属实"
    UNFOUNDED = "unfounded", "不属实"


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
    status = models.CharField("状态", max_length=12, choices=TipStatus.choices, default=TipStatus.ACCEPTED)
    accepted_on = models.DateField("受理日期")
    verification_due = models.DateField("核查期限")
    extended = models.BooleanField("已延期", default=False)
    extension_reason = models.CharField("延期理由", max_length=400, blank=True)
    verified_on = models.DateField("核查日期", null=True, blank=True)
    outcome = models.CharField("核查结论", max_length=12, choices=Outcome.choices, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    accident_id = models.BigIntegerField("关联事故", null=True, blank=True)
    fine = models.DecimalField("罚款金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    concealed_deaths = models.PositiveIntegerField("瞒报死亡人数", null=True, blank=True)
    reply_due = models.DateField("答复期限", null=True, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)

    scope = ScopePaths(region="region_code", sector=None, enterprise=None)

    class Meta:
        ordering = ["-accepted_on", "-id"]
        indexes = [models.Index(fields=["status", "verification_due"]), models.Index(fields=["region_code", "status"])]

    def __str__(self) -> str:
        return f"举报 #{self.pk}"


class TipMessage(models.Model):
    """A message between the tipster (by receipt) and the handlers; the body is sealed."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField()
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

    def __str__(self) -> str:
        return f"举报 #{self.tip_id} 奖励 {self.amount}"


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
