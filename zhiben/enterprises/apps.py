from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhiben.enterprises"
    verbose_name = "企业"

    def ready(self) -> None:
        from . import register  # noqa: F401 - declares the register to the platform (zhiben/common/kit.py)
