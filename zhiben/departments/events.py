"""The member-unit register's event catalogue."""

from __future__ import annotations

from zhiben.common import kit

CATALOGUE = kit.EventCatalogue(
    (
        kit.EventKind("created", "登记成员单位", fields=(("name", "名称"), ("kind", "类别"), ("region", "区划"))),
        kit.EventKind("updated", "修改成员单位", fields=(("name", "名称"), ("kind", "类别"), ("active", "在用"))),
        kit.EventKind(
            "routing_set",
            "设定行业领域牵头配合",
            fields=(("sector", "行业领域"), ("lead", "牵头单位"), ("co", "配合单位")),
        ),
        kit.EventKind("member_set", "设定人员所属单位", fields=(("user", "人员"), ("department", "单位"))),
    )
)
