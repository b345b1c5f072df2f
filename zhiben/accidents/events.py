"""The accident register's event catalogue: each kind's Chinese label and how its payload reads."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma

from zhiben.common import kit

from .models import Grade, RelayLevel


def _money(raw: Any) -> str:
    try:
        return str(intcomma(Decimal(str(raw)).quantize(Decimal("0.01"))))
    except (InvalidOperation, ValueError):
        return str(raw)


def _grade(raw: Any) -> str:
    return Grade(raw).label if raw in Grade.values else str(raw)


def _created(p: Mapping[str, Any]) -> list[str]:
    late = "，迟报" if p.get("late_report") else ""
    missing = f"、下落不明 {p['missing']} 人" if p.get("missing") else ""
    return [
        f"死亡 {p.get('deaths')} 人{missing}、重伤 {p.get('serious_injuries')} 人、"
        f"直接经济损失 {_money(p.get('direct_loss'))} 元，定为{_grade(p.get('grade'))}事故{late}"
    ]


def _supplemented(p: Mapping[str, Any]) -> list[str]:
    before = p.get("before") or {}
    after = p.get("reported") or p.get("after") or {}
    parts = []
    for key, label, unit in (
        ("deaths", "死亡", "人"),
        ("missing", "下落不明", "人"),
        ("serious_injuries", "重伤", "人"),
    ):
        if key not in after:
            continue
        if before.get(key) != after.get(key):
            parts.append(f"{label} {before.get(key)}→{after.get(key)} {unit}")
    if str(before.get("direct_loss")) != str(after.get("direct_loss")):
        parts.append(f"直接经济损失 {_money(before.get('direct_loss'))}→{_money(after.get('direct_loss'))} 元")
    line = f"（{p.get('reported_on')}）{'、'.join(parts) or '数字无变化'}"
    grade_after = (p.get("after") or {}).get("grade")
    if p.get("counted") is False:
        line += f"；已过补报期（至 {p.get('deadline')}），作为后续情况记录，不改变事故数字和等级"
    elif p.get("grade_raised"):
        line += f"；事故等级由{_grade(before.get('grade'))}升为{_grade(grade_after)}"
    elif p.get("grade_lowered"):
        line += f"；事故等级由{_grade(before.get('grade'))}降为{_grade(grade_after)}"
    elif p.get("grade_kept"):  # supplements recorded before grades followed the figures down
        line += f"；按补报数字为{_grade(p.get('grade_by_figures'))}，等级保持{_grade(grade_after)}（不降级）"
    if p.get("reason"):
        line += f"。核减理由：{p['reason']}"
    if p.get("note"):
        line += f"。说明：{p['note']}"
    return [line]


def _level(raw: Any) -> str:
    return RelayLevel(raw).label if raw in RelayLevel.values else str(raw)


def _relayed(p: Mapping[str, Any]) -> list[str]:
    late = "，超过2小时（迟报）" if p.get("late") else ""
    return [f"上报至{_level(p.get('level'))}，时间 {p.get('reported_at')}（应于 {p.get('due')} 前）{late}"]


def _extended(p: Mapping[str, Any]) -> list[str]:
    return [f"延长 {p.get('days')} 日，期限由 {p.get('before')} 延至 {p.get('due')}。理由：{p.get('reason')}"]


def _investigated(p: Mapping[str, Any]) -> list[str]:
    late = "，超过期限" if p.get("late") else ""
    return [
        f"调查报告于 {p.get('submitted_on')} 提交（期限 {p.get('due')}{late}），核定为{_grade(p.get('verified_grade'))}"
        f"事故；批复期限 {p.get('reply_due')}"
    ]


def _replied(p: Mapping[str, Any]) -> list[str]:
    late = "，超过期限" if p.get("late") else ""
    return [f"于 {p.get('replied_on')} 批复（期限 {p.get('due')}{late}）"]


CATALOGUE = kit.EventCatalogue(
    (
        kit.EventKind("created", "登记了事故", render=_created),
        kit.EventKind("supplemented", "补报", render=_supplemented),
        kit.EventKind("relayed", "逐级上报", render=_relayed),
        kit.EventKind("investigation_extended", "延长调查期限", render=_extended),
        kit.EventKind("investigated", "提交调查报告", render=_investigated),
        kit.EventKind("reply_extended", "延长批复期限", render=_extended),
        kit.EventKind("replied", "批复", render=_replied),
    )
)
