from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "zhiben.hazards"
    verbose_name = "重大事故隐患"

    def ready(self) -> None:
        from zhiben.common import hooks

        from . import register  # noqa: F401 - declares the register to the platform (zhiben/common/kit.py)
        from .services import hazards_follow_enterprises

        # an enterprise registered in another region takes its hazards along (their region is its, copied)
        hooks.on_enterprises_moved(hazards_follow_enterprises)
