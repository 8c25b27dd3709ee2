"""Notifications: what the caller may manage (§3.21's ownership table) and owner names.

The screens live in channels.py, rules.py and deliveries.py; this module holds what they share.
"""

from dataclasses import dataclass, field

from django.template.defaultfilters import pluralize

from console.client.errors import Forbidden
from console.client.invitations import list_invitations
from console.client.members import list_members
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


def manages(request, thing: Channel | Rule) -> bool:
    """Whether the caller manages this one channel or rule: GET /me/teams only for a team's, asked by a non-admin."""
    access = access_of(request)
    if access.can("CanManageNotifications"):
        return True
    if thing.member_id:
        return thing.member_id == access.member_id
    return bool(thing.team_id) and thing.team_id in notification_access(request).teams


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


# --- The rule form's resource picker (scope "One specific resource") ----------------------------------------

PICKER_LIMIT = 20  # candidates shown at once; the search narrows them


@dataclass(frozen=True)
class Resource:
    id: str
    name: str
    hint: str = ""


@dataclass(frozen=True)
class ResourcePicker:
    """What the picker offers: `resources` of `resource_type` matching `find` (None: not listed, as the scope is
    another, or the console has no list of that type and asks for a typed id); `note`: why the platform gave none."""

    resource_type: str | None
    find: str = ""
    resources: list[Resource] | None = None
    note: str = ""

    @property
    def listable(self) -> bool:
        return self.resource_type in LISTERS


def resource_picker(request, resource_type: str | None, find: str, chosen: str) -> ResourcePicker:
    """The resources of `resource_type` the caller can see (members, teams, invitations) through their list calls."""
    lister = LISTERS.get(resource_type or "")
    if lister is None:
        return ResourcePicker(resource_type, find)
    try:
        resources = lister(request.platform, find)
    except Forbidden:
        return ResourcePicker(resource_type, find, [], "You cannot list these; ask an administrator for the id.")
    if chosen and chosen not in {resource.id for resource in resources}:
        resources.insert(0, Resource(chosen, "Currently chosen", chosen))  # found by an earlier search, or gone since
    return ResourcePicker(resource_type, find, resources)


def find_members(platform, find: str) -> list[Resource]:
    """GET /org/members?filter[search]=…"""
    page = list_members(platform, search=find or None, limit=PICKER_LIMIT)
    return [Resource(entry.member.id, entry.member.display_name, entry.member.email) for entry in page.rows]


def find_teams(platform, find: str) -> list[Resource]:
    """GET /org/teams?search=…"""
    page = list_teams(platform, search=find or None, limit=PICKER_LIMIT)
    return [Resource(s.team.id, s.team.name, f"{s.member_count} member{pluralize(s.member_count)}") for s in page.items]


def find_invitations(platform, find: str) -> list[Resource]:
    """GET /org/invitations (pending ones; the list has no search, so the email is matched here)."""
    found = [i for i in list_invitations(platform).items if find.lower() in i.email.lower()]
    return [Resource(i.id, i.email, "pending invitation") for i in found[:PICKER_LIMIT]]


LISTERS = {"member": find_members, "team": find_teams, "invitation": find_invitations}
