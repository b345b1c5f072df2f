from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhiben.audit"
    verbose_name = "事件记录"
