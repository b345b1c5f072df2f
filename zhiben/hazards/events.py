"""The hazard register's event catalogue (全过程记录): each kind's Chinese label and how its payload reads.

One renderer for the timeline page, the API (``label``, ``text``) and the timeline export.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from zhiben.common import kit

from .models import Level, Source, SupervisionLevel

EVENT_KINDS = {
    "created": "登记隐患",
    "planned": "制定整改方案",
    "plan_revised": "修改整改方案",
    "attachment_added": "上传佐证材料",
    "submitted": "申请销号",
    "approved": "审核通过",
    "rejected": "退回整改",
    "closed": "销号",
    "cancel_proposed": "提议撤销（待另一名监管人员确认）",
    "cancelled": "撤销",
    "listed": "挂牌督办",
    "relisted": "重新挂牌督办",
    "delisted": "摘牌",
    "extension_requested": "申请延期",
    "extension_approved": "批准延期",
    "extension_rejected": "不批准延期",
    "reported": "记录报告（双报告）",
    "escalated": "期限督办",  # 临期提醒 before the deadline, 提醒 · 函告 · 通报 · 约谈 after it
    "updated": "台账导入更新",
    "region_changed": "随企业变更所在区划",
    "sector_changed": "随企业变更行业领域",
    "deadline_ordered": "责令限期整改",
    "closed_on_reinspection": "复查合格",
}
REPORT_TO = {"regulator": "监管部门", "workers_congress": "职工代表大会"}
CLOSED_BY = {"enterprise_self": "企业自行整改销号", "review": "审核销号", "reinspection": "复查合格销号"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _join(*parts: str) -> str:
    return "，".join(p for p in parts if p)


def event_summary(kind: str, payload: Mapping[str, Any]) -> str:
    """A readable line for an event's payload (the detail page's wording, with a little more detail)."""
    text = {k: _text(v) for k, v in payload.items() if not isinstance(v, list | dict)}

    def part(key: str, template: str = "{}", labels: dict[str, str] | None = None) -> str:
        value = text.get(key, "")
        if labels is not None:
            value = labels.get(value, value)
        return template.format(value) if value else ""

    if kind == "created":
        return _join(
            f"《{text.get('title', '')}》",  # the label already says 登记隐患
            part("level", labels=dict(Level.choices)),
            part("source", labels=dict(Source.choices)),
            part("location", "部位 {}"),
            part("criterion", "依据 {}"),
            part("discovered_on", "发现日期 {}"),
            part("deadline", "整改期限 {}"),
        )
    if kind in ("planned", "plan_revised"):
        return _join(
            part("responsible_person", "责任人 {}"),
            part("deadline", "期限 {}"),
            part("funds", "资金 {} 元"),
            part("measures", "措施：{}"),
            part("interim_measures", "整改期间安全措施：{}"),
        )
    if kind == "attachment_added":
        return f"《{text.get('name') or '未命名'}》"
    if kind == "submitted":
        count = len(payload.get("attachments") or [])
        return part("summary") + (f"（附 {count} 个佐证材料）" if count else "")
    if kind in ("approved", "rejected"):
        return part("comment")
    if kind == "closed":
        return _join(part("closed_on", "销号日期 {}"), part("by", labels=CLOSED_BY))
    if kind in ("cancelled", "cancel_proposed"):
        return part("reason")
    if kind == "delisted":
        return _join(part("on", "摘牌日期 {}"), part("reason", "理由：{}"))
    if kind == "extension_requested":
        return _join(part("current", "原期限 {}"), part("deadline", "申请延至 {}"), part("reason", "理由：{}"))
    if kind in ("extension_approved", "extension_rejected"):
        late = payload.get("overdue_days") or 0
        return _join(
            part("previous", "原期限 {}"),
            part("deadline", "延至 {}" if kind == "extension_approved" else "申请延至 {}"),
            f"原期限已逾期 {late} 天" if late else "",
            part("comment", "意见：{}"),
        )
    if kind in ("listed", "relisted"):
        return _join(
            part("level", labels=dict(SupervisionLevel.choices)),
            part("notice_no", "文号 {}"),
            part("listed_on", "挂牌日期 {}"),
            part("deadline", "督办期限 {}"),
        )
    if kind == "deadline_ordered":
        return _join(part("deadline", "整改期限 {}"), part("previous", "原期限 {}"))
    if kind == "closed_on_reinspection":
        count = len(payload.get("attachments") or [])
        return _join(
            part("on", "复查日期 {}"),
            part("verdict", "复查意见：{}"),
            f"随复查上传佐证材料 {count} 个" if count else "",
        )
    if kind == "region_changed":
        return _join(part("from", "原区划 {}"), part("to", "现区划 {}"))
    if kind == "sector_changed":
        return _join(part("from", "原行业领域 {}"), part("to", "现行业领域 {}"))
    if kind == "reported":
        return _join(part("to", labels=REPORT_TO), part("on"))
    if kind == "escalated":
        if text.get("source") == "plan":  # a major hazard still without a plan (五落实)
            if text.get("step") == "due_soon":
                return _join(part("label"), part("deadline", "应于 {} 前制定整改方案"))
            return _join(part("label"), part("deadline", "超过制定整改方案期限 {}"))
        if text.get("step") == "due_soon":  # a reminder before the deadline: nothing is late yet
            return _join(part("label"), part("deadline", "整改期限 {}"))
        return _join(part("label"), part("deadline", "超过整改期限 {}"))
    return json.dumps(payload, ensure_ascii=False, cls=DjangoJSONEncoder, sort_keys=True) if payload else ""


def _renderer(kind: str) -> Callable[[Mapping[str, Any]], list[str]]:
    def render(payload: Mapping[str, Any]) -> list[str]:
        return [event_summary(kind, payload)]

    return render


CATALOGUE = kit.EventCatalogue(
    tuple(kit.EventKind(kind, label, render=_renderer(kind)) for kind, label in EVENT_KINDS.items())
)
