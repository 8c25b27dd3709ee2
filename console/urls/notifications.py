"""Notifications: channels, rules and delivery history."""

from django.urls import path

from console.views import channels, deliveries, rules

urlpatterns = [
    path("notifications/channels", channels.notification_channel_list, name="notification_channel_list"),
    path("notifications/channels/new", channels.notification_channel_create, name="notification_channel_create"),
    path(
        "notifications/channels/<id:channel_id>",
        channels.notification_channel_edit,
        name="notification_channel_edit",
    ),
    path(
        "notifications/channels/<id:channel_id>/test",
        channels.notification_channel_test,
        name="notification_channel_test",
    ),
    path(
        "notifications/channels/<id:channel_id>/enabled",
        channels.notification_channel_enable,
        name="notification_channel_enable",
    ),
    path(
        "notifications/channels/<id:channel_id>/delete",
        channels.notification_channel_delete,
        name="notification_channel_delete",
    ),
    path("notifications/rules", rules.notification_rule_list, name="notification_rule_list"),
    path("notifications/rules/new", rules.notification_rule_create, name="notification_rule_create"),
    path("notifications/rules/<id:rule_id>", rules.notification_rule_edit, name="notification_rule_edit"),
    path(
        "notifications/rules/<id:rule_id>/enabled",
        rules.notification_rule_enable,
        name="notification_rule_enable",
    ),
    path(
        "notifications/rules/<id:rule_id>/delete",
        rules.notification_rule_delete,
        name="notification_rule_delete",
    ),
    path("notifications/history", deliveries.notification_delivery_list, name="notification_delivery_list"),
    path(
        "notifications/history/<id:delivery_id>",
        deliveries.notification_delivery_detail,
        name="notification_delivery_detail",
    ),
    path(
        "notifications/history/<id:delivery_id>/redeliver",
        deliveries.notification_delivery_redeliver,
        name="notification_delivery_redeliver",
    ),
]
