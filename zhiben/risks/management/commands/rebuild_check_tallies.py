"""``manage.py rebuild_check_tallies [--check]``: recount the check tallies from the records (``--check``: only
report the rows that differ; exit status 1 when any does)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhiben.risks import tallies


class Command(BaseCommand):
    help = "按排查记录重算排查统计；--check 只核对，不写入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = tallies.rebuild(check=options["check"])
        for line in problems:
            self.stdout.write(line)
        if options["check"]:
            self.stdout.write("排查统计与记录一致" if not problems else f"共 {len(problems)} 处不一致")
            if problems:
                sys.exit(1)
        else:
            self.stdout.write("排查统计已按记录重算")
