"""Summary counts of hazards (统计汇总), written only by the hazard services in the same transaction
as each change, so that a dashboard's cost depends on regions and categories, not on hazards
(DESIGN.md §5).

Each table holds the current counts (``day`` = CURRENT) and one delta row per key and Beijing day on
which it changed, so figures "as of" a past day are the current ones minus the later deltas. Cancelled
hazards count nowhere. ``check_summaries`` recomputes everything from the rows and reports drift.
"""

from __future__ import annotations

import datetime

from django.db import models

from zhiben.regions.models import RegionCodeField

CURRENT = datetime.date(1, 1, 1)  # the ``day`` of the running totals; every other day holds that day's delta


class Counters(models.Model):
    total = models.IntegerField(default=0)
    active = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    listed = models.IntegerField(default=0)

    class Meta:
        abstract = True


class HazardTally(Counters):
    """By region, sector, source, level and cohort: every grouping but the month."""

    region_id = RegionCodeField(max_length=9)
    sector_id = models.CharField(max_length=32)
    source = models.CharField(max_length=12)
    level = models.CharField(max_length=8)
    cohort = models.CharField(max_length=10)
    day = models.DateField(default=CURRENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region_id", "sector_id", "source", "level", "cohort", "day"], name="hazard_tally_key"
            )
        ]
        indexes = [models.Index(fields=["day", "region_id"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day}"


class HazardMonthTally(Counters):
    """By region, level and month of discovery (the monthly trend; cohorts follow from months)."""

    region_id = RegionCodeField(max_length=9)
    level = models.CharField(max_length=8)
    month = models.CharField(max_length=7)
    day = models.DateField(default=CURRENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_id", "level", "month", "day"], name="hazard_month_tally_key")
        ]
        indexes = [models.Index(fields=["day", "region_id"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day}"


class ActiveDeadline(models.Model):
    """Active hazards per deadline day: overdue on any day is the count with a deadline before it."""

    region_id = RegionCodeField(max_length=9)
    sector_id = models.CharField(max_length=32)
    source = models.CharField(max_length=12)
    level = models.CharField(max_length=8)
    cohort = models.CharField(max_length=10)
    deadline = models.DateField()
    n = models.IntegerField(default=0)
    day = models.DateField(default=CURRENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region_id", "sector_id", "source", "level", "cohort", "deadline", "day"],
                name="active_deadline_key",
            )
        ]
        indexes = [models.Index(fields=["day", "region_id"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day}"


class ActiveDeadlineMonth(models.Model):
    """Active hazards per deadline day, by month of discovery (overdue in the monthly grouping)."""

    region_id = RegionCodeField(max_length=9)
    level = models.CharField(max_length=8)
    month = models.CharField(max_length=7)
    deadline = models.DateField()
    n = models.IntegerField(default=0)
    day = models.DateField(default=CURRENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region_id", "level", "month", "deadline", "day"], name="active_deadline_month_key"
            )
        ]
        indexes = [models.Index(fields=["day", "region_id"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day}"
