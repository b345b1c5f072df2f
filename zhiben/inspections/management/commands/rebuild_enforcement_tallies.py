"""``python manage.py rebuild_enforcement_tallies [--check]``: rebuild the enforcement tallies from the inspections,
findings and penalties; with ``--check``, only compare them with a recount and report each difference (exit
status 1 when they differ)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiben.inspections.selectors.stats import tally_drift
from zhiben.inspections.services.stats import tallies_rebuild


class Command(BaseCommand):
    help = "按检查、处罚明细重建执法统计汇总（--check：只核对）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="只核对汇总与明细是否一致，不修改")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            problems = tally_drift()
            if problems:
                for line in problems[:50]:
                    self.stderr.write(line)
                raise CommandError(f"执法统计汇总与明细不一致：{len(problems)} 处（不带 --check 运行以重建）")
            self.stdout.write("执法统计汇总与明细一致。")
            return
        rows = tallies_rebuild()
        self.stdout.write(f"已按明细重建执法统计汇总：{rows} 行。")
