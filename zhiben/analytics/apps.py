from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "zhiben.analytics"
    verbose_name = "统计分析"
