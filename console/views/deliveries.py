"""Notification delivery history (contract §3.21.13): filters in the URL, self-refreshing rows, a detail panel."""

import json
from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_safe

from console.client import notifications as client
from console.client.models.notifications import Channel, Delivery, MarkerPage, Rule
from console.forms.notifications import DeliveryQuery
from console.htmx import render_page, targets
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table
from console.views.decorators import signed_in

LIST = "console/notifications/history/list.html"
DETAIL = "console/notifications/history/detail.html"
POLL_SECONDS = 3  # while any visible delivery is pending or delivering (§5)
SEARCH_PAGES = 5  # the client has no describe-delivery: the detail is found in the channel's history


@dataclass(frozen=True)
class DeliveryRow:
    delivery: Delivery
    channel: Channel | None  # from `included`: soft-deleted ones too
    rule: Rule | None


def names(things: list[Channel] | list[Rule]) -> list[tuple[str, str]]:
    """Filter choices: (id, name), a soft-deleted one marked so."""
    return [(thing.id, f"{thing.name} (deleted)" if thing.deleted_at else thing.name) for thing in things]


@require_safe
@signed_in
def notification_delivery_list(request: SignedInRequest):
    """GET /notifications/deliveries, newest first, plus channels and rules for the filter menus.

    A table refresh (filters, pager, the poll every few seconds while a row is in flight) is the one call: the
    menus around the table stay, and the chips name the channel and rule from the page's `included`.
    """
    query = DeliveryQuery(request.GET)
    page = client.list_deliveries(request.platform, **query.params())
    if targets(request, "delivery-table"):
        query.options["channel"], query.options["rule"] = names(page.included.channels), names(page.included.rules)
    else:
        query.options["channel"] = names(client.list_channels(request.platform).items)
        query.options["rule"] = names(client.list_rules(request.platform).items)
    polling = any(delivery.in_flight for delivery in page.items)
    table = Table(
        id="delivery-table",
        caption="Deliveries, newest first",
        query=query,
        rows=[DeliveryRow(d, page.included.channel(d.channel_id), page.included.rule(d.rule_id)) for d in page.items],
        next_marker=page.marker,
        row=f"{LIST}#delivery-row",
        columns=[
            Column("Status"),
            Column("Event"),
            Column("Channel"),
            Column("Rule"),
            Column("Attempts", css="num"),
            Column("When"),
            Column("Details", css="actions"),
        ],
        empty=Empty(
            "Nothing delivered yet",
            "Deliveries appear here when a rule matches an event, or when you send a test from a channel.",
            "clock-history",
            reverse("notification_channel_list"),
            "Go to channels",
        ),
        filtered_empty=Empty(
            "No deliveries match", "Nothing was sent with these filters. Clear them to see every delivery.", "search"
        ),
        toolbar=f"{LIST}#delivery-poll" if polling else "",
        extra={"poll_seconds": POLL_SECONDS},
        noun=("delivery", "deliveries"),
    )
    return render_page(request, LIST, {"table": table, "tab": "history"}, partials="delivery-table")


@require_safe
@signed_in
def notification_delivery_detail(request: SignedInRequest, delivery_id: str):
    """One delivery's attempts and payload: a panel for htmx, a whole page without JavaScript."""
    channel_id = request.GET.get("channel") or None
    delivery, page = find(request, delivery_id, channel_id)
    context = {
        "delivery": delivery,
        "channel": page.included.channel(delivery.channel_id),
        "rule": page.included.rule(delivery.rule_id),
        "payload": json.dumps(delivery.payload, indent=2, sort_keys=True),
        "polling": delivery.in_flight,
        "poll_seconds": POLL_SECONDS,
        "tab": "history",
    }
    return render_page(request, DETAIL, context, partials="delivery-detail")


def find(request, delivery_id: str, channel_id: str | None) -> tuple[Delivery, MarkerPage[Delivery]]:
    """The delivery from the (channel's) history, newest pages first: GET /notifications/deliveries per page."""
    marker = None
    for _ in range(SEARCH_PAGES):
        page = client.list_deliveries(request.platform, limit=100, marker=marker, channel_id=channel_id)
        for delivery in page.items:
            if delivery.id == delivery_id:
                return delivery, page
        marker = page.marker
        if not marker:
            break
    raise Http404("No such delivery in the history you can see.")
