"""The tip register's event catalogue: each kind's Chinese label and how its payload reads.

The tipster's identity never appears in a payload (only whether the tip was made under a real name).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiben.common import kit
from zhiben.regions.models import Region

from .models import Category, NoReward, Outcome


def _region_name(code: Any) -> str:
    if not code:
        return "—"
    return Region.objects.filter(code=str(code)).values_list("name", flat=True).first() or str(code)


def _received(p: Mapping[str, Any]) -> list[str]:
    files = int(p.get("files") or 0)
    return [
        f"类别：{dict(Category.choices).get(str(p.get('category')), '其他')}",
        f"区划：{_region_name(p.get('region'))}",
        *([f"照片 {files} 张"] if files else []),
    ]


def _added(p: Mapping[str, Any]) -> list[str]:
    files = int(p.get("files") or 0)
    return [*(["补充了文字说明"] if p.get("text") else []), *([f"照片 {files} 张"] if files else [])]


def _verified(p: Mapping[str, Any]) -> list[str]:
    out = [f"核查结果：{dict(Outcome.choices).get(str(p.get('outcome')), '—')}"]
    if p.get("hazard"):
        out.append(f"关联隐患 #{p['hazard']}")
    if p.get("accident"):
        out.append(f"关联事故 #{p['accident']}")
    if p.get("fine") not in (None, ""):
        out.append(f"罚款 {p['fine']} 元")
    if p.get("reward") not in (None, ""):
        out.append(f"奖励 {p['reward']} 元")
    elif p.get("reward_reason") in NoReward.values:
        out.append(f"不予奖励：{NoReward(p['reward_reason']).label}")
    elif "eligible" in p:
        out.append("不予奖励" if not p.get("eligible") else "")
    return [line for line in out if line]


def _fine_set(p: Mapping[str, Any]) -> list[str]:
    out = [f"罚款 {p.get('fine')} 元（关联行政处罚 {p.get('penalties', 0)} 件）"]
    if p.get("before") not in (None, ""):
        out.append(f"原为 {p['before']} 元")
    if p.get("reward") not in (None, ""):
        out.append(f"奖励重新核定为 {p['reward']} 元")
    if p.get("reward_paid"):
        out.append("奖励已发放，不再变更")
    return out


CATALOGUE = kit.EventCatalogue(
    (
        kit.EventKind("received", "收到举报", render=_received),
        kit.EventKind("reporter_added", "举报人补充情况", render=_added),
        kit.EventKind(
            "reporter_read",
            "查看举报人身份",
            render=lambda p: ["实名举报" if p.get("real_name") else "匿名举报"],
        ),
        kit.EventKind(
            "extended", "延长核查期限", (("verification_due", "核查期限延至"), ("approved_by", "批准延期的上一级部门"))
        ),
        kit.EventKind("verified", "核查完毕", render=_verified),
        kit.EventKind("replied", "答复举报人"),
        kit.EventKind("message_sent", "向举报人发送消息"),
        kit.EventKind(
            "reward_paid",
            "发放举报奖励",
            render=lambda p: [
                f"发放日期：{p.get('paid_on')}",
                f"金额（元）：{p.get('amount')}",
                *(["超过领取期限，已记录举报人说明的理由"] if p.get("late") else []),
            ],
        ),
        kit.EventKind("reward_notified", "通知举报人领取奖励", (("claim_due", "领取期限"),)),
        kit.EventKind("objected", "举报人提出异议", (("review_due", "复核期限"),)),
        kit.EventKind("reviewed", "完成复核并告知举报人"),
        kit.EventKind("fine_set", "罚款金额按行政处罚登记更新", render=_fine_set),
    )
)
