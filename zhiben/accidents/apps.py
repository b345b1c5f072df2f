from django.apps import AppConfig


class AccidentsConfig(AppConfig):
    name = "zhiben.accidents"
    verbose_name = "生产安全事故"
