"""``python manage.py sweep [--today YYYY-MM-DD]``: run the escalation sweep now."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiben.escalation.engine import STEP_LABELS, sources, sweep


class Command(BaseCommand):
    help = "逾期升级扫描（临期提醒、提醒、函告、通报、约谈、建议挂牌督办），对全部登记簿的期限"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按此日期扫描（YYYY-MM-DD，默认北京时间今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["today"]:
            try:
                day = datetime.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today 应为日期，如 2025-03-01") from exc
        started = time.perf_counter()
        result = sweep(today=day)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{result.day} 扫描完成，用时 {elapsed:.2f} 秒；通知 {result.notified} 人")
        for source in sources():
            counts = result.counts(source.key)
            parts = "，".join(f"{STEP_LABELS.get(k, k)} {v}" for k, v in counts.items())
            self.stdout.write(f"  {source.label}：{parts}")
