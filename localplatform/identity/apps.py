from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "localplatform.identity"
    label = "identity"
    verbose_name = "Local platform: identity and access"

    def ready(self):
        from localplatform.identity import signals  # noqa: F401  (connects the receivers)
