"""The fire determination (GB 35181 综合判定): composite elements counted by type of place against a threshold.

GB 35181-2017 第7章 (2025: 第6章): a composite element (综合判定要素) is never a major fire hazard by itself; a
determination holds when the elements found at one place reach the threshold of its type of place ("以上"
includes the number). Thresholds and places come from the data file (GB35181.toml ``[[clause.place]]``); per
FACTS.md §2, text not read: 人员密集场所 3, 易燃易爆化学物品场所 3, 重要场所 4, other places 6.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from zhiben.common.validators import clean_choice

from .models import Criterion, Kind


def places(determination: Criterion) -> list[dict[str, Any]]:
    """The determination's types of place: ``[{"key", "name", "threshold", "elements"}]`` (``elements``
    empty: every composite element of the standard counts)."""
    return list((determination.rule or {}).get("places", []))


def place_key(determination: Criterion, typed: str) -> str | None:
    """The key of the type of place ``typed`` names, as people write it in a form or a ledger (``crowded``,
    人员密集场所, 人员密集), or None when it names none of the determination's places."""
    choices = [(p["key"], p["name"]) for p in places(determination)]
    choices += [(p["key"], str(p["name"]).removesuffix("场所")) for p in places(determination)]
    try:
        return clean_choice(typed, label="场所类别", choices=choices, allow_blank=False) or None
    except ValueError:
        return None


def determination_errors(
    determination: Criterion, elements: Iterable[str], place_type: str, in_force: Mapping[str, Criterion]
) -> dict[str, str]:
    """What is wrong with citing ``determination`` for ``elements`` at a place of ``place_type``, by field
    (``place_type``, ``elements``), or ``{}``. ``in_force`` maps the codes of the standard's composite
    elements in force on the discovery date to the clauses."""
    kinds = {p["key"]: p for p in places(determination)}
    names = "、".join(p["name"] for p in kinds.values())
    place = kinds.get(place_key(determination, place_type) or "")
    if place is None:
        return {"place_type": f"综合判定须选择场所类别：{names}"}
    codes = list(elements)
    if len(set(codes)) != len(codes):
        return {"elements": "综合判定要素有重复"}
    for code in codes:
        if code not in in_force:
            return {"elements": f"{code} 不是 {determination.standard.number} 在隐患发现日期有效的综合判定要素"}
        if place["elements"] and code not in place["elements"]:
            return {"elements": f"{code} 不计入{place['name']}的综合判定要素"}
    if len(codes) < place["threshold"]:
        return {
            "elements": (
                f"{place['name']}须有综合判定要素{place['threshold']}条以上（含本数）才判定为重大火灾隐患，"
                f"现列出{len(codes)}条"
            )
        }
    return {}


def is_determination(c: Criterion | None) -> bool:
    return c is not None and c.kind == Kind.DETERMINATION
