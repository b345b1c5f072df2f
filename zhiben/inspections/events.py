"""The inspection's event catalogue (全过程记录): each kind's Chinese label and how its payload reads, shared by
the page's timeline, the API and the exports (``kit.event_view``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiben.common import kit

from .models import CheckResult, InspectionFlag, InspectionKind, TeamRole

KINDS = dict(InspectionKind.choices)
FLAGS = dict(InspectionFlag.choices)
ROLES = dict(TeamRole.choices)
RESULTS = dict(CheckResult.choices)
LEVELS = {"major": "重大隐患", "general": "一般隐患"}


def _created(p: Mapping[str, Any]) -> list[str]:
    team = p.get("team") or []
    people = "、".join(
        f"{m.get('name', '')}（{ROLES.get(str(m.get('role')), '')}"
        + (f"，{m['certificate_no']}" if m.get("certificate_no") else "")
        + "）"
        for m in team
        if isinstance(m, Mapping)
    )
    start = p.get("start") or {}
    flags = p.get("flags") or []
    begun = {"plan_item": "计划检查对象", "draw": "双随机抽查", "tip": "举报"}
    out = [
        f"检查日期：{p.get('on', '')}",
        f"检查方式：{KINDS.get(str(p.get('kind')), '其他')}",
        *(["检查形式：" + "、".join(FLAGS.get(str(f), str(f)) for f in flags)] if flags else []),
        *([f"检查组：{people}"] if people else []),
        *(f"来自{begun[k]} #{v}" for k, v in start.items() if k in begun and v),
        f"检查项 {p.get('items', 0)} 项",
    ]
    if p.get("refusal"):
        out.append(str(p["refusal"]))
    return out


def _recorded(p: Mapping[str, Any]) -> list[str]:
    counts = p.get("results") or {}
    parts = [f"{RESULTS.get(str(k), str(k))} {n} 项" for k, n in counts.items() if n]
    added = p.get("added") or []
    return [
        *(["记录：" + "，".join(parts)] if parts else []),
        *([f"新增检查项 {len(added)} 项：" + "；".join(str(t) for t in added)] if added else []),
    ]


def _finding(p: Mapping[str, Any]) -> list[str]:
    return [
        f"隐患 #{p.get('hazard', '')}：{p.get('title', '')}",
        f"级别：{LEVELS.get(str(p.get('level')), '')}",
        *([f"判定依据：{p['criterion']}"] if p.get("criterion") else []),
        *([f"检查项第 {p['position']} 项"] if p.get("position") else []),
        *([f"整改期限：{p['deadline']}"] if p.get("deadline") else []),
        *(["有问题查不出：企业自查未发现同类问题"] if p.get("self_check_missed") else []),
    ]


def _completed(p: Mapping[str, Any]) -> list[str]:
    who = p.get("acknowledged_by", "")
    signed = "被检查单位拒绝签字" if p.get("acknowledgement_refused") else f"被检查单位签字人：{who}"
    counts = p.get("results") or {}
    parts = [f"{RESULTS.get(str(k), str(k))} {n} 项" for k, n in counts.items() if n]
    return [signed, *(["检查结果：" + "，".join(parts)] if parts else []), f"发现问题 {p.get('findings', 0)} 项"]


def _imported(p: Mapping[str, Any]) -> list[str]:
    """An inspection brought in from another system's ledger (执法台账, services/ledgers.py)."""
    flags = p.get("flags") or []
    team = [str(m) for m in p.get("team") or []]
    return [
        f"检查日期：{p.get('on', '')}",
        f"检查方式：{KINDS.get(str(p.get('kind')), '其他')}",
        *(["检查形式：" + "、".join(FLAGS.get(str(f), str(f)) for f in flags)] if flags else []),
        *([f"检查组：{'、'.join(team)}"] if team else []),
        f"台账记载发现问题 {p.get('findings', 0)} 项（其中重大事故隐患 {p.get('major_findings', 0)} 项）",
        *([f"台账文书编号：{p['ledger_ref']}"] if p.get("ledger_ref") else []),
    ]


_LEDGER_FIELDS = {
    "kind": "检查方式",
    "flags": "检查形式",
    "summary": "检查情况",
    "ledger_findings": "台账记载发现问题数",
    "ledger_major_findings": "台账记载重大事故隐患数",
    "team": "检查组",
}


def _ledger_updated(p: Mapping[str, Any]) -> list[str]:
    changes = p.get("changes")
    found: Mapping[str, Any] = changes if isinstance(changes, Mapping) else {}

    def shown(key: str, value: Any) -> str:
        if key == "kind":
            return KINDS.get(str(value), str(value))
        if isinstance(value, list):
            return "、".join(FLAGS.get(str(v), str(v)) for v in value) or "无"
        return str(value) if value not in (None, "") else "—"

    return [
        f"{_LEDGER_FIELDS.get(k, '其他')}：{shown(k, pair[0])} → {shown(k, pair[1])}"
        for k, pair in found.items()
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]


CATALOGUE = kit.EventCatalogue(
    (
        kit.EventKind("created", "登记检查", render=_created),
        kit.EventKind("items_recorded", "记录检查结果", render=_recorded),
        kit.EventKind("finding_added", "发现问题，生成隐患", render=_finding),
        kit.EventKind(
            "photo_added",
            "上传现场照片",
            render=lambda p: [
                str(p.get("name") or "照片"),
                *([f"检查项第 {p['position']} 项"] if p.get("position") else []),
            ],
        ),
        kit.EventKind("completed", "检查完毕", render=_completed),
        # brought in or corrected by an inspection ledger (执法台账导入, services/ledgers.py)
        kit.EventKind("imported", "台账导入检查记录", render=_imported),
        kit.EventKind("ledger_updated", "台账更正检查记录", render=_ledger_updated),
    )
)
