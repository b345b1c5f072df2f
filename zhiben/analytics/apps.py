from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.db.models import Q
from django.db.models.signals import post_migrate


def count_hazards_not_counted(sender: AppConfig, apps: Any = None, verbosity: int = 1, **kwargs: Any) -> None:
    """After ``migrate``: if hazards exist that the summary counts have never seen (an upgrade that adds
    a summary table, a database from before the counts), count them once from the rows."""
    if apps is not None:
        try:
            for name in ("HazardTally", "EnterpriseDeadline", "SummaryRebuild", "ClosedLoopTally"):
                apps.get_model("analytics", name)
        except LookupError:  # migrating backwards to before these tables existed
            return
        from zhiben.hazards.models import Hazard

        # migrating backwards to before a hazard column the code reads: the rows cannot be counted now
        known = {f.attname for f in apps.get_model("hazards", "Hazard")._meta.concrete_fields}
        if any(f.attname not in known for f in Hazard._meta.concrete_fields):
            return
    from zhiben.analytics.models import ClosedLoopTally, EnterpriseDeadline, HazardTally
    from zhiben.analytics.tallies import counted_hazards, rebuild_tallies
    from zhiben.hazards.models import Status
    from zhiben.hazards.rules import STOCK, q_active, q_cohort

    counted = counted_hazards()
    facts = Q(status=Status.PENDING_REVIEW, submitted_on__isnull=False) | (
        Q(status=Status.CLOSED, level="major", closed_on__isnull=False) & q_cohort(STOCK)
    )
    missing = (
        (counted.exists() and not HazardTally.objects.exists())
        or (counted.filter(q_active(), deadline__isnull=False).exists() and not EnterpriseDeadline.objects.exists())
        # the closed loop's facts (issue 11): pending reviews, closed major hazards the stock may include
        or (counted.filter(facts).exists() and not ClosedLoopTally.objects.exists())
    )
    if missing:
        rows = rebuild_tallies()
        if verbosity >= 1:
            print(f"  统计汇总：按明细重建 {sum(rows.values())} 行")


def _receiver(keep: Callable[..., None]) -> Callable[[list[Any], Any], None]:
    """The hook's receiver for an engine: ``keep(changes, day=day)``."""

    def receive(changes: list[Any], day: Any) -> None:
        keep(changes, day=day)

    return receive


class AnalyticsConfig(AppConfig):
    name = "zhiben.analytics"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from django.core import checks

        from zhiben.common import hooks

        from .checks import check_tally_sources
        from .tallies import ENGINES, fold_past_deadlines

        post_migrate.connect(count_hazards_not_counted, sender=self, dispatch_uid="zhiben.analytics.count")
        # Registers feed their changes here, by the subject their kit.TallySource declares (ADR 0001); the
        # system check proves every declared subject is kept. The sweep's new day compacts the counts.
        for subject, receiver in ENGINES.items():
            hooks.on_tallies_changed(subject, _receiver(receiver))
        hooks.on_day_started(lambda today: fold_past_deadlines(today=today))
        checks.register(check_tally_sources)
