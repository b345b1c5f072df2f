from __future__ import annotations

from django.db.models import QuerySet

from zhiben.accounts.models import User

from .models import Notification


def notifications_for(*, actor: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=actor)


def unread_count(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).count()
