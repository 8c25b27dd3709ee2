from django.apps import AppConfig


class InfraConfig(AppConfig):
    name = "localplatform.infra"
    label = "infra"
    verbose_name = "Local platform: infrastructure"
