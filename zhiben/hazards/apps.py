from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "zhiben.hazards"
    verbose_name = "重大事故隐患"

    def ready(self) -> None:
        from . import register  # noqa: F401  (declares the register to the kit)
