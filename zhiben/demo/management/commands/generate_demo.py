"""``python manage.py generate_demo --enterprises N [--hazards M] --seed S``: fast bulk data for benchmarks.

Rows are inserted in bulk without events (events record what people did; generated rows are not
that). Existing enterprises are kept; codes are random, so a second run adds N more.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhiben.demo.generator import enterprise_rows
from zhiben.enterprises.models import Enterprise
from zhiben.reference.models import Sector
from zhiben.regions.codes import Level
from zhiben.regions.models import Region


class Command(BaseCommand):
    help = "批量生成演示/基准测试数据"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=1000)
        parser.add_argument("--hazards", type=int, default=0, help="隐患数（隐患数据库上线后生效）")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--region", default="", help="只在此区划（代码前缀）下生成")
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["enterprises"]
        if count < 0:
            raise CommandError("--enterprises 不能为负数")
        if options["hazards"]:
            raise CommandError("隐患数据库尚未建立（见 issue 3）：请先不带 --hazards 运行")
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
        batch: list[Enterprise] = []
        made = 0
        with transaction.atomic():
            for row in enterprise_rows(rng, regions=regions, high_risk=high_risk, count=count):
                if row["credit_code"] in existing:
                    continue
                batch.append(Enterprise(**row))
                if len(batch) >= options["batch"]:
                    Enterprise.objects.bulk_create(batch)
                    made += len(batch)
                    batch = []
            if batch:
                Enterprise.objects.bulk_create(batch)
                made += len(batch)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"已生成企业 {made} 家，用时 {elapsed:.1f} 秒（{len(regions)} 个区县/乡镇）")
