"""``{% orders_block inspection as block %}``: what the orders block of an inspection's page shows the signed-in
user (``selectors.orders.order_block``), so the block (``inspections/_inspection_orders.html``) needs nothing from
the view that includes it but the inspection."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors.orders import order_block
from ..services.orders import MEASURES

register = template.Library()


@register.simple_tag(takes_context=True)
def orders_block(context: dict[str, Any], inspection: Any) -> dict[str, Any]:
    """The block's data for ``inspection`` (fetched in the user's scope by the page), or {} for no user."""
    request = context.get("request")
    actor = getattr(request, "user", None)
    if actor is None or not actor.is_authenticated:
        return {}
    return {**order_block(actor=actor, inspection=inspection), "measures_choices": MEASURES}
