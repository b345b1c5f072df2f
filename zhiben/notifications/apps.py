from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhiben.notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        from zhiben.common import hooks

        from .rules import on_events

        # The registers hand over the events they write; the rules they declare say who is told.
        hooks.on_events_written(on_events)
