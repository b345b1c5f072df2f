from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "zhiben.imports"
    verbose_name = "台账导入"
