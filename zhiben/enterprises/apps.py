from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhiben.enterprises"
    verbose_name = "企业"
