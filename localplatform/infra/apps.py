from django.apps import AppConfig


class InfraConfig(AppConfig):
    name = "localplatform.infra"
    label = "infra"
    verbose_name = "Local platform: infrastructure"

    def ready(self):
        # The finishers of each resource's operations register themselves on import.
        from localplatform.infra import clusters, connections, networks  # noqa: F401
