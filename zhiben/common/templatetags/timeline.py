"""Timeline filters: an event's Chinese label and text, by its register's catalogue (zhiben/common/kit.py).

``{% load timeline %}`` then ``{{ ev|event_label }}`` and ``{{ ev|event_text }}``; ``ev`` is an audit Event
or anything with ``subject_type``, ``kind`` and ``payload``.
"""

from __future__ import annotations

from typing import Any

from django import template

from zhiben.common import kit

register = template.Library()


@register.filter
def event_label(event: Any) -> str:
    """The Chinese label of the event's kind."""
    return kit.event_view(event.subject_type, event.kind, event.payload)[0]


@register.filter
def event_text(event: Any) -> str:
    """The event's payload as one Chinese line."""
    return kit.event_view(event.subject_type, event.kind, event.payload)[1]
