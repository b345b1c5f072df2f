"""``{% form_token %}``: the hidden field that makes a form's submission idempotent (common/idempotency.py)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from zhiben.common.idempotency import TOKEN_FIELD, new_token

register = template.Library()


@register.simple_tag
def form_token() -> str:
    """A fresh token for each rendering of a form that creates a record. A refused submission leaves its
    token unused, so the browser's draft (forms.js keeps the token with the fields) may send it again."""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, new_token())
