from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhiben.notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        from zhiben.common import hooks

        from .rules import on_events, people_notices

        # The registers hand over the events they write; the rules they declare say who is told.
        hooks.on_events_written(on_events)
        # Notices for named people (the missed-check ladder of dual prevention).
        hooks.on_people_told(people_notices)
