"""``python manage.py generate_demo --enterprises N [--hazards M] --seed S``: fast bulk data for benchmarks.

Hazards are spread over all enterprises (or those under ``--region``), in realistic proportions.

Rows are inserted in bulk without events (events record what people did; generated rows are not
that). Existing enterprises are kept; codes are random, so a second run adds N more.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiben.analytics.tallies import rebuild_tallies
from zhiben.common.bulk import bulk_insert
from zhiben.demo.generator import enterprise_rows
from zhiben.demo.hazard_generator import Clause, hazard_rows
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.models import Hazard
from zhiben.hazards.rules import today
from zhiben.reference.models import Sector
from zhiben.reference.selectors import criteria_for
from zhiben.regions.codes import Level
from zhiben.regions.models import Region


class Command(BaseCommand):
    help = "批量生成演示/基准测试数据"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=1000)
        parser.add_argument("--hazards", type=int, default=0, help="隐患数（分布在已有企业上）")
        parser.add_argument("--overdue-share", type=float, default=0.05, help="逾期未整改隐患的比例（0–1）")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--region", default="", help="只在此区划（代码前缀）下生成")
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["enterprises"]
        if count < 0:
            raise CommandError("--enterprises 不能为负数")
        if options["hazards"] < 0 or not 0 <= options["overdue_share"] <= 1:
            raise CommandError("--hazards 不能为负数，--overdue-share 应在 0 到 1 之间")
        rng = random.Random(options["seed"])
        qs = Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]) | Region.objects.filter(
            acts_as_county=True
        )
        if options["region"]:
            qs = qs.filter(code__startswith=options["region"])
        regions = list(
            qs.exclude(code__startswith="71")
            .exclude(code__startswith="8")
            .exclude(code__startswith="99")
            .values_list("code", "name")
        )
        if not regions:
            raise CommandError("没有可用的区县：请先运行 migrate")
        high_risk = set(Sector.objects.filter(high_risk=True).values_list("key", flat=True))
        existing = (
            set(Enterprise.objects.values_list("credit_code", flat=True)) if Enterprise.objects.exists() else set()
        )
        started = time.perf_counter()
        rows = enterprise_rows(rng, regions=regions, high_risk=high_risk, count=count)
        made = bulk_insert(Enterprise, (r for r in rows if r["credit_code"] not in existing), options["batch"])
        elapsed = time.perf_counter() - started
        self.stdout.write(f"已生成企业 {made} 家，用时 {elapsed:.1f} 秒（{len(regions)} 个区县/乡镇）")
        if options["hazards"]:
            self._hazards(rng, options["hazards"], options["overdue_share"], options["region"], options["batch"])

    def _hazards(self, rng: random.Random, count: int, overdue_share: float, region: str, batch_size: int) -> None:
        started = time.perf_counter()
        qs = Enterprise.objects.all()
        if region:
            qs = qs.filter(region__code__prefix=region)
        enterprises = list(qs.values_list("id", "region_id", "sector_id"))
        if not enterprises:
            raise CommandError("没有企业：请同时生成企业（--enterprises N）")
        criteria: dict[str, list[Clause]] = {}
        for sector in {e[2] for e in enterprises}:
            criteria[sector] = [
                (c.code, c.effective_from, c.effective_to) for c in criteria_for(sector=sector).filter(kind="clause")
            ]
        rows = hazard_rows(
            rng, enterprises=enterprises, criteria=criteria, count=count, today=today(), overdue_share=overdue_share
        )
        made = bulk_insert(Hazard, rows, batch_size)
        rebuild_tallies()  # bulk rows bypass the services: count them once, from scratch
        elapsed = time.perf_counter() - started
        self.stdout.write(f"已生成隐患 {made} 条，用时 {elapsed:.1f} 秒")
