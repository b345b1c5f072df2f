"""The accident register's declaration (DESIGN.md §5): what the platform engines read of it."""

from __future__ import annotations

from zhiben.common import kit

from .events import CATALOGUE
from .filters import AccidentFilterSet
from .selectors import accident_get

# The record if the actor may see it; NotFound otherwise (missing and forbidden look alike).
get_scoped = kit.scoped_get(lambda actor, key: accident_get(actor=actor, accident_id=key), "事故不存在")


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
