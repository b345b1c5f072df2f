"""The enterprise register's event catalogue: each kind's Chinese label and how its payload reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from zhiben.common import kit

from .models import Enterprise


def field_label(name: str) -> str:
    """The Chinese name of an enterprise field (a field since removed keeps its code name)."""
    try:
        return str(getattr(Enterprise._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def _updated(p: Mapping[str, Any]) -> list[str]:
    changes = p.get("changes") if isinstance(p.get("changes"), Mapping) else {}
    return ["、".join(field_label(f) for f in changes or {})] if changes else []


CATALOGUE = kit.EventCatalogue(
    (
        kit.EventKind("created", "登记了该企业", (("name", "名称"), ("credit_code", "统一社会信用代码"))),
        kit.EventKind("updated", "修改了", render=_updated),
        # written by the dual-prevention register's four-colour map (zhiben/risks/services/map.py)
        kit.EventKind(
            "risk_layout_uploaded", "上传厂区平面布置图（四色图）", (("width", "宽（像素）"), ("height", "高（像素）"))
        ),
    )
)
