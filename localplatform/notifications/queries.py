"""Reading channels, rules and deliveries for the list and detail operations of contract §3.21.

The API layer slices these querysets newest first (localplatform.paging.newest_first).
"""

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from localplatform.identity.models import Member, Team
from localplatform.notifications import services
from localplatform.notifications.models import Channel, Delivery, Rule

if TYPE_CHECKING:
    from localplatform.identity.models import CountedTeam


def channels(actor, *, team_id: str | None, member_id: str | None) -> QuerySet:
    """The live channels the actor can view, narrowed to one owner."""
    found = services.visible(actor, Channel.objects.filter(deleted_at=None))
    if team_id:
        found = found.filter(team_id=team_id)
    if member_id:
        found = found.filter(member_id=member_id)
    return found


def channel_people(organization_id: str, rows: list[Channel]) -> "tuple[list[Member], list[CountedTeam]]":
    """The owners and email targets the channels name: members (with users), teams (with `member_count`)."""
    emails = [c for c in rows if c.type == Channel.EMAIL]
    member_ids = {c.member_id for c in rows} | {c.config.get("memberId") for c in emails}
    team_ids = {c.team_id for c in rows} | {c.config.get("teamId") for c in emails}
    members = Member.objects.filter(organization_id=organization_id, id__in=member_ids - {None})
    teams = Team.objects.filter(organization_id=organization_id, id__in=team_ids - {None})
    return (
        list(members.select_related("user").order_by("sort_name", "id")),
        list(teams.annotate(member_count=Count("memberships")).order_by("name", "id")),
    )


def rules(
    actor,
    *,
    team_id: str | None,
    member_id: str | None,
    resource_type: str | None,
    scope_type: str | None,
    channel_id: str | None,
) -> QuerySet:
    """The live rules the actor can view, filtered."""
    found = services.visible(actor, Rule.objects.filter(deleted_at=None))
    if team_id:
        found = found.filter(team_id=team_id)
    if member_id:
        found = found.filter(member_id=member_id)
    if resource_type:
        found = found.filter(resource_type=resource_type)
    if scope_type:
        found = found.filter(scope_type=scope_type)
    if channel_id:  # a JSON list: matched here, portably across SQLite and PostgreSQL
        found = found.filter(id__in=[r.id for r in found.only("id", "channel_ids") if channel_id in r.channel_ids])
    return found


def rule_channels(actor, rows: list[Rule]) -> list[Channel]:
    """The live channels the rules use that the actor can view."""
    ids = {c for r in rows for c in r.channel_ids}
    return list(services.visible(actor, Channel.objects.filter(id__in=ids, deleted_at=None)).order_by("name", "id"))


def deliveries(actor, *, channel_id: str | None, rule_id: str | None, status: str | None) -> QuerySet:
    """The deliveries to channels the actor can view (deleted channels count), filtered."""
    viewable = services.visible(actor, Channel.objects.all())
    found = Delivery.objects.filter(organization_id=actor.organization.id, channel__in=viewable)
    if channel_id:
        found = found.filter(channel_id=channel_id)
    if rule_id:
        found = found.filter(rule_id=rule_id)
    if status:
        found = found.filter(status=status)
    return found


def delivery_references(organization_id: str, rows: list[Delivery]) -> tuple[list[Channel], list[Rule]]:
    """Every channel and rule the deliveries name, soft-deleted ones included."""
    channel_rows = Channel.objects.filter(id__in={d.channel_id for d in rows}).order_by("name", "id")
    rule_rows = Rule.objects.filter(organization_id=organization_id, id__in={d.rule_id for d in rows} - {None})
    return list(channel_rows), list(rule_rows.order_by("name", "id"))
