"""Notifications: what the caller may manage (§3.21's ownership table) and owner names.

The screens live in channels.py, rules.py and deliveries.py; this module holds what they share.
"""

from dataclasses import dataclass, field

from console.client.models.notifications import Channel, NotificationIncluded, Owner, Rule
from console.client.teams import list_teams
from console.client.users import list_my_teams
from console.views.access import access_of

TEAM_ADMIN = "team_admin"  # the only team role holding CanManageNotifications (§1.13)


@dataclass(frozen=True)
class NotificationAccess:
    """Who may manage which channels and rules; it decides what is offered, the platform enforces."""

    member_id: str | None
    view_org: bool  # CanViewNotifications@org
    manage_org: bool  # CanManageNotifications@org (also every team's)
    teams: dict[str, str] = field(default_factory=dict)  # team id -> name, for teams the caller manages

    def can_manage(self, thing: Channel | Rule) -> bool:
        if thing.member_id:
            return thing.member_id == self.member_id or self.manage_org
        if thing.team_id:
            return self.manage_org or thing.team_id in self.teams
        return self.manage_org

    @property
    def can_create(self) -> bool:
        return self.member_id is not None

    def owner_choices(self) -> list[tuple[str, str]]:
        """Ownership a new channel or rule may take: the organization, a managed team, or the caller."""
        choices = [("org", "Organization")] if self.manage_org else []
        choices += [(f"team:{team_id}", f"Team · {name}") for team_id, name in self.teams.items()]
        if self.member_id:
            choices.append((f"member:{self.member_id}", "Only me"))
        return choices


def notification_access(request, *, with_teams: bool = False) -> NotificationAccess:
    """The caller's notification access. Team admins are learned from GET /me/teams; org managers need
    that only for forms (`with_teams`), where every team is offered (GET /org/teams)."""
    access = access_of(request)
    manage_org = access.can("CanManageNotifications")
    teams: dict[str, str] = {}
    if manage_org and with_teams:
        teams = {summary.team.id: summary.team.name for summary in list_teams(request.platform).items}
    elif not manage_org:
        mine = list_my_teams(request.platform)
        for entry in mine.items:
            if any(role.key == TEAM_ADMIN for role in mine.roles_of(entry)):
                teams[entry.team.id] = entry.team.name
    return NotificationAccess(access.member_id, access.can("CanViewNotifications"), manage_org, teams)


def owner_of(thing: Channel | Rule, included: NotificationIncluded, access: NotificationAccess) -> Owner:
    """The owner of a channel or rule, named from `included` (or the caller's own teams)."""
    if thing.team_id:
        summary = included.team(thing.team_id)
        name = summary.team.name if summary else access.teams.get(thing.team_id, "Team")
        return Owner("team", name)
    if thing.member_id:
        if thing.member_id == access.member_id:
            return Owner("member", "Me", mine=True)
        member = included.member(thing.member_id)
        return Owner("member", member.display_name if member else "A member")
    return Owner("organization", "Organization")
