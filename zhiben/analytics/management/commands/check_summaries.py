"""``python manage.py check_summaries [--rebuild]``: recompute the summary counts from the hazard rows
and report any difference (exit status 1); ``--rebuild`` replaces them with the recomputed counts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiben.analytics.tallies import rebuild_tallies, tally_drift


class Command(BaseCommand):
    help = "核对统计汇总与隐患明细是否一致"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="按明细重建汇总（批量导入或修改存量截止日后）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            counts = rebuild_tallies()
            self.stdout.write("已重建汇总：" + "，".join(f"{k} {v} 行" for k, v in counts.items()))
            return
        problems = tally_drift()
        if problems:
            for line in problems[:50]:
                self.stderr.write(line)
            raise CommandError(f"汇总与明细不一致：{len(problems)} 处（用 --rebuild 重建）")
        self.stdout.write("汇总与明细一致。")
