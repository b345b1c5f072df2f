from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "zhiben.plans"
    verbose_name = "方案与重点任务"

    def ready(self) -> None:
        from . import register  # noqa: F401 - declares the registers to the platform (zhiben/common/kit.py)
