from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhiben.demo"
    verbose_name = "演示数据"
