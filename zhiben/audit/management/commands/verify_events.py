"""``python manage.py verify_events``: exit non-zero naming the first bad event when the chain is broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhiben.audit.models import Event
from zhiben.audit.selectors import verify_chain
from zhiben.common import hooks


class Command(BaseCommand):
    help = "校验事件记录的哈希链（发现被篡改或删除的记录）"

    def handle(self, *args: Any, **options: Any) -> None:
        problem = verify_chain()
        if problem is not None:
            raise CommandError(problem.message)
        # The engines above the kernel check what their chained events vouch for (zhiben/common/hooks.py).
        for _name, check in hooks.chain_checks():
            bad = check()
            if bad is not None:
                raise CommandError(bad)
        self.stdout.write(f"事件链完整：共 {Event.objects.count()} 条事件。")
