"""``python manage.py rotate_tip_keys``: re-encrypt every sealed tip field under the newest key.

Put the new key first in ZHIBEN_TIP_KEYS (keep the old ones after it), run this, then remove the old keys.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhiben.audit.services import event_append
from zhiben.tips.crypto import TipKeyError, reseal
from zhiben.tips.models import Tip, TipMessage


class Command(BaseCommand):
    help = "用最新的密钥重新加密举报人信息和举报内容（密钥轮换）"

    def handle(self, *args: Any, **options: Any) -> None:
        tips = messages = 0
        try:
            with transaction.atomic():
                for tip in Tip.objects.select_for_update().only("id", "content", "reporter").iterator(chunk_size=500):
                    tip.content = reseal(tip.content)
                    if tip.reporter is not None:
                        tip.reporter = reseal(tip.reporter)
                    tip.save(update_fields=["content", "reporter"])
                    tips += 1
                for message in TipMessage.objects.select_for_update().only("id", "body").iterator(chunk_size=500):
                    message.body = reseal(message.body)
                    message.save(update_fields=["body"])
                    messages += 1
                event_append(
                    actor=None,
                    subject_type="tips",
                    subject_id="keys",
                    kind="rotated",
                    payload={"tips": tips, "messages": messages},
                )
        except TipKeyError as exc:
            raise CommandError(f"{exc}：未做任何改动") from exc
        self.stdout.write(f"已用新密钥重新加密：举报 {tips} 件，往来信息 {messages} 条")
