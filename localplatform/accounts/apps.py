from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "localplatform.accounts"
    label = "accounts"

    def ready(self):
        from localplatform.accounts import receivers  # noqa: F401  (connects the signal receivers)
