from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "zhiben.inspections"
    verbose_name = "监督检查与行政执法"

    def ready(self) -> None:
        from . import register  # noqa: F401 - declares the registers to the platform (zhiben/common/kit.py)
