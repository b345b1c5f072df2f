from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "zhiben.escalation"
    verbose_name = "逾期升级"

    def ready(self) -> None:
        from zhiben.common import hooks

        from .engine import verify_sweeps

        # verify_events (kernel) runs this after the event chains: the sweeps' rows behind their digests.
        hooks.on_verify_chain("escalation", verify_sweeps)
