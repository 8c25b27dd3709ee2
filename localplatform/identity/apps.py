from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "localplatform.identity"
    label = "identity"
    verbose_name = "Local platform: identity and access"
