"""Forms of the teams screens: the two lists' query strings, the team form (create, settings), team members."""

from django import forms

from console.client.models.common import Role
from console.forms.base import PlatformForm, set_choices
from console.forms.lists import ID, ListQuery

PAGE_SIZE = 25
NAME_TAKEN = "A team with this name already exists. Team names must be unique, whatever their letter case."
ALREADY_ON_TEAM = "That member is already on the team. Change their roles in the list instead."


class TeamQuery(ListQuery):
    """The teams list: ?q=growth&sort=-name&page=2."""

    sorts = ("name",)
    page_size = PAGE_SIZE


class TeamMemberQuery(ListQuery):
    """A team's members: ?sort=-email&page=2 (the platform has no search over a team's members)."""

    sorts = ("name", "email")
    page_size = PAGE_SIZE
    searchable = False


def role_choices(roles: list[Role]) -> list[tuple[str, str]]:
    return [(role.id, role.name) for role in roles]


class TeamForm(PlatformForm):
    """Create a team or change its settings. Platform refusals land on the field they concern."""

    conflict_field = "name"
    conflict_message = NAME_TAKEN

    name = forms.CharField(max_length=255, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    description = forms.CharField(
        required=False,
        max_length=1023,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the team works on. Shown in the teams list.",
    )
    default_role_id = forms.ChoiceField(
        label="Default role",
        widget=forms.RadioSelect,
        help_text="The team role new members get unless someone picks another.",
    )

    def __init__(self, *args, team_roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.team_roles = team_roles
        set_choices(self.fields["default_role_id"], role_choices(team_roles))


class TeamMemberAddForm(PlatformForm):
    """Add one organization member to the team with one team role (the team's default, preselected, when none).

    `find` is what the picker searched for: kept so that a refused form shows the same candidates again.
    """

    conflict_field = "member_id"
    conflict_message = ALREADY_ON_TEAM
    wire_fields = {"roleIds": "role_id"}

    find = forms.CharField(required=False)  # never refuses the form: the view shortens it for the search
    member_id = forms.RegexField(
        regex=ID,
        label="Member",
        error_messages={"required": "Choose a member to add.", "invalid": "Choose a member to add."},
    )
    role_id = forms.ChoiceField(required=False, label="Team role", widget=forms.RadioSelect)

    def __init__(self, *args, team_roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.team_roles = team_roles
        set_choices(self.fields["role_id"], role_choices(team_roles))

    def role_ids(self) -> list[str]:
        """The one chosen role, or none: the platform then gives the team's default (§3.10.7)."""
        return [self.cleaned_data["role_id"]] if self.cleaned_data.get("role_id") else []


class TeamMemberRolesForm(PlatformForm):
    """A member's role in the team: exactly one (the platform's PUT takes a list; we send one)."""

    wire_fields = {"roleIds": "role_id"}

    role_id = forms.ChoiceField(
        label="Team role",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a team role."},
    )

    def __init__(self, *args, team_roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["role_id"], role_choices(team_roles))

    def role_ids(self) -> list[str]:
        return [self.cleaned_data["role_id"]]
