from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "localplatform.events"
    label = "events"
    verbose_name = "Local platform: events"
