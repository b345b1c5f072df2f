"""The penalties register (行政处罚) on the register kit: its event catalogue and its menu entry. Its documents (the
行政处罚决定书) are the orders area's, declared in ``orders_parts.PENALTY_DOCUMENTS``; its two enforcement ledgers
(执法检查台账 and 行政处罚台账, ``ledgers.py``) are attached in ``register.py``: they write through the services,
which import the declarations (the draws' lifecycle), so the declarations may not import them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiben.common import kit

from ..models import PaymentStatus, PenaltyKind
from ..selectors.penalties import penalty_get
from . import orders_parts

_KINDS = dict(PenaltyKind.choices)
_PAYMENT = dict(PaymentStatus.choices)
_LABELS = {
    "kind": "处罚种类",
    "decided_on": "决定日期",
    "amount": "罚款金额（元）",
    "basis": "处罚依据",
    "facts": "违法事实",
    "person": "被处罚人",
    "person_post": "职务",
    "person_amount": "对个人罚款（元）",
    "major_hazard": "针对重大事故隐患",
    "daily": "按日连续处罚",
    "daily_from": "按日连续处罚起始日",
    "daily_amount": "按日罚款（元/日）",
    "payment": "缴纳情况",
    "paid_amount": "已缴金额（元）",
    "paid_on": "缴纳日期",
    "enforcement_note": "执行情况",
}


def _shown(key: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "kind":
        return _KINDS.get(str(value), str(value))
    if key == "payment":
        return _PAYMENT.get(str(value), str(value))
    return str(value)


def _recorded(p: Mapping[str, Any]) -> list[str]:
    out = [
        f"{_KINDS.get(str(p.get('kind')), '处罚')}：{p.get('amount')} 元",
        f"决定日期：{p.get('decided_on')}",
        f"处罚依据：{p.get('basis')}",
    ]
    if p.get("person_amount") not in (None, "", "0", "0.00"):
        out.append(f"对个人罚款：{p['person_amount']} 元")
    if p.get("major_hazard"):
        out.append("针对重大事故隐患")
    if p.get("daily"):
        out.append(f"按日连续处罚：自 {p.get('daily_from')} 起每日 {p.get('daily_amount')} 元")
    for key, label in (("external_ref", "决定书文号"), ("inspection", "检查"), ("hazard", "隐患"), ("tip", "举报")):
        if p.get(key):
            out.append(f"{label}：{'#' if key != 'external_ref' else ''}{p[key]}")
    if isinstance(p.get("import"), Mapping):
        out.append(f"台账导入：{p['import'].get('file', '')} 第 {p['import'].get('row', '')} 行")
    return out


def _changed(p: Mapping[str, Any]) -> list[str]:
    found = p.get("changes")
    changes: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    out = []
    for key, pair in changes.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            out.append(f"{_LABELS.get(key, '其他')}：{_shown(key, pair[0])} → {_shown(key, pair[1])}")
    return out


EVENTS = kit.EventCatalogue(
    (
        kit.EventKind("recorded", "登记行政处罚", render=_recorded),
        kit.EventKind("updated", "更正行政处罚（台账）", render=_changed),
        kit.EventKind("payment_recorded", "登记缴纳和执行情况", render=_changed),
    )
)

PENALTY_REGISTER = kit.register(
    kit.Register(
        name="penalty",
        label="行政处罚",
        path="penalties",
        app_label="inspections",
        get_scoped=kit.scoped_get(lambda actor, key: penalty_get(actor=actor, penalty_id=key), "行政处罚记录不存在"),
        events=EVENTS,
        nav=kit.NavEntry("行政处罚", "penalty-list", frozenset(), order=57),
        # the enforcement ledgers (both are 执法台账), attached by register.py
        ledgers=(),
        documents=orders_parts.PENALTY_DOCUMENTS,
    )
)
