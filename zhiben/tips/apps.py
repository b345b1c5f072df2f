from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "zhiben.tips"
    verbose_name = "群众举报"
