"""``manage.py generate_checks [--day YYYY-MM-DD] [--sweep]``: generate a Beijing day's check cycles (idempotent) and,
with ``--sweep``, mark the closed ones missed (the hourly Huey task does both)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiben.common import dates
from zhiben.risks import checks


class Command(BaseCommand):
    help = "生成某日（默认今天，北京时间）的隐患排查周期；--sweep 同时将已截止未排查的记为漏检"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", default="", help="日期，如 2026-12-01")
        parser.add_argument("--sweep", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dates.parse_day(options["day"] or None, label="日期") or dates.today()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not 2000 <= day.year <= 2100:
            raise CommandError("日期应在 2000 年至 2100 年之间")
        made = checks.generate(day)
        self.stdout.write(f"{day}：生成排查周期 {made} 条")
        if options["sweep"]:
            self.stdout.write(f"记为漏检 {checks.sweep_missed()} 条")
