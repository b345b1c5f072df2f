"""The accident register's declaration (DESIGN.md §5): what the platform engines read of it."""

from __future__ import annotations

from typing import Any

from zhiben.common import kit
from zhiben.common.errors import NotFound

from .events import CATALOGUE
from .filters import AccidentFilterSet
from .models import Accident
from .selectors import accident_get


def get_scoped(actor: Any, pk: Any) -> Accident:
    """The accident ``pk`` if ``actor`` may see it; NotFound otherwise (missing and forbidden look alike)."""
    try:
        accident = accident_get(actor=actor, accident_id=int(pk))
    except (TypeError, ValueError):
        accident = None
    if accident is None:
        raise NotFound("事故不存在")
    return accident


REGISTER = kit.register(
    kit.Register(
        name="accident",
        label="生产安全事故",
        path="accidents",
        app_label="accidents",
        get_scoped=get_scoped,
        events=CATALOGUE,
        filters=AccidentFilterSet,
        nav=kit.NavEntry("事故", "accident-list", frozenset(), order=60),
    )
)
