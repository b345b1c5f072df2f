"""Posts (岗位) and their 两单两卡 on the register kit: the post register (subject type ``post``) with its event
catalogue, so that a post's timeline and the audit log read in Chinese. Its pages are under the enterprise's
dual-prevention pages (the 双重预防 menu entry is declared with the register)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiben.common import kit

from ..selectors.posts import post_get

_FIELDS = {"name": "岗位名称", "duties": "岗位安全职责", "emergency": "应急处置要点", "units": "涉及的风险分析单元"}


def _changed(p: Mapping[str, Any]) -> list[str]:
    fields = p.get("fields") if isinstance(p.get("fields"), Mapping) else {}
    out = []
    for key, value in (fields or {}).items():
        label = _FIELDS.get(str(key), str(key))
        shown = "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
        out.append(f"{label}：{shown or '（空）'}")
    return out


POST_EVENTS = kit.EventCatalogue(
    (
        kit.EventKind("created", "设立岗位", (("name", "岗位名称"), ("units", "涉及的风险分析单元"))),
        kit.EventKind("changed", "修改岗位", render=_changed),
        kit.EventKind("deleted", "删除岗位", (("name", "岗位名称"),)),
    )
)

POST_REGISTER = kit.register(
    kit.Register(
        name="post",
        label="岗位（两单两卡）",
        path="posts",
        app_label="risks",
        get_scoped=lambda actor, key: post_get(actor=actor, post_id=key),
        events=POST_EVENTS,
    )
)
