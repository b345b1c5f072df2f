"""The orders area's part of the ``inspection`` register (DESIGN.md §5), for ``declarations/inspections.py`` to
put in its ``kit.Register``:

- ``EVENTS``: the event kinds the orders area writes on an inspection's chain (its catalogue adds them);
- ``DOCUMENTS``: 现场检查记录, 责令限期整改指令书, 现场处理措施决定书, 整改复查意见书, served by
  ``GET /api/v1/inspections/{id}/documents/{kind}`` (document_data.py);
- ``NOTICES``: the enterprise told of each order and re-inspection;

The re-inspection ladder and the to-do items are orders', declared on the ``order`` register
(declarations/orders.py): their items are orders, not inspections.

``PENALTY_DOCUMENTS`` (行政处罚决定书, subject a ``Penalty``) belongs on the ``penalty`` register (path
``penalties``), so that ``GET /api/v1/penalties/{id}/documents/penalty_decision`` serves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiben.accounts.models import Role
from zhiben.common import kit

from .. import document_data


# --- events ------------------------------------------------------------------------------------------
def _day(value: Any) -> str:
    return str(value or "")


def _order_issued(p: Mapping[str, Any]) -> list[str]:
    lines = [f"《{p.get('label', '')}》，下达日期 {_day(p.get('issued_on'))}"]
    if p.get("deadline"):
        lines.append(f"整改期限 {_day(p.get('deadline'))}，复查期限 {_day(p.get('reinspection_due'))}")
    if p.get("measures"):
        lines.append("现场处理措施：" + "、".join(str(m) for m in p["measures"]))
    count = len(p.get("hazards") or [])
    if count:
        lines.append(f"涉及隐患 {count} 项")
    return lines


def _reinspected(p: Mapping[str, Any]) -> list[str]:
    lines = [
        f"复查日期 {_day(p.get('on'))}：{'合格' if p.get('passed') else '不合格'}",
        f"复查意见：{p.get('verdict', '')}",
    ]
    if p.get("penalty_proposed"):
        lines.append("拟作出行政处罚")
    if p.get("daily_penalty_from"):
        lines.append(f"按日连续处罚自 {_day(p.get('daily_penalty_from'))} 起（安全生产法 第一百一十二条）")
    if p.get("lifted"):
        lines.append("现场处理措施一并解除")
    return lines


EVENTS: tuple[kit.EventKind, ...] = (
    kit.EventKind("order_issued", "下达执法指令", render=_order_issued),
    kit.EventKind("reinspected", "整改复查", render=_reinspected),
    kit.EventKind(
        "measures_lifted",
        "解除现场处理措施",
        render=lambda p: [f"{_day(p.get('on'))} 复查合格，解除：" + "、".join(str(m) for m in p.get("measures") or [])],
    ),
)


# --- documents ---------------------------------------------------------------------------------------
def _spec(kind: str, label: str, prefix: str, context: Any, refusal: Any) -> kit.DocumentSpec:
    return kit.DocumentSpec(
        kind=kind,
        label=label,
        template=f"documents/{kind}.docx",
        context=context,
        issuer=document_data.inspection_issuer,
        prefix=prefix,
        available=lambda subject: refusal(subject) is None,
        refusal=refusal,
    )


# The words of the 文号 follow the national forms: 检记 (现场检查记录), 责改, 现决, 复查, 罚.
DOCUMENTS: tuple[kit.DocumentSpec, ...] = (
    _spec("inspection_record", "现场检查记录", "检记", document_data.inspection_record, document_data.record_refusal),
    _spec("rectify_order", "责令限期整改指令书", "责改", document_data.rectify_order, document_data.rectify_refusal),
    _spec("measures_order", "现场处理措施决定书", "现决", document_data.measures_order, document_data.measures_refusal),
    _spec(
        "reinspection_opinion",
        "整改复查意见书",
        "复查",
        document_data.reinspection_opinion,
        document_data.reinspection_refusal,
    ),
)

PENALTY_DOCUMENTS: tuple[kit.DocumentSpec, ...] = (
    kit.DocumentSpec(
        kind="penalty_decision",
        label="行政处罚决定书",
        template="documents/penalty_decision.docx",
        context=document_data.penalty_decision,
        issuer=document_data.penalty_issuer,
        prefix="罚",
        available=lambda penalty: document_data.penalty_refusal(penalty) is None,
        refusal=document_data.penalty_refusal,
    ),
)


# --- notices ----------------------------------------------------------------------------------------
# The enterprise is told of each order and re-inspection (events on the inspection's chain).
NOTICES: tuple[kit.NotificationRule, ...] = (
    kit.NotificationRule(
        event="order_issued",
        roles=frozenset({Role.ENTERPRISE}),
        title="监管部门下达《{label}》",
        body=lambda v: (
            f"{v['actor']}于 {v.get('issued_on', '')} 下达《{v.get('label', '')}》"
            + (f"，请于 {v['deadline']} 前整改完毕并上传整改佐证材料。" if v.get("deadline") else "，请立即执行。")
        ),
        link="/inspections/{subject.pk}/",
    ),
    kit.NotificationRule(
        event="reinspected",
        roles=frozenset({Role.ENTERPRISE}),
        title=lambda v: "整改复查结论：" + ("合格" if v.get("passed") else "不合格"),
        body="复查日期 {on}。复查意见：{verdict}",
        link="/inspections/{subject.pk}/",
    ),
)
