from django.apps import AppConfig


class WebConfig(AppConfig):
    """The top layer: pages that compose several registers and engines (home, navigation, dashboards)."""

    name = "zhiben.web"
    verbose_name = "页面"
