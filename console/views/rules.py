"""Notification rules (contract §3.21.8-12): list with inline enable toggles, create and edit with the event picker."""

from dataclasses import dataclass

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import notifications as client
from console.client.errors import Conflict, PlatformError, ValidationFailed
from console.client.models.notifications import Channel, NotificationIncluded, Owner, Rule
from console.forms.lists import MarkerQuery
from console.forms.notifications import EnabledForm
from console.forms.rules import RuleForm
from console.htmx import navigate, render_fragment, render_page, targets
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table
from console.views.decorators import page_url, safe_next, signed_in
from console.views.notifications import (
    NotificationAccess,
    ResourcePicker,
    notification_access,
    owner_of,
    resource_picker,
)

LIST = "console/notifications/rules/list.html"
FORM = "console/notifications/rules/form.html"


@dataclass(frozen=True)
class RuleRow:
    """One row of the table: the rule, its owner, the channels the caller can see, its events by label."""

    rule: Rule
    owner: Owner
    channels: list[Channel]
    hidden_channels: int  # channels the caller cannot view (§3.21.8: missing from `included`)
    events: list[str]
    manage: bool
    toggle_form: EnabledForm | None = None  # after a toggle: the platform's refusal, if any


def rule_row(
    rule: Rule, included: NotificationIncluded, access: NotificationAccess, labels: dict[str, str], form=None
) -> RuleRow:
    channels = [included.channel(channel_id) for channel_id in rule.channel_ids]
    return RuleRow(
        rule,
        owner_of(rule, included, access),
        [channel for channel in channels if channel is not None],
        sum(1 for channel in channels if channel is None),
        [labels.get(key, key) for key in rule.event_types],
        access.can_manage(rule),
        form,
    )


def event_labels(request) -> dict[str, str]:
    return {event.key: event.label for event in client.list_event_types(request.platform)}


@require_safe
@signed_in
def notification_rule_list(request: SignedInRequest):
    """GET /notifications/rules (channels come included) and GET /notifications/event-types for the labels."""
    query = MarkerQuery(request.GET)
    page = client.list_rules(request.platform, **query.params())
    labels = event_labels(request)
    access = notification_access(request)
    table = Table(
        id="rule-table",
        caption="Notification rules",
        query=query,
        rows=[rule_row(rule, page.included, access, labels) for rule in page.items],
        next_marker=page.marker,
        row=f"{LIST}#rule-row",
        columns=[
            Column("Enabled"),
            Column("Rule"),
            Column("Events"),
            Column("Channels"),
            Column("Owner"),
            Column("Actions", css="actions"),
        ],
        empty=Empty(
            "No rules yet",
            "A rule picks events (a member joined, a job run failed…) and sends them to channels. Create a "
            "channel first if you have none, then a rule.",
            "diagram-3",
            reverse("notification_rule_create") if access.can_create else "",
            "New rule",
        ),
        noun=("rule", "rules"),
    )
    context = {"table": table, "access": access, "tab": "rules", "back": request.get_full_path()}
    return render_page(request, LIST, context, partials="rule-table")


def rule_form(request, access: NotificationAccess | None, rule: Rule | None = None) -> RuleForm:
    """The form with its choices: the event catalog, and the channels the caller can see (not for an in-place
    refresh, `access` None, which re-renders only the scope or the resource search)."""
    channels = client.list_channels(request.platform).items if access else []
    form = RuleForm(
        request.POST if request.method == "POST" else None,
        event_types=client.list_event_types(request.platform),
        channels=[(c.id, f"{c.name} ({c.type_label}{'' if c.enabled else ', disabled'})") for c in channels],
        owners=access.owner_choices() if access else [],
        rule=rule,
    )
    form.refreshing = bool(request.POST.get("action"))  # "refresh" or "find": show what fits, save nothing
    return form


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def notification_rule_create(request: SignedInRequest):
    """POST /notifications/rules: events (shortcuts expand on save), channels, scope and owner."""
    return rule_page(request)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def notification_rule_edit(request: SignedInRequest, rule_id: str):
    """One rule (PATCH to save): editable when the caller manages it, else read-only; delete with confirmation."""
    return rule_page(request, client.describe_rule(request.platform, rule_id))


def rule_page(request: SignedInRequest, rule: Rule | None = None):
    """Save and go back to the list, or show the form: the page, a refusal (422), or an in-place refresh of the
    scopes (the events or owner changed) or of the resources to pick from (the scope changed, a search)."""
    in_place = targets(request, "rule-scope") or targets(request, "resource-options")
    access = None if in_place else notification_access(request, with_teams=True)
    form = rule_form(request, access, rule)
    if form.is_bound and not form.refreshing and form.is_valid():
        try:
            if rule is None:
                saved = client.create_rule(request.platform, form.to_body())
            else:
                saved = client.update_rule(request.platform, rule.id, form.to_body())
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Rule “{saved.name}” {'created' if rule is None else 'saved'}.")
            return navigate(request, reverse("notification_rule_list"))
    context = {
        "form": form,
        "rule": rule,
        "manage": rule is None or (access is not None and access.can_manage(rule)),
        "picker": picker_for(request, form),
        "tab": "rules",
        "access": access,
    }
    partials = {"rule-form": "rule-form", "rule-scope": "rule-scope", "resource-options": "resource-options"}
    return render_page(request, FORM, context, partials=partials, status=422 if form.errors else 200)


def picker_for(request, form: RuleForm) -> ResourcePicker:
    """The resources to pick from, listed only while the scope "One specific resource" is chosen."""
    chosen = str(form["resource_id"].value() or "")
    if form["scope_type"].value() != "resource":
        return ResourcePicker(form.resource_type, form.find)
    return resource_picker(request, form.resource_type, form.find, chosen)


@require_POST
@signed_in
def notification_rule_enable(request: SignedInRequest, rule_id: str):
    """The inline switch (PATCH {enabled}), with a toast either way: htmx swaps the row, else back to the list."""
    form = EnabledForm(request.POST)
    enabled = form.is_valid() and form.cleaned_data["enabled"]
    verb = "enabled" if enabled else "disabled"
    try:
        rule = client.update_rule(request.platform, rule_id, {"enabled": enabled})
    except (Conflict, ValidationFailed) as error:  # e.g. no channels left; a down platform is the middleware's
        form.add_platform_error(error)
        rule = client.describe_rule(request.platform, rule_id)
        messages.error(request, f"Rule “{rule.name}” was not {verb}. {' '.join(map(str, form.non_field_errors()))}")
    else:
        messages.success(request, f"Rule “{rule.name}” {verb}.")
    if not request.htmx:
        return navigate(request, safe_next(request) or reverse("notification_rule_list"))
    included = NotificationIncluded(channels=client.list_channels(request.platform).items)
    row = rule_row(rule, included, notification_access(request), event_labels(request), form)
    context = {"row": row, "back": page_url(request)}
    return render_fragment(request, f"{LIST}#rule-row", context, status=422 if form.errors else 200)


@require_POST
@signed_in
def notification_rule_delete(request: SignedInRequest, rule_id: str):
    """DELETE /notifications/rules/{rule} (soft); its past deliveries stay in History."""
    rule = client.describe_rule(request.platform, rule_id)
    client.delete_rule(request.platform, rule.id)
    messages.success(request, f"Rule “{rule.name}” deleted.")
    return navigate(request, reverse("notification_rule_list"))
