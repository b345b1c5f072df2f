"""The risk register (风险分级管控清单, issue 15) on the register kit: its event catalogue (the units' timelines — a
unit's events and control measures are written on the unit), the enterprise settings' catalogue, the menu entry
双重预防, and its section on an enterprise's page (the grade the register gives, beside the level the regulator
recorded)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiben.common import kit

from .. import rules
from ..models import Method, UnitKind
from ..selectors import profiles_visible, units_visible
from .interface import UNIT_EVENT_KINDS
from .map import UNIT_MAP_EVENTS

_KINDS = dict(UnitKind.choices)
_METHODS = dict(Method.choices)


def _grade(p: Mapping[str, Any]) -> list[str]:
    grade = rules.GRADE_NAMES.get(str(p.get("grade", "")), "")
    factors = " × ".join(f"{k.upper()}={p[k]}" for k in ("l", "e", "c", "likelihood", "severity") if k in p)
    lines = [f"风险事件：{p.get('name', '')}"]
    if factors:
        lines.append(f"{factors}，风险值 {p.get('score', '')}（{grade}）")
    return lines


def _measure(p: Mapping[str, Any]) -> list[str]:
    c1 = str(p.get("classify1", ""))
    lines = [f"管控措施：{p.get('description', '')}"]
    if c1:
        c2 = rules.CLASSIFY2.get(c1, {}).get(str(p.get("classify2", "")), "")
        lines.append(f"管控方式：{rules.CLASSIFY1.get(c1, '')}{' · ' + c2 if c2 else ''}")
    return lines


def _fields(p: Mapping[str, Any]) -> list[str]:
    labels = {
        "name": "名称",
        "kind": "单元类型",
        "hazard_source_code": "重大危险源编码",
        "department": "责任部门",
        "responsible": "责任人",
        "consequence": "可能导致的事故类型",
        "description": "管控措施",
        "classify1": "管控方式",
        "classify2": "管控措施分类",
        "classify3": "管控措施细类",
        "content": "隐患排查内容",
        "l": "L",
        "e": "E",
        "c": "C",
        "likelihood": "L（可能性）",
        "severity": "S（严重性）",
        "score": "风险值",
        "grade": "风险等级",
    }
    changed = [labels.get(str(f), "") for f in p.get("fields", [])]
    return [f"变更项：{'、'.join(c for c in changed if c)}"] if changed else []


UNIT_EVENTS = kit.EventCatalogue(
    (
        kit.EventKind(
            "unit_created",
            "登记风险分析单元",
            render=lambda p: [
                f"{p.get('name', '')}（{_KINDS.get(str(p.get('kind')), '')}）",
                f"责任部门：{p.get('department', '')}；责任人：{p.get('responsible', '')}",
            ],
        ),
        kit.EventKind("unit_changed", "变更风险分析单元", render=lambda p: [str(p.get("name", "")), *_fields(p)]),
        kit.EventKind(
            "unit_deleted",
            "删除风险分析单元",
            render=lambda p: [
                f"{p.get('name', '')}：同时删除风险事件 {p.get('events', 0)} 项",
                f"停止排查任务 {p.get('tasks_stopped', 0)} 项",
            ],
        ),
        kit.EventKind("event_created", "登记风险事件", render=_grade),
        kit.EventKind("event_changed", "变更风险事件", render=lambda p: [*_grade(p), *_fields(p)]),
        kit.EventKind(
            "event_deleted",
            "删除风险事件",
            render=lambda p: [f"{p.get('name', '')}：停止排查任务 {p.get('tasks_stopped', 0)} 项"],
        ),
        kit.EventKind("measure_created", "登记管控措施", render=_measure),
        kit.EventKind("measure_changed", "变更管控措施", render=lambda p: [*_measure(p), *_fields(p)]),
        kit.EventKind(
            "measure_deleted",
            "删除管控措施",
            render=lambda p: [f"{p.get('description', '')}：停止排查任务 {p.get('tasks_stopped', 0)} 项"],
        ),
        # placing a unit on the four-colour map is written on the unit's chain too
        *UNIT_MAP_EVENTS,
        # and an import through the national interface or the 风险分级管控清单 ledger
        *UNIT_EVENT_KINDS,
    )
)


def _profile_lines(p: Mapping[str, Any]) -> list[str]:
    lines = []
    if isinstance(p.get("method"), list) and len(p["method"]) == 2:
        before, after = (_METHODS.get(str(v), str(v)) for v in p["method"])
        lines.append(f"风险评价方法：{before} → {after}")
    if isinstance(p.get("safety_manager"), list) and len(p["safety_manager"]) == 2:
        before, after = (v or "未指定" for v in p["safety_manager"])
        lines.append(f"安全管理负责人：{before} → {after}")
    return lines


PROFILE_EVENTS = kit.EventCatalogue((kit.EventKind("set", "变更双重预防设置", render=_profile_lines),))


def enterprise_panel(actor: Any, enterprise: Any) -> dict[str, Any]:
    """The register's section on an enterprise's page: the grade its register gives (with the reason), beside the
    level the regulator recorded, and how many live units it holds — within ``actor``'s scope."""
    profile = profiles_visible(actor).filter(enterprise_id=enterprise.pk).first()
    units = units_visible(actor).filter(enterprise_id=enterprise.pk, deleted=False).count()
    grade = profile.grade if profile is not None else ""
    reason = (profile.grade_reason or {}) if profile is not None else {}
    return {
        "enterprise": enterprise,
        "grade": grade,
        "grade_name": rules.GRADE_NAMES.get(grade, ""),
        "reason": reason.get("text", ""),
        "units": units,
        "registered": enterprise.get_risk_level_display() if enterprise.risk_level else "",
    }


UNIT_REGISTER = kit.register(
    kit.Register(
        name="risk_unit",
        label="风险分析单元",
        path="risk-units",
        app_label="risks",
        get_scoped=kit.scoped_get(lambda actor, key: units_visible(actor).filter(pk=key).first(), "风险分析单元不存在"),
        events=UNIT_EVENTS,
        nav=kit.NavEntry("双重预防", "risks:home", frozenset({"admin", "officer", "enterprise"}), order=75),
        panels=(kit.Panel("enterprise", "risks/_enterprise_panel.html", enterprise_panel, order=30),),
    )
)

PROFILE_REGISTER = kit.register(
    kit.Register(
        name="risk_profile",
        label="双重预防设置",
        path="risk-profiles",
        app_label="risks",
        get_scoped=kit.scoped_get(
            lambda actor, key: profiles_visible(actor).filter(enterprise_id=key).first(), "企业不存在"
        ),
        events=PROFILE_EVENTS,
    )
)
