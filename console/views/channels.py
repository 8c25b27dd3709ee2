"""Notification channels (contract §3.21.2-7): list, create and edit per type, enable/disable, test, delete."""

from dataclasses import dataclass

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import notifications as client
from console.client.errors import Conflict, PlatformError, ValidationFailed
from console.client.members import list_members
from console.client.models.notifications import (
    CHANNEL_TYPES,
    Channel,
    ChannelTestResult,
    NotificationIncluded,
    Owner,
)
from console.forms.base import PlatformForm
from console.forms.lists import MarkerQuery
from console.forms.notifications import ChannelForm, EnabledForm
from console.htmx import navigate, render_fragment, render_page, targets
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table
from console.views.decorators import page_url, safe_next, signed_in
from console.views.notifications import NotificationAccess, notification_access, owner_of

LIST = "console/notifications/channels/list.html"
FORM = "console/notifications/channels/form.html"
PARTIALS = {"channel-form": "channel-form", "webhook-headers": "webhook-headers"}


@dataclass(frozen=True)
class ChannelRow:
    """One row of the table: the channel, its owner and email target, what the caller may do, a test's outcome."""

    channel: Channel
    owner: Owner
    target: str | None
    manage: bool
    result: ChannelTestResult | None = None
    test_form: PlatformForm | None = None  # after "Send test": the platform's refusal, if any


def channel_row(
    channel: Channel, included: NotificationIncluded, access: NotificationAccess, **after_test
) -> ChannelRow:
    target = None
    if channel.type == "email":
        member = included.member(channel.config.member_id)
        team = included.team(channel.config.team_id)
        target = member.display_name if member else f"Team {team.team.name}" if team else None
    owner = owner_of(channel, included, access)
    return ChannelRow(channel, owner, target, access.can_manage(channel), **after_test)


@require_safe
@signed_in
def notification_channel_list(request: SignedInRequest):
    """GET /notifications/channels (owners and email targets come included), plus GET /me/teams for team admins."""
    query = MarkerQuery(request.GET)
    page = client.list_channels(request.platform, **query.params())
    access = notification_access(request)
    table = Table(
        id="channel-table",
        caption="Notification channels",
        query=query,
        rows=[channel_row(channel, page.included, access) for channel in page.items],
        next_marker=page.marker,
        row=f"{LIST}#channel-row",
        columns=[
            Column("Channel"),
            Column("Owner"),
            Column("Status"),
            Column("Last verified"),
            Column("Actions", css="actions"),
        ],
        empty=Empty(
            "No channels yet",
            "A channel is a place notifications go: an email address, a Slack channel, a webhook, PagerDuty or "
            "Rootly. Create one, send it a test, then add a rule that routes events to it.",
            "broadcast",
            reverse("notification_channel_create") if access.can_create else "",
            "New channel",
        ),
        noun=("channel", "channels"),
    )
    context = {"table": table, "access": access, "tab": "channels", "back": request.get_full_path()}
    return render_page(request, LIST, context, partials="channel-table")


def email_targets(request, access: NotificationAccess) -> list[tuple[str, list[tuple[str, str]]]]:
    """Email targets grouped for the picker: members and teams the caller may address."""
    if access.manage_org:
        members = [(f"member:{e.member.id}", e.member.display_name) for e in list_members(request.platform).rows]
    else:
        members = [(f"member:{access.member_id}", "Me")]
    teams = [(f"team:{team_id}", name) for team_id, name in access.teams.items()]
    return [("Members", members), ("Teams", teams)]


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def notification_channel_create(request: SignedInRequest):
    """Pick a type, then fill that type's form (POST /notifications/channels); a refusal stays on the form."""
    channel_type = request.GET.get("type") or request.POST.get("type")
    access = notification_access(request, with_teams=True)
    context = {"types": CHANNEL_TYPES, "tab": "channels", "access": access}
    if channel_type not in CHANNEL_TYPES:
        return render_page(request, FORM, context)
    recipients = email_targets(request, access) if channel_type == "email" else None
    form = ChannelForm(
        request.POST if request.method == "POST" else None,
        channel_type=channel_type,
        owners=access.owner_choices(),
        targets=recipients,
    )
    if action_of(request):
        form.edit_headers(action_of(request))
    elif form.is_bound and form.is_valid():
        try:
            channel = client.create_channel(request.platform, form.to_body())
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Channel “{channel.name}” created. Send a test to check it arrives.")
            return navigate(request, reverse("notification_channel_edit", args=[channel.id]))
    context["form"] = form
    return render_page(request, FORM, context, partials=PARTIALS, status=422 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def notification_channel_edit(request: SignedInRequest, channel_id: str):
    """One channel (PATCH to save): its settings, read-only unless the caller manages it; test, enable, delete."""
    channel = client.describe_channel(request.platform, channel_id)
    access = notification_access(request, with_teams=True)
    manage = access.can_manage(channel)
    recipients = email_targets(request, access) if channel.type == "email" and manage else None
    data = request.POST if request.method == "POST" else None
    form = ChannelForm(
        data, channel_type=channel.type, owners=access.owner_choices(), targets=recipients, channel=channel
    )
    if action_of(request):
        form.edit_headers(action_of(request))
    elif form.is_bound and form.is_valid():
        try:
            channel = client.update_channel(request.platform, channel.id, form.to_body())
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Channel “{channel.name}” saved.")
            return navigate(request, reverse("notification_channel_edit", args=[channel.id]))
    context = {
        "form": form,
        "channel": channel,
        "manage": manage,
        "owner": owner_of(channel, NotificationIncluded(), access),
        "tab": "channels",
        "access": access,
    }
    if not (targets(request, "channel-form") or targets(request, "webhook-headers")):  # the delete warning's rules
        context["rules"] = client.list_rules(request.platform, channel_id=channel.id).items if manage else []
    return render_page(request, FORM, context, partials=PARTIALS, status=422 if form.errors else 200)


def action_of(request) -> str:
    """A press that re-renders the form as typed and saves nothing ("add_header", "remove_header:N"), or ""."""
    return request.POST.get("action", "") if request.method == "POST" else ""


@require_POST
@signed_in
def notification_channel_test(request: SignedInRequest, channel_id: str):
    """POST /notifications/channels/{channel}/test: htmx swaps the row (or the edit page's panel) with the outcome."""
    form = PlatformForm(request.POST)
    result = None
    try:
        result = client.test_channel(request.platform, channel_id)
    except Conflict as error:  # the channel is disabled; a down platform is the middleware's (the row stays)
        form.add_platform_error(error)
    if not request.htmx:
        report_test(request, result, form)
        return navigate(request, safe_next(request) or reverse("notification_channel_edit", args=[channel_id]))
    channel = result.channel if result else client.describe_channel(request.platform, channel_id)
    access = notification_access(request, with_teams=True)  # names the owning team in the row
    row = channel_row(channel, NotificationIncluded(), access, result=result, test_form=form)
    status = 422 if form.errors else 200
    if targets(request, "test-panel"):
        return render_fragment(request, f"{FORM}#test-panel", {"channel": channel, "row": row}, status=status)
    return render_fragment(request, f"{LIST}#channel-row", {"row": row, "back": page_url(request)}, status=status)


def report_test(request, result: ChannelTestResult | None, form: PlatformForm) -> None:
    """Without JavaScript the outcome of a test is a message on the page the user goes back to."""
    if form.errors:
        messages.error(request, f"No test sent. {' '.join(map(str, form.non_field_errors()))}")
    elif result and result.delivered:
        messages.success(request, f"Test delivered. {result.message}")
    elif result:
        messages.error(request, f"Test failed: {result.message}")


@require_POST
@signed_in
def notification_channel_enable(request: SignedInRequest, channel_id: str):
    """PATCH /notifications/channels/{channel} {enabled}; back to the page the switch was on."""
    form = EnabledForm(request.POST)
    enabled = form.is_valid() and form.cleaned_data["enabled"]
    verb = "enabled" if enabled else "disabled"
    try:
        channel = client.update_channel(request.platform, channel_id, {"enabled": enabled})
    except (Conflict, ValidationFailed) as error:  # a down platform is the middleware's: the switch stays put
        form.add_platform_error(error)
        messages.error(request, f"The channel was not {verb}: {' '.join(map(str, form.non_field_errors()))}")
    else:
        messages.success(request, f"Channel “{channel.name}” {verb}.")
    return navigate(request, safe_next(request) or reverse("notification_channel_list"))


@require_POST
@signed_in
def notification_channel_delete(request: SignedInRequest, channel_id: str):
    """DELETE /notifications/channels/{channel} (soft); rules lose it, and are disabled when it was their last."""
    channel = client.describe_channel(request.platform, channel_id)
    client.delete_channel(request.platform, channel.id)
    messages.success(request, f"Channel “{channel.name}” deleted. Its delivery history stays in History.")
    return navigate(request, reverse("notification_channel_list"))
