from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "localplatform.sso"
    label = "sso"
    verbose_name = "Local platform: identity providers and single sign-on"
