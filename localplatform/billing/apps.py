from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "localplatform.billing"
    label = "billing"
    verbose_name = "Local platform: billing"
