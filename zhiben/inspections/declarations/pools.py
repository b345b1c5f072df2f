"""The inspector pool (执法人员) and expert pool (专家库) on the register kit: their event catalogues, so that
their timelines and the audit log read in Chinese. Their pages are under 监督检查 (no menu entry of their own)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiben.common import kit

from ..models import RelationKind
from ..selectors.pools import expert_get, officer_get


def _changes(p: Mapping[str, Any]) -> list[str]:
    labels = {"active": "在岗", "valid_to": "执法证有效期至"}
    out = []
    for key, label in labels.items():
        if key in p and isinstance(p[key], list) and len(p[key]) == 2:
            before, after = (("是" if v else "否") if isinstance(v, bool) else (v or "—") for v in p[key])
            out.append(f"{label}：{before} → {after}")
    return out


OFFICER_EVENTS = kit.EventCatalogue(
    (
        kit.EventKind(
            "registered",
            "登记执法人员",
            (("name", "姓名"), ("certificate_no", "执法证号"), ("department", "所属单位"), ("valid_to", "有效期至")),
        ),
        kit.EventKind("changed", "变更执法人员信息", render=_changes),
    )
)

_KIND = dict(RelationKind.choices)

EXPERT_EVENTS = kit.EventCatalogue(
    (
        kit.EventKind(
            "registered", "登记专家", (("name", "姓名"), ("organisation", "工作单位"), ("sectors", "专业行业领域"))
        ),
        kit.EventKind("changed", "变更专家信息", (("name", "姓名"), ("fields", "变更项"))),
        kit.EventKind(
            "relation_added",
            "登记回避关系",
            render=lambda p: [
                f"{p.get('enterprise_name', '')}（{p.get('enterprise', '')}）：{_KIND.get(str(p.get('kind')), '')}"
            ],
        ),
        kit.EventKind(
            "relation_removed",
            "撤销回避关系",
            render=lambda p: [f"{p.get('enterprise_name', '')}（{p.get('enterprise', '')}）"],
        ),
    )
)

OFFICER_REGISTER = kit.register(
    kit.Register(
        name="law_officer",
        label="执法人员",
        path="law-officers",
        app_label="inspections",
        get_scoped=kit.scoped_get(lambda actor, key: officer_get(actor=actor, officer_id=key), "执法人员不存在"),
        events=OFFICER_EVENTS,
    )
)

EXPERT_REGISTER = kit.register(
    kit.Register(
        name="expert",
        label="专家库",
        path="experts",
        app_label="inspections",
        get_scoped=kit.scoped_get(lambda actor, key: expert_get(actor=actor, expert_id=key), "专家不存在"),
        events=EXPERT_EVENTS,
    )
)
