"""Background jobs of the notifications (Huey): sending notices on, after the commit that wrote them."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from huey.contrib.djhuey import db_task

from .channels import Message, messenger
from .models import Notification


@db_task()
def mail_notifications(ids: list[int]) -> int:
    """E-mail each of these notifications to its user, where the user has an address; answers how many
    were sent. Queued after the commit of whatever created them (an event's notices, the sweep's digests)."""
    notes = Notification.objects.filter(pk__in=ids).select_related("user").order_by("id")
    messages = [(n.title, n.body, settings.DEFAULT_FROM_EMAIL, [n.user.email]) for n in notes if n.user.email]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


@db_task()
def message_notifications(ids: list[int]) -> int:
    """Hand these notifications to the messenger of ``ZHIBEN_MESSENGER`` (SMS, 企业微信, 钉钉; by default a log
    line each); answers how many were handed on (0 when the channel is off)."""
    channel = messenger()
    if channel is None:
        return 0
    notes = Notification.objects.filter(pk__in=ids).select_related("user").order_by("id")
    messages = [Message(n.user.username, n.user.phone, n.user.email, n.title, n.body, n.link) for n in notes]
    if messages:
        channel.send(messages)
    return len(messages)
