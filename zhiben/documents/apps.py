from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "zhiben.documents"
    verbose_name = "文书"
