from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "zhiben.filings"
    verbose_name = "隐患排查治理统计报送"

    def ready(self) -> None:
        from . import register  # noqa: F401 - declares the register to the platform (zhiben/common/kit.py)
