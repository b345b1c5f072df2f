from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "zhiben.common"
    verbose_name = "公共"
