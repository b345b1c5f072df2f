"""Background jobs of the notifications (Huey)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from huey.contrib.djhuey import db_task

from .models import Notification


@db_task()
def mail_notifications(ids: list[int]) -> int:
    """E-mail each of these notifications to its user, where the user has an address; answers how many
    were sent. Queued after the commit of whatever created them (the escalation sweep's digests)."""
    notes = Notification.objects.filter(pk__in=ids).select_related("user").order_by("id")
    messages = [(n.title, n.body, settings.DEFAULT_FROM_EMAIL, [n.user.email]) for n in notes if n.user.email]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
