"""The enterprise register's declaration (DESIGN.md §5): what the platform engines read of it."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from zhiben.common import kit

from .events import CATALOGUE
from .filters import EnterpriseFilterSet
from .ledger import LEDGER
from .selectors import enterprise_get, enterprise_list

# The record if the actor may see it; NotFound otherwise (missing and forbidden look alike).
get_scoped = kit.scoped_get(
    lambda actor, key: enterprise_get(actor=actor, credit_code=key), "企业不存在", integer=False
)


def home_figures(actor: Any) -> dict[str, int]:
    """The enterprises ``actor`` may see, counted once: all, high-risk, red, suspended, uninsured high-risk."""
    return (
        enterprise_list(actor=actor)
        .order_by()
        .aggregate(
            n_total=Count("id"),
            n_high_risk=Count("id", filter=Q(high_risk=True)),
            n_red=Count("id", filter=Q(risk_level="red")),
            n_suspended=Count("id", filter=Q(status="suspended")),
            n_uninsured_high_risk=Count("id", filter=Q(high_risk=True, insured=False)),
        )
    )


TILES = kit.TileGroup(
    "企业",
    home_figures,
    (
        kit.Tile("n_total", "企业", "enterprise-list"),
        kit.Tile("n_high_risk", "高危行业企业", "enterprise-list", "high_risk=1", "warn"),
        kit.Tile("n_red", "重大风险（红）", "enterprise-list", "risk_level=red", "danger"),
        kit.Tile("n_suspended", "停产整顿", "enterprise-list", "status=suspended"),
        kit.Tile("n_uninsured_high_risk", "高危未投保安责险", "enterprise-list", "high_risk=1&insured=0", "warn"),
    ),
    order=20,
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
        tiles=(TILES,),
        nav=kit.NavEntry("企业清单", "enterprise-list", frozenset(), order=40),
        # Who is told what: no one. Registering or changing an enterprise is the regulator's own act or
        # the enterprise's, seen on its page and in its timeline; the hazards and accidents it has tell.
        notification_rules=(),
    )
)
