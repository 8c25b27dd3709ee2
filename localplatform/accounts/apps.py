from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "localplatform.accounts"
    label = "accounts"

    def ready(self):
        # Registers the system checks and connects the signal receivers.
        from localplatform.accounts import checks, receivers  # noqa: F401
