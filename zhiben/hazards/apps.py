from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "zhiben.hazards"
    verbose_name = "重大事故隐患"
