"""The enterprise register's declaration (DESIGN.md §5): what the platform engines read of it."""

from __future__ import annotations

from zhiben.common import kit

from .events import CATALOGUE
from .filters import EnterpriseFilterSet
from .ledger import LEDGER
from .selectors import enterprise_get

# The record if the actor may see it; NotFound otherwise (missing and forbidden look alike).
get_scoped = kit.scoped_get(
    lambda actor, key: enterprise_get(actor=actor, credit_code=key), "企业不存在", integer=False
)


REGISTER = kit.register(
    kit.Register(
        name="enterprise",
        label="企业",
        path="enterprises",
        app_label="enterprises",
        get_scoped=get_scoped,
        events=CATALOGUE,
        ledgers=(LEDGER,),
        filters=EnterpriseFilterSet,
        nav=kit.NavEntry("企业清单", "enterprise-list", frozenset(), order=40),
    )
)
