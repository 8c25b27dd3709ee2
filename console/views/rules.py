"""Notification rules (contract §3.21.8-12): list with inline enable toggles, create and edit with the event picker."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import notifications as client
from console.client.errors import Conflict, ValidationFailed
from console.client.models.notifications import NotificationIncluded, Rule
from console.forms.notifications import RuleForm
from console.htmx import render_page
from console.views.decorators import signed_in
from console.views.notifications import NotificationAccess, notification_access, owner_of

LIST = "console/notifications/rules/list.html"
FORM = "console/notifications/rules/form.html"


def rule_row(rule: Rule, included: NotificationIncluded, access: NotificationAccess, labels: dict[str, str]) -> dict:
    channels = [included.channel(channel_id) for channel_id in rule.channel_ids]
    return {
        "rule": rule,
        "owner": owner_of(rule, included, access),
        "channels": [channel for channel in channels if channel is not None],
        "hidden_channels": sum(1 for channel in channels if channel is None),
        "events": [labels.get(key, key) for key in rule.event_types],
        "manage": access.can_manage(rule),
    }


@require_safe
@signed_in
def notification_rule_list(request):
    """Every rule the caller can see, with its events, channels and an enabled toggle."""
    marker = request.GET.get("marker") or None
    page = client.list_rules(request.platform, marker=marker, limit=50)
    labels = {event.key: event.label for event in client.list_event_types(request.platform)}
    access = notification_access(request)
    rows = [rule_row(rule, page.included, access, labels) for rule in page.items]
    context = {"rows": rows, "page": page, "access": access, "marker": marker, "tab": "rules"}
    return render_page(request, LIST, context, partials="rule-table")


def _channel_choices(request) -> list[tuple[str, str]]:
    page = client.list_channels(request.platform)
    return [(c.id, f"{c.name} ({c.type_label}{'' if c.enabled else ', disabled'})") for c in page.items]


def _rule_form(request, access: NotificationAccess, rule: Rule | None = None) -> RuleForm:
    return RuleForm(
        request.POST or None,
        event_types=client.list_event_types(request.platform),
        channels=_channel_choices(request),
        owners=access.owner_choices(),
        rule=rule,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def notification_rule_create(request):
    """A new rule: events (shortcuts expand on save), channels, scope and owner."""
    access = notification_access(request, with_teams=True)
    form = _rule_form(request, access)
    if request.method == "POST" and form.is_valid():
        try:
            rule = client.create_rule(request.platform, form.to_body())
        except (ValidationFailed, Conflict) as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Rule “{rule.name}” created.")
            return redirect("notification_rule_list")
    status = 422 if form.is_bound and form.errors else 200
    return render(request, FORM, {"form": form, "tab": "rules", "access": access}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def notification_rule_edit(request, rule_id: str):
    """One rule: edit it when the caller manages it, else read it; delete with confirmation."""
    rule = client.describe_rule(request.platform, rule_id)
    access = notification_access(request, with_teams=True)
    manage = access.can_manage(rule)
    form = _rule_form(request, access, rule)
    if request.method == "POST" and manage and form.is_valid():
        try:
            rule = client.update_rule(request.platform, rule.id, form.to_body())
        except (ValidationFailed, Conflict) as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Rule “{rule.name}” saved.")
            return redirect("notification_rule_list")
    status = 422 if form.is_bound and form.errors else 200
    context = {"form": form, "rule": rule, "manage": manage, "tab": "rules", "access": access}
    return render(request, FORM, context, status=status)


@require_POST
@signed_in
def notification_rule_enable(request, rule_id: str):
    """The inline toggle: htmx swaps the row; without JavaScript the form posts and the list reloads."""
    enabled = request.POST.get("enabled") == "true"
    try:
        rule = client.update_rule(request.platform, rule_id, {"enabled": enabled})
        error = None
    except ValidationFailed as refusal:
        rule = client.describe_rule(request.platform, rule_id)
        error = " ".join(refusal.field_errors.values()) or refusal.message
    if not request.htmx:
        if error:
            messages.error(request, f"“{rule.name}” was not enabled: {error}")
        else:
            messages.success(request, f"Rule “{rule.name}” {'enabled' if enabled else 'disabled'}.")
        return redirect("notification_rule_list")
    access = notification_access(request)
    included = NotificationIncluded(channels=client.list_channels(request.platform).items)
    labels = {event.key: event.label for event in client.list_event_types(request.platform)}
    row = rule_row(rule, included, access, labels)
    row["error"] = error
    response = HttpResponse(render_to_string(f"{LIST}#rule-row", {"row": row}, request))
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@signed_in
def notification_rule_delete(request, rule_id: str):
    """Soft-delete a rule; its past deliveries stay in History."""
    rule = client.describe_rule(request.platform, rule_id)
    client.delete_rule(request.platform, rule.id)
    messages.success(request, f"Rule “{rule.name}” deleted.")
    return redirect("notification_rule_list")
