"""Summary counts of hazards (统计汇总), written only by the hazard services in the same transaction
as each change, so that a figure's cost depends on regions and categories, not on hazards (DESIGN.md §5).

Counts are rolled up: a hazard counts at its own region and at every ancestor (``node`` at ``depth``
1 province … 4 township), so the figures of any subtree are read from the rows of that node and of
its children only. Along one ``dim`` — everything (``all``), by ``sector`` or by ``source`` — each
row holds the counters for a level and cohort.

Concurrent writers add to one of ``ZHIBEN["TALLY_STRIPES"]`` rows per key (``stripe``, by database
session) so that they do not queue on a province's row; every reader sums, and the nightly fold merges
the stripes back into stripe 0.

Each table keeps the running totals (``day`` = CURRENT) and one delta row per key and Beijing day on
which it changed: figures "as of" a past day are the totals less the later deltas. The deadline
histograms of active hazards give ``overdue`` for any day; the nightly sweep folds past deadlines of
the running totals into one row per key, so counting today's overdue reads a row per key.
"""

from __future__ import annotations

import datetime

from django.db import models

from zhiben.regions.models import RegionCodeField

CURRENT = datetime.date(1, 1, 1)  # the ``day`` of the running totals; every other day holds that day's delta
PAST = datetime.date(1, 1, 2)  # the ``deadline`` of folded past deadlines in the running totals


def striped(name: str) -> models.Index:
    """The rows outside stripe 0 (few: the nightly fold merges them), found without reading the table."""
    return models.Index(fields=["stripe"], condition=models.Q(stripe__gt=0), name=f"{name}_striped")


class Counters(models.Model):
    total = models.IntegerField(default=0)
    active = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    listed = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Keyed(models.Model):
    """The columns every summary row is keyed by: the region node, its depth, the level and the day."""

    node = RegionCodeField(max_length=9)
    depth = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=8)
    day = models.DateField(default=CURRENT)
    # Concurrent writers add to different rows of one key (see ``tallies.stripe``); readers sum them.
    stripe = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True


class HazardTally(Keyed, Counters):
    """Per node, along one dimension (all / sector / source), per level and cohort."""

    dim = models.CharField(max_length=8)
    dim_value = models.CharField(max_length=32, blank=True)
    cohort = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["node", "dim", "dim_value", "level", "cohort", "day", "stripe"], name="hazard_tally_key"
            )
        ]
        indexes = [models.Index(fields=["day", "dim", "depth", "node"]), striped("hazard_tally")]

    def __str__(self) -> str:
        return f"{self.node} {self.dim}={self.dim_value} {self.day}"


class HazardMonthTally(Keyed, Counters):
    """Per node, level and month of discovery (the monthly trend; cohorts follow from months)."""

    month = models.CharField(max_length=7)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "level", "month", "day", "stripe"], name="hazard_month_tally_key")
        ]
        indexes = [models.Index(fields=["day", "depth", "node"]), striped("hazard_month_tally")]

    def __str__(self) -> str:
        return f"{self.node} {self.month} {self.day}"


class ActiveDeadline(Keyed):
    """Active hazards per deadline day, per node and dimension: ``overdue`` on a day counts those before it."""

    dim = models.CharField(max_length=8)
    dim_value = models.CharField(max_length=32, blank=True)
    cohort = models.CharField(max_length=10)
    deadline = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["node", "dim", "dim_value", "level", "cohort", "deadline", "day", "stripe"],
                name="active_deadline_key",
            )
        ]
        indexes = [models.Index(fields=["day", "dim", "depth", "node", "deadline"]), striped("active_deadline")]

    def __str__(self) -> str:
        return f"{self.node} {self.deadline} {self.day}"


class ActiveDeadlineMonth(Keyed):
    """Active hazards per deadline day, per node and month of discovery."""

    month = models.CharField(max_length=7)
    deadline = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["node", "level", "month", "deadline", "day", "stripe"], name="active_deadline_month_key"
            )
        ]
        indexes = [models.Index(fields=["day", "depth", "node", "deadline"]), striped("active_deadline_month")]

    def __str__(self) -> str:
        return f"{self.node} {self.deadline} {self.day}"


class ClosedLoopTally(Keyed):
    """Dated facts of the closed loop, per node and dimension (all / sector) and level: close-outs waiting
    for review by submission day (``kind`` ``review``, or ``review_listed`` for a listed hazard: the review
    clocks differ), and stock hazards closed, by close-out day (``stock_closed``). The regulator's late
    reviews on a day and whether the stock was cleared by its deadline (business dates) are sums over a
    range of ``fact_on``, never a scan of the hazards. Running totals only (``day`` is always CURRENT)."""

    dim = models.CharField(max_length=8)
    dim_value = models.CharField(max_length=32, blank=True)
    kind = models.CharField(max_length=16)
    fact_on = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["node", "dim", "dim_value", "level", "kind", "fact_on", "day", "stripe"],
                name="closed_loop_tally_key",
            )
        ]
        indexes = [models.Index(fields=["day", "kind", "dim", "depth", "node"]), striped("closed_loop_tally")]

    def __str__(self) -> str:
        return f"{self.node} {self.kind} {self.fact_on}"


class EnterpriseDeadline(models.Model):
    """Active hazards per enterprise, region, sector and deadline day: the most overdue enterprises of a
    subtree (逾期隐患最多的企业). Running totals only (``day`` is always CURRENT): the list has no ``as_of``.
    After the nightly fold an enterprise's overdue hazards are one PAST row, so the list reads a row per
    enterprise in the subtree, not its hazards."""

    enterprise_id = models.BigIntegerField()
    node = RegionCodeField(max_length=9)  # the hazard's own region (a leaf): subtrees by prefix
    sector = models.CharField(max_length=32)
    deadline = models.DateField()
    day = models.DateField(default=CURRENT)
    n = models.IntegerField(default=0)
    major = models.IntegerField(default=0)
    stripe = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_id", "node", "sector", "deadline", "day", "stripe"], name="enterprise_deadline_key"
            )
        ]
        # deadline before node: the PAST rows of a subtree are one range, and so are the unfolded days
        indexes = [models.Index(fields=["day", "deadline", "node"]), striped("enterprise_deadline")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.node} {self.deadline}"


class SummaryRebuild(models.Model):
    """When the counts were last recomputed from the rows: their history (``as_of``) starts that day."""

    day = models.DateField()
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.day)
