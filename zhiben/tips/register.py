"""The tip register's declaration (DESIGN.md §5): what the platform engines read of it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiben.accounts.models import Role
from zhiben.common import kit

from . import document_data
from .events import CATALOGUE
from .filters import TipFilterSet
from .models import LIFECYCLE, Tip, TipEscalation, TipStatus
from .selectors import tip_get, tip_list

# The record if the actor may see it; NotFound otherwise (missing and forbidden look alike).
get_scoped = kit.scoped_get(lambda actor, key: tip_get(actor=actor, tip_id=key), "举报不存在")


def _deadline(key: str, label: str, due: str, **waiting: Any) -> kit.DeadlineSource:
    """A deadline of the tips that ``waiting`` (field lookups) picks, by the day at field path ``due``."""
    return kit.DeadlineSource(
        key=key,
        label=label,
        subject="tip",
        items=lambda: Tip.objects.filter(**waiting, **{f"{due}__isnull": False}),
        record=lambda: TipEscalation,
        columns={"tip_id": "id", "due": due, "region_code": "region_code"},
        subject_column="tip_id",
        due_column="due",
        day_column="day",
        digest_columns=("id", "tip_id", "step", "due", "day"),
        region_column="region_code",
    )


def _notices(source: str, what: str, late: str, link: str = "/tips/?overdue=1") -> tuple[kit.NotificationRule, ...]:
    """The sweep's digests of one source, to the regulators whose region holds the tip (never an
    enterprise: tips are not theirs to see): the days coming, then the ladder climbed. ``what`` names the
    deadlines in the titles, ``late`` says in the body what was missed."""
    return (
        kit.NotificationRule(
            event=kit.OnDeadline(source, (kit.DUE_SOON,)),
            roles=REGULATORS,
            title="{day} 举报" + what + "期限临近：{counts}",
            body="以下{label}将在 {days} 日内到期，请按期完成：\n{lines}",
            link="/tips/?overdue=false",
        ),
        kit.NotificationRule(
            event=kit.OnDeadline(source, kit.LADDER),
            roles=REGULATORS,
            title="{day} 举报" + what + "超期：{counts}",
            body="以下举报已超过" + late + "期限，请尽快办理：\n{lines}",
            link=link,
        ),
    )


# Enterprise users never see tips.
REGULATORS = frozenset({Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER})

# 《安全生产领域举报奖励办法》: verification within 60 days of acceptance, the reply within 10 days of it;
# 应急〔2023〕106号 (per FACTS.md, text not read): the re-review within 30 days of the reporter's objection;
# the reward claimed within 60 days of its notice — while unpaid, the department's to pay within it. The
# reporter's own 10 days to object wait on nobody in the department, so they are not on the ladder.
DEADLINES = (
    _deadline("tip_verification", "举报核查期限", "verification_due", status=TipStatus.ACCEPTED),
    _deadline("tip_reply", "举报答复期限", "reply_due", status=TipStatus.VERIFIED),
    _deadline("tip_review", "举报异议复核期限", "review_due", reviewed_on__isnull=True),
    _deadline("tip_claim", "举报奖励领取期限", "claim_due", reward__paid_on__isnull=True),
)


def _reply_body(values: Mapping[str, Any]) -> str:
    due = values["subject"].reply_due
    return f"{values['actor']}完成了核查，请" + (f"在答复期限 {due:%Y-%m-%d} 前" if due else "按期") + "答复举报人。"


# Who handles a tip's next step: the tip handlers in scope (officers read tips, the handlers work them).
TIP_HANDLERS = frozenset({Role.TIP_HANDLER})

# Who is told what: the deadlines' digests, and the tip handlers in scope of each step that waits on them
# (a tip to verify, a verified tip to reply to). The tipster's own step is told dated, not timed: a notice's
# time would date what the event log keeps to the day (services._log).
NOTICES = (
    *_notices("tip_verification", "核查或答复", "核查（60日，可延长一次30日）或答复（核查后10日）"),
    *_notices("tip_reply", "核查或答复", "核查（60日，可延长一次30日）或答复（核查后10日）"),
    *_notices("tip_review", "异议复核", "异议复核（异议后30日）"),
    *_notices("tip_claim", "奖励领取", "奖励领取（领奖通知后60日，请督促发放）", "/tips/?claim_expired=1"),
    kit.NotificationRule(
        event="received",
        roles=TIP_HANDLERS,
        title="新举报待核查（{subject.region.name}）",
        body="收到一件群众举报，请在核查期限 {subject.verification_due:%Y-%m-%d} 前核查。",
        link="/tips/{subject.pk}/",
        dated=True,
    ),
    kit.NotificationRule(
        event="verified",
        roles=TIP_HANDLERS,
        title="举报已核查，待答复（{subject.region.name}）",
        body=_reply_body,
        link="/tips/{subject.pk}/",
    ),
)


def _tip_title(tip: Tip) -> str:
    where = tip.enterprise_name or tip.region.name
    return f"{tip.get_category_display()}：{where}（受理 {tip.accepted_on:%Y-%m-%d}）"


# the tip handlers and the admins (who may take every step) work the tips; officers read them
TIP_WORKERS = TIP_HANDLERS | {Role.ADMIN}

# What waits on the tip handlers in scope (待办): verification within its deadline, then the reply.
WAITING = (
    kit.TodoSource(
        "tip_verify",
        "待核查举报",
        TIP_WORKERS,
        lambda actor, today: tip_list(actor=actor).filter(status=TipStatus.ACCEPTED),
        url="/tips/{record.pk}/",
        title=_tip_title,
        due="verification_due",
        order=60,
    ),
    kit.TodoSource(
        "tip_reply",
        "待答复举报人",
        TIP_WORKERS,
        lambda actor, today: tip_list(actor=actor).filter(status=TipStatus.VERIFIED),
        url="/tips/{record.pk}/",
        title=_tip_title,
        due="reply_due",
        order=70,
    ),
    kit.TodoSource(
        "tip_review",
        "待复核的举报异议",
        TIP_WORKERS,
        lambda actor, today: tip_list(actor=actor).filter(status=TipStatus.OBJECTED),
        url="/tips/{record.pk}/",
        title=_tip_title,
        due="review_due",
        order=72,
    ),
    kit.TodoSource(
        "tip_reward_notice",
        "待通知领取的举报奖励",
        TIP_WORKERS,
        lambda actor, today: tip_list(actor=actor).filter(reward__isnull=False, reward__notified_on__isnull=True),
        url="/tips/{record.pk}/",
        title=_tip_title,
        order_by=("verified_on",),
        order=74,
    ),
    kit.TodoSource(
        "tip_claim",
        "待发放的举报奖励",
        TIP_WORKERS,
        lambda actor, today: tip_list(actor=actor).filter(
            reward__notified_on__isnull=False, reward__paid_on__isnull=True
        ),
        url="/tips/{record.pk}/",
        title=_tip_title,
        due="claim_due",
        order=76,
    ),
)

DOCUMENTS = (
    kit.DocumentSpec(
        kind="reply",
        label="举报答复书",
        template="documents/reply.docx",
        context=document_data.reply,
        issuer=document_data.reply_issuer,
        prefix="答",
        available=document_data.is_verified,
    ),
)


REGISTER = kit.register(
    kit.Register(
        name="tip",
        label="群众举报",
        path="tips",
        app_label="tips",
        get_scoped=get_scoped,
        events=CATALOGUE,
        filters=TipFilterSet,
        documents=DOCUMENTS,
        lifecycle=LIFECYCLE,
        nav=kit.NavEntry("群众举报", "tip-queue", REGULATORS, order=70),
        deadline_sources=DEADLINES,
        notification_rules=NOTICES,
        todo=WAITING,
    )
)
