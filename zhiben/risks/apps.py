from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "zhiben.risks"
    verbose_name = "双重预防（风险分级管控与隐患排查）"

    def ready(self) -> None:
        from . import register  # noqa: F401 - declares the registers to the platform (zhiben/common/kit.py)
