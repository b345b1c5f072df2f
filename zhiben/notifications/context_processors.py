from typing import Any

from django.http import HttpRequest

from zhiben.accounts.models import User

from .selectors import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the navigation bar (one indexed count per page)."""
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return {"unread_notifications": unread_count(actor=user)}
    return {}
