"""``python manage.py sweep [--today YYYY-MM-DD]``: run the escalation sweep now."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiben.hazards.models import EscalationStep
from zhiben.hazards.sweep import sweep


class Command(BaseCommand):
    help = "逾期隐患升级扫描（提醒、函告、通报、约谈、建议挂牌督办）"

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
        labels = dict(EscalationStep.choices)
        parts = "，".join(f"{labels[k]} {v}" for k, v in result.counts.items())
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{result.run.day} 扫描完成，用时 {elapsed:.2f} 秒：{parts}；通知 {result.notified} 人")
        from zhiben.tips.sweep import tip_sweep

        tips = tip_sweep(today=result.run.day)
        self.stdout.write("超期举报：" + "，".join(f"{labels[k]} {v}" for k, v in tips.items()))
