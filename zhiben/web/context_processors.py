"""The top menu, built from the registers' declarations (zhiben/common/kit.py) and the web layer's own pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from zhiben.accounts.models import Role
from zhiben.common import kit

NOT_ENTERPRISE = frozenset({Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER})

# The pages of the web and platform layers; the registers bring their own entries.
PAGES = (
    kit.NavEntry("待办", "todo", frozenset(), order=5),
    kit.NavEntry("首页", "home", frozenset(), order=10),
    kit.NavEntry("一屏观全域", "dashboard", NOT_ENTERPRISE, order=20),
    kit.NavEntry("晾晒排名", "ranking", NOT_ENTERPRISE, order=21),
    kit.NavEntry("台账导入", "import-list", frozenset(), order=50),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """``nav``: ``[{"label", "url"}]`` for the signed-in user's role, in menu order; nothing when signed out."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    role = getattr(user, "role", "")
    entries = [*PAGES, *(spec.nav for spec in kit.registers() if spec.nav is not None)]
    shown = sorted((e for e in entries if not e.roles or role in e.roles), key=lambda e: e.order)
    return {"nav": [{"label": e.label, "url": reverse(e.url_name)} for e in shown]}
