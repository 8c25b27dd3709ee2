from django.apps import AppConfig


class WorkloadsConfig(AppConfig):
    name = "localplatform.workloads"
    label = "workloads"
    verbose_name = "Local platform: workloads"
