"""Notification channels (contract §3.21.2-7): list, create and edit per type, enable/disable, test, delete."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import notifications as client
from console.client.errors import Conflict, ValidationFailed
from console.client.members import list_members
from console.client.models.notifications import CHANNEL_TYPES, Channel, ChannelTestResult, NotificationIncluded
from console.client.teams import list_teams
from console.forms.notifications import ChannelForm
from console.htmx import render_page
from console.views.decorators import safe_next, signed_in
from console.views.notifications import NotificationAccess, notification_access, owner_of

LIST = "console/notifications/channels/list.html"
FORM = "console/notifications/channels/form.html"


def channel_row(channel: Channel, included: NotificationIncluded, access: NotificationAccess, result=None) -> dict:
    """What one table row shows: the channel, its owner and email target, and what the caller may do."""
    target = None
    if channel.type == "email":
        member = included.member(channel.config.member_id)
        team = included.team(channel.config.team_id)
        target = member.display_name if member else f"Team {team.team.name}" if team else None
    return {
        "channel": channel,
        "owner": owner_of(channel, included, access),
        "target": target,
        "manage": access.can_manage(channel),
        "result": result,
    }


@require_safe
@signed_in
def notification_channel_list(request):
    """Every channel the caller can see, with status and last verification (one call, plus the caller's teams)."""
    marker = request.GET.get("marker") or None
    page = client.list_channels(request.platform, marker=marker, limit=50)
    access = notification_access(request)
    rows = [channel_row(channel, page.included, access) for channel in page.items]
    context = {
        "rows": rows,
        "page": page,
        "access": access,
        "marker": marker,
        "tab": "channels",
        "types": CHANNEL_TYPES,
    }
    return render_page(request, LIST, context, partials="channel-table")


def _targets(request, access: NotificationAccess) -> list[tuple[str, list[tuple[str, str]]]]:
    """Email targets grouped for the picker: members and teams the caller may address."""
    if access.manage_org:
        members = [(f"member:{e.member.id}", e.member.display_name) for e in list_members(request.platform).rows]
        teams = [(f"team:{s.team.id}", s.team.name) for s in list_teams(request.platform).items]
    else:
        members = [(f"member:{access.member_id}", "Me")]
        teams = [(f"team:{team_id}", name) for team_id, name in access.teams.items()]
    return [("Members", members), ("Teams", teams)]


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def notification_channel_create(request):
    """Pick a type, then fill that type's form; a refusal stays on the form with what was typed."""
    channel_type = request.GET.get("type") or request.POST.get("type")
    access = notification_access(request, with_teams=True)
    if channel_type not in CHANNEL_TYPES:
        return render(request, FORM, {"types": CHANNEL_TYPES, "tab": "channels", "access": access})
    targets = _targets(request, access) if channel_type == "email" else None
    form = ChannelForm(request.POST or None, channel_type=channel_type, owners=access.owner_choices(), targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            channel = client.create_channel(request.platform, form.to_body())
        except (ValidationFailed, Conflict) as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Channel “{channel.name}” created. Send a test to check it arrives.")
            return redirect("notification_channel_edit", channel_id=channel.id)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, FORM, {"form": form, "tab": "channels", "access": access}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def notification_channel_edit(request, channel_id: str):
    """One channel: its settings (read-only unless the caller manages it), test, enable, delete."""
    channel = client.describe_channel(request.platform, channel_id)
    access = notification_access(request, with_teams=True)
    manage = access.can_manage(channel)
    targets = _targets(request, access) if channel.type == "email" and manage else None
    owners = access.owner_choices()
    form = ChannelForm(request.POST or None, channel_type=channel.type, owners=owners, targets=targets, channel=channel)
    if request.method == "POST" and form.is_valid():
        try:
            channel = client.update_channel(request.platform, channel.id, form.to_body())
        except (ValidationFailed, Conflict) as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Channel “{channel.name}” saved.")
            return redirect("notification_channel_edit", channel_id=channel.id)
    rules = client.list_rules(request.platform, channel_id=channel.id).items if manage else []
    context = {"form": form, "channel": channel, "manage": manage, "rules": rules, "tab": "channels", "access": access}
    context["owner"] = owner_of(channel, NotificationIncluded(), access)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, FORM, context, status=status)


@require_POST
@signed_in
def notification_channel_test(request, channel_id: str):
    """Send a test now; htmx swaps the channel's row (or panel) with the result, else back to the page."""
    try:
        result: ChannelTestResult | None = client.test_channel(request.platform, channel_id)
        error = None
    except Conflict as refusal:
        result, error = None, refusal.message
    if request.htmx:
        channel = result.channel if result else client.describe_channel(request.platform, channel_id)
        access = notification_access(request, with_teams=True)  # names the owning team in the row
        row = channel_row(channel, NotificationIncluded(), access, result)
        row["error"] = error
        partial = "test-panel" if request.POST.get("from") == "edit" else "channel-row"
        template = FORM if partial == "test-panel" else LIST
        response = HttpResponse(render_to_string(f"{template}#{partial}", {"row": row, "channel": channel}, request))
        patch_vary_headers(response, ("HX-Request",))
        return response
    if error:
        messages.error(request, error)
    elif result and result.delivered:
        messages.success(request, f"Test delivered. {result.message}")
    elif result:
        messages.error(request, f"Test failed: {result.message}")
    return redirect(safe_next(request) or reverse("notification_channel_edit", args=[channel_id]))


@require_POST
@signed_in
def notification_channel_enable(request, channel_id: str):
    """Enable or disable a channel (a real form; works without JavaScript)."""
    enabled = request.POST.get("enabled") == "true"
    channel = client.update_channel(request.platform, channel_id, {"enabled": enabled})
    messages.success(request, f"Channel “{channel.name}” {'enabled' if enabled else 'disabled'}.")
    return redirect(safe_next(request) or reverse("notification_channel_list"))


@require_POST
@signed_in
def notification_channel_delete(request, channel_id: str):
    """Soft-delete a channel; rules lose it (and are disabled when it was their last)."""
    channel = client.describe_channel(request.platform, channel_id)
    client.delete_channel(request.platform, channel.id)
    messages.success(request, f"Channel “{channel.name}” deleted. Its delivery history stays in History.")
    return redirect("notification_channel_list")
