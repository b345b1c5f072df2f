from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "zhiben.tips"
    verbose_name = "群众举报"

    def ready(self) -> None:
        from . import register  # noqa: F401  (declares the register to the kit)
