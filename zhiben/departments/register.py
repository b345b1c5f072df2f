"""The member-unit register's declaration (DESIGN.md §5)."""

from __future__ import annotations

from zhiben.accounts.models import Role
from zhiben.common import kit

from .events import CATALOGUE
from .selectors import department_get

get_scoped = kit.scoped_get(lambda actor, key: department_get(actor=actor, department_id=key), "成员单位不存在")

REGISTER = kit.register(
    kit.Register(
        name="department",
        label="成员单位",
        path="departments",
        app_label="departments",
        get_scoped=get_scoped,
        events=CATALOGUE,
        nav=kit.NavEntry("成员单位", "department-list", frozenset({Role.ADMIN, Role.OFFICER}), order=95),
    )
)
