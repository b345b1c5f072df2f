from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "zhiben.duties"
    verbose_name = "履职清单与督促问责"

    def ready(self) -> None:
        from . import register  # noqa: F401 - declares the registers to the platform (zhiben/common/kit.py)
