"""Notification delivery history (contract §3.21.13-15): filters in the URL, self-refreshing rows, one delivery's
page (which History opens as a drawer) with Copy payload and Redeliver now."""

import json
from dataclasses import dataclass

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from console.client import notifications as client
from console.client.errors import PlatformError
from console.client.models.notifications import Channel, Delivery, DeliveryDetail, Rule
from console.forms.base import PlatformForm
from console.forms.notifications import DeliveryQuery
from console.htmx import navigate, render_fragment, render_page, targets
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table
from console.views.decorators import page_url, signed_in
from console.views.notifications import manages

LIST = "console/notifications/history/list.html"
DETAIL = "console/notifications/history/detail.html"
POLL_SECONDS = 3  # while any visible delivery is pending or delivering (§5)


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
    menus around the table stay, and the chips name the channel and rule from the page's `included` (when the page
    names them).
    """
    query = DeliveryQuery(request.GET)
    page = client.list_deliveries(request.platform, **query.params())
    channel_id, rule_id = query.value("channel"), query.value("rule")
    named = (not channel_id or page.included.channel(channel_id)) and (not rule_id or page.included.rule(rule_id))
    if targets(request, "delivery-table") and named:  # else the chips need the menus' names (an empty page)
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
            "No deliveries yet",
            "Deliveries appear here when a rule matches an event, or when you send a test from a channel.",
            "clock-history",
            reverse("notification_channel_list"),
            "Go to channels",
        ),
        filtered_empty=Empty(
            "Nothing matches", "No delivery has these filters. Clear them to see every one.", "search"
        ),
        toolbar=f"{LIST}#delivery-poll" if polling else "",
        extra={"poll_seconds": POLL_SECONDS},
        noun=("delivery", "deliveries"),
    )
    return render_page(request, LIST, {"table": table, "tab": "history"}, partials="delivery-table")


@require_safe
@signed_in
def notification_delivery_detail(request: SignedInRequest, delivery_id: str):
    """GET /notifications/deliveries/{delivery}: the page, or the panel History's drawer (and its poll) swaps in."""
    detail = client.describe_delivery(request.platform, delivery_id)
    return render_page(request, DETAIL, panel(request, detail), partials="delivery-detail")


@require_POST
@signed_in
def notification_delivery_redeliver(request: SignedInRequest, delivery_id: str):
    """POST .../redeliver, then the panel again (GET): in flight and polling, or the refusal (409, 429) in place."""
    form = PlatformForm(request.POST)
    try:
        delivery = client.redeliver_delivery(request.platform, delivery_id)
    except PlatformError as error:  # 409, 429, a platform that went away; 403 and 404 are the middleware's
        form.add_platform_error(error)
    else:
        messages.success(request, f"Redelivering “{delivery.event_type}” now. The new attempt appears under Attempts.")
    if not request.htmx:
        if form.errors:
            messages.error(request, f"Not redelivered. {' '.join(map(str, form.non_field_errors()))}")
        return navigate(request, reverse("notification_delivery_detail", args=[delivery_id]))
    detail = client.describe_delivery(request.platform, delivery_id)
    context = panel(request, detail, form=form, focus=True)
    return render_fragment(request, f"{DETAIL}#delivery-detail", context, status=422 if form.errors else 200)


def panel(request, detail: DeliveryDetail, *, form: PlatformForm | None = None, focus: bool = False) -> dict:
    """What the delivery panel shows, and whether the caller may redeliver it (manage rights on its channel)."""
    delivery = detail.delivery
    channel = detail.included.channel(delivery.channel_id)
    live = channel is not None and channel.deleted_at is None
    return {
        "delivery": delivery,
        "channel": channel,
        "rule": detail.included.rule(delivery.rule_id),
        "payload": json.dumps(delivery.payload, indent=2, sort_keys=True),
        "polling": delivery.in_flight,
        "poll_seconds": POLL_SECONDS,
        "redeliver": delivery.redeliverable and live and channel is not None and manages(request, channel),
        "form": form,
        "focus": focus,  # after Redeliver now: focus the panel's heading, the button may be gone
        "in_list": (page_url(request) or "").split("?")[0] == reverse("notification_delivery_list"),
        "tab": "history",
    }
