"""The enterprise register's declaration (DESIGN.md §5): what the platform engines read of it."""

from __future__ import annotations

from typing import Any

from zhiben.common import kit
from zhiben.common.errors import NotFound

from .events import CATALOGUE
from .filters import EnterpriseFilterSet
from .ledger import LEDGER
from .models import Enterprise
from .selectors import enterprise_get


def get_scoped(actor: Any, pk: Any) -> Enterprise:
    """The enterprise whose credit code is ``pk`` if ``actor`` may see it; NotFound otherwise."""
    enterprise = enterprise_get(actor=actor, credit_code=str(pk))
    if enterprise is None:
        raise NotFound("企业不存在")
    return enterprise


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
