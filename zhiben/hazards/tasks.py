"""Background jobs of the hazard database (Huey)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from zhiben.notifications.models import Notification


@db_periodic_task(crontab(hour="17", minute="5"))  # 01:05 Beijing time (Huey's crontab is UTC)
def nightly_sweep() -> dict[str, int]:
    """The escalation sweep, every night for the new Beijing day."""
    from .sweep import sweep

    return sweep().counts


@db_task()
def mail_sweep_digest(sweep_id: int) -> int:
    """E-mail each notified user with an address the digest of a sweep."""
    from .models import SweepRun

    run = SweepRun.objects.get(pk=sweep_id)
    notes = Notification.objects.filter(kind="escalation", created_at__gte=run.started_at).select_related("user")
    messages = [(n.title, n.body, settings.DEFAULT_FROM_EMAIL, [n.user.email]) for n in notes if n.user.email]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
