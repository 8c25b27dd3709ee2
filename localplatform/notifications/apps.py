from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "localplatform.notifications"
    label = "notifications"
    verbose_name = "Local platform: notifications"

    def ready(self) -> None:
        from localplatform.events import event_committed
        from localplatform.notifications import fanout, logs

        event_committed.connect(fanout.on_event_committed, dispatch_uid="notifications.pipeline")
        logs.install()
