"""``{% form_token %}``: the hidden field that makes a form's submission idempotent (common/idempotency.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from zhiben.common.idempotency import TOKEN_FIELD, new_token, usable

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context: Any) -> str:
    """A fresh token for each rendering; the same one again when the page is the form sent back with its
    errors, so that the corrected form is still one submission."""
    request = context.get("request")
    posted = usable(request.POST.get(TOKEN_FIELD)) if request is not None and request.method == "POST" else ""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, posted or new_token())
