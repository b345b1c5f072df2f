from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def count_hazards_not_counted(sender: AppConfig, apps: Any = None, verbosity: int = 1, **kwargs: Any) -> None:
    """After ``migrate``: if hazards exist that the summary counts have never seen (an upgrade that adds
    a summary table, a database from before the counts), count them once from the rows."""
    if apps is not None:
        try:
            for name in ("HazardTally", "EnterpriseDeadline", "SummaryRebuild"):
                apps.get_model("analytics", name)
        except LookupError:  # migrating backwards to before these tables existed
            return
    from zhiben.analytics.models import EnterpriseDeadline, HazardTally
    from zhiben.analytics.tallies import rebuild_tallies
    from zhiben.hazards.models import Hazard
    from zhiben.hazards.rules import q_active

    counted = Hazard.objects.exclude(status="cancelled")
    missing = (counted.exists() and not HazardTally.objects.exists()) or (
        counted.filter(q_active(), deadline__isnull=False).exists() and not EnterpriseDeadline.objects.exists()
    )
    if missing:
        rows = rebuild_tallies()
        if verbosity >= 1:
            print(f"  统计汇总：按明细重建 {sum(rows.values())} 行")


class AnalyticsConfig(AppConfig):
    name = "zhiben.analytics"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from zhiben.common import hooks

        from .tallies import fold_past_deadlines, tally_change_many

        post_migrate.connect(count_hazards_not_counted, sender=self, dispatch_uid="zhiben.analytics.count")
        # The hazard register feeds its changes here (ADR 0001); the sweep's new day folds past deadlines.
        hooks.on_tallies_changed("hazard", lambda changes, day: tally_change_many(changes, day=day))
        hooks.on_day_started(lambda today: fold_past_deadlines(today=today))
