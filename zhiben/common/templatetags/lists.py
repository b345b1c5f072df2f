"""List pages on phones: ``{% back_to "hazard-list" %}`` is the list's URL with the filters the user last
looked at (common.middleware.ListMemoryMiddleware); ``{% active_filters %}`` how many filters the current
list request sets (shown on the button that unfolds them)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from zhiben.common.middleware import SESSION_KEY

register = template.Library()

# query parameters that are not filters: the page, the export, and the region picker's own selects (its
# hidden field carries the region filter; regions/picker.html)
NOT_FILTERS = frozenset({"page", "format", "_rp"})


@register.simple_tag(takes_context=True)
def back_to(context: Any, url_name: str) -> str:
    """The list page ``url_name`` with its remembered query (``/hazards/?level=major&page=2``)."""
    request = context.get("request")
    session = getattr(request, "session", None)
    query = session.get(SESSION_KEY, {}).get(url_name, "") if session is not None else ""
    return reverse(url_name) + (f"?{query}" if query else "")


@register.simple_tag(takes_context=True)
def active_filters(context: Any) -> int:
    """How many filters the request sets (non-empty query parameters other than the page)."""
    request = context.get("request")
    if request is None:
        return 0
    # the region picker's field set to the user's own area (its root, the picker's default) narrows nothing
    picker = context.get("picker") or {}
    root = getattr(picker.get("root_region"), "code", "") or ""
    everywhere = {picker.get("field_name"): root} if picker.get("field_name") else {}
    return sum(
        1
        for key, values in request.GET.lists()
        if key not in NOT_FILTERS and any(v.strip() and v.strip() != everywhere.get(key) for v in values)
    )
