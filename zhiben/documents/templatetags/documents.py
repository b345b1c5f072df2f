"""``{% documents_for "hazard" h as docs %}``: the download links of a record's documents, for a
register's page (a template loads this library; the register's Python never imports this app)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from zhiben.common import kit

from ..services import document_entries

register = template.Library()


@register.simple_tag(takes_context=True)
def documents_for(context: dict[str, Any], register_name: str, subject: Any) -> list[dict[str, Any]]:
    """The documents of ``subject`` the signed-in user can download now: ``label``, ``url``, ``number``
    (None until issued)."""
    request = context.get("request")
    actor = getattr(request, "user", None)
    if actor is None or not actor.is_authenticated:
        return []
    spec = kit.get(register_name)
    return [
        {
            "kind": e.kind,
            "label": e.label,
            "number": e.number,
            "url": reverse("document", args=[spec.path, subject.pk, e.kind]),
        }
        for e in document_entries(register=spec, subject=subject, actor=actor)
        if e.available
    ]
