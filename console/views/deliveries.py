"""Notification delivery history (contract §3.21.13): filters in the URL, self-refreshing rows, a detail panel."""

import json

from django import forms
from django.http import Http404
from django.views.decorators.http import require_safe

from console.client import notifications as client
from console.client.models.notifications import Delivery, MarkerPage
from console.htmx import render_page, targets
from console.views.decorators import signed_in

LIST = "console/notifications/history/list.html"
DETAIL = "console/notifications/history/detail.html"
STATUSES = ["pending", "delivering", "delivered", "failed", "skipped"]
POLL_SECONDS = 3  # while any visible delivery is pending or delivering (§5)
SEARCH_PAGES = 5  # the contract has no describe-delivery: the detail is found in the channel's history


class HistoryFilter(forms.Form):
    channel = forms.RegexField(regex=r"^[A-Z0-9]{1,20}$", required=False)
    rule = forms.RegexField(regex=r"^[A-Z0-9]{1,20}$", required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *[(s, s.capitalize()) for s in STATUSES]], required=False)
    marker = forms.CharField(required=False, max_length=512)


def _rows(page: MarkerPage[Delivery]) -> list[dict]:
    return [
        {"delivery": d, "channel": page.included.channel(d.channel_id), "rule": page.included.rule(d.rule_id)}
        for d in page.items
    ]


@require_safe
@signed_in
def notification_delivery_list(request):
    """Newest first; the table polls itself every few seconds while any row is in flight (3 calls; polls 1)."""
    filters = HistoryFilter(request.GET)
    filters.is_valid()  # a malformed value is dropped (and shown at its field); the valid ones still apply
    values = filters.cleaned_data
    page = client.list_deliveries(
        request.platform,
        limit=50,
        marker=values.get("marker") or None,
        channel_id=values.get("channel") or None,
        rule_id=values.get("rule") or None,
        status=values.get("status") or None,
    )
    context = {
        "rows": _rows(page),
        "page": page,
        "filters": filters,
        "values": values,
        "polling": any(d.in_flight for d in page.items),
        "poll_seconds": POLL_SECONDS,
        "tab": "history",
    }
    if not targets(request, "delivery-table"):  # the filter menus are outside the polled table
        context["channels"] = client.list_channels(request.platform).items
        context["rules"] = client.list_rules(request.platform).items
    return render_page(request, LIST, context, partials="delivery-table")


@require_safe
@signed_in
def notification_delivery_detail(request, delivery_id: str):
    """One delivery's attempts and payload: a panel for htmx, a whole page without JavaScript."""
    channel_id = request.GET.get("channel") or None
    delivery, page = _find(request, delivery_id, channel_id)
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


def _find(request, delivery_id: str, channel_id: str | None) -> tuple[Delivery, MarkerPage[Delivery]]:
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
