"""The accident register's event catalogue: each kind's Chinese label and how its payload reads."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma

from zhiben.common import kit

from .models import Grade


def _money(raw: Any) -> str:
    try:
        return str(intcomma(Decimal(str(raw)).quantize(Decimal("0.01"))))
    except (InvalidOperation, ValueError):
        return str(raw)


def _grade(raw: Any) -> str:
    return Grade(raw).label if raw in Grade.values else str(raw)


def _created(p: Mapping[str, Any]) -> list[str]:
    late = "，迟报" if p.get("late_report") else ""
    return [
        f"死亡 {p.get('deaths')} 人、重伤 {p.get('serious_injuries')} 人、"
        f"直接经济损失 {_money(p.get('direct_loss'))} 元，定为{_grade(p.get('grade'))}事故{late}"
    ]


def _supplemented(p: Mapping[str, Any]) -> list[str]:
    before, after = p.get("before") or {}, p.get("after") or {}
    parts = []
    for key, label, unit in (("deaths", "死亡", "人"), ("serious_injuries", "重伤", "人")):
        if before.get(key) != after.get(key):
            parts.append(f"{label} {before.get(key)}→{after.get(key)} {unit}")
    if str(before.get("direct_loss")) != str(after.get("direct_loss")):
        parts.append(f"直接经济损失 {_money(before.get('direct_loss'))}→{_money(after.get('direct_loss'))} 元")
    line = f"（{p.get('reported_on')}）{'、'.join(parts) or '数字无变化'}"
    if p.get("grade_raised"):
        line += f"；事故等级由{_grade(before.get('grade'))}升为{_grade(after.get('grade'))}"
    elif p.get("grade_kept"):
        line += f"；按补报数字为{_grade(p.get('grade_by_figures'))}，等级保持{_grade(after.get('grade'))}（不降级）"
    if p.get("note"):
        line += f"。说明：{p['note']}"
    return [line]


CATALOGUE = kit.EventCatalogue(
    (
        kit.EventKind("created", "登记了事故", render=_created),
        kit.EventKind("supplemented", "补报", render=_supplemented),
    )
)
