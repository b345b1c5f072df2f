from django.apps import AppConfig


class AccidentsConfig(AppConfig):
    name = "zhiben.accidents"
    verbose_name = "生产安全事故"

    def ready(self) -> None:
        from . import register  # noqa: F401 - declares the register to the platform (zhiben/common/kit.py)
