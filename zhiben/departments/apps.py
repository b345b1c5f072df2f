from django.apps import AppConfig


class DepartmentsConfig(AppConfig):
    name = "zhiben.departments"
    verbose_name = "成员单位"

    def ready(self) -> None:
        from . import register  # noqa: F401 - declares the register to the platform (zhiben/common/kit.py)
