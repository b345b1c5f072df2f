"""The data of the tip's reply to the tipster (举报答复书), declared in register.py.

The reply states the facts found and the handling, and tells the tipster of the 10 days to object
(应急〔2023〕106号, FACTS §3). It is addressed to 举报人 and names the tip by its number only: never the
receipt code, never a name, phone or ID number (identity is sealed and read only through
``services.tip_reporter``, which this module never calls), nor the tip's own text.
"""

from __future__ import annotations

from typing import Any

from zhiben.audit.selectors import events_of

from .models import Category, Outcome, Tip, TipReward, TipStatus
from .selectors import tip_messages


def is_verified(tip: Tip) -> bool:
    """A reply can be drawn up once the tip is verified (and after the reply is sent)."""
    return tip.status in (TipStatus.VERIFIED, TipStatus.REPLIED)


def reply_issuer(tip: Tip) -> tuple[str, str]:
    """The emergency management bureau (应急管理局) of the tip's county (12350 is theirs)."""
    county = tip.region.parent if tip.region.is_township and tip.region.parent else tip.region
    return f"{county.code}:应急", f"{county.name}应急管理局"


def _findings(tip: Tip) -> list[str]:
    if tip.outcome != Outcome.CONFIRMED:
        return []
    out = []
    if tip.hazard_id:
        out.append("该问题已作为重大事故隐患登记，我局将督促被举报单位限期整改并跟踪销号。")
    if tip.accident_id:
        out.append("该事故已依法纳入调查处理。")
    if tip.fine:
        out.append(f"已依法对被举报单位作出罚款{tip.fine:,.2f}元的行政处罚。")
    return out


def _reply(tip: Tip) -> list[str]:
    """The reply sent to the tipster: the message its ``replied`` event names (tips replied before the
    event named it: the first handler message on or after the verification day)."""
    replied = events_of(subject_type="tip", subject_id=str(tip.pk)).filter(kind="replied").first()
    chosen = replied.payload.get("message") if replied is not None else None
    for message in tip_messages(tip):
        if message["from"] != "handler":
            continue
        if message["id"] == chosen or (chosen is None and tip.verified_on and message["on"] >= tip.verified_on):
            return [line.strip() for line in str(message["body"]).splitlines() if line.strip()]
    return ["我局将依法继续做好后续处理工作。"]


def _reward(tip: Tip) -> str:
    reward = TipReward.objects.filter(tip=tip).first()
    if reward is None:
        # why no reward is due (《安全生产领域举报奖励办法》): the reason recorded at verification
        return (
            f"经认定，本次举报不予奖励：{tip.reward_reason_text}。"
            if tip.reward_reason
            else "本次举报不属于举报奖励范围。"
        )
    if not reward.eligible:
        return f"经认定，本次举报不予奖励：{reward.basis}。"
    text = (
        f"经认定，您的举报符合《安全生产领域举报奖励办法》规定的奖励条件，奖励金额为{reward.amount:,.2f}元"
        f"（{reward.basis}）。"
    )
    if reward.paid_on:
        return text + f"奖金已于{reward.paid_on.year}年{reward.paid_on.month}月{reward.paid_on.day}日发放。"
    if tip.claim_due:
        due = tip.claim_due
        return text + f"请于{due.year}年{due.month}月{due.day}日前持举报回执码到我局领取，逾期未领取视为放弃。"
    return text + "我局将另行通知您领取，请自接到领奖通知之日起60日内领取。"


def reply(tip: Tip, actor: Any) -> dict[str, Any]:
    """The reply's data (no identity: see the module's docstring)."""
    place = "".join((tip.region.full_name or tip.region.name).split()) + (tip.enterprise_name or "")
    matter = f"{place}有关安全生产" if tip.category == Category.OTHER else f"{place}涉嫌{tip.get_category_display()}"
    confirmed = tip.outcome == Outcome.CONFIRMED
    return {
        "accepted_on": tip.accepted_on,
        "matter": matter,
        "reference": tip.pk,
        "outcome": f"经核查，您反映的问题{'属实' if confirmed else '不属实'}。",
        "findings": _findings(tip),
        "reply": _reply(tip),
        "reward": _reward(tip),
    }
