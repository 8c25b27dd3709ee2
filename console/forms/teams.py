"""Forms of the teams screens: the list's query string, the team form (create, settings), member roles."""

from django import forms

from console.client.errors import Conflict, PlatformError, ValidationFailed
from console.client.models.common import Role

SORTS = ("name", "-name")
MEMBER_SORTS = ("name", "-name", "email", "-email")
PAGE_SIZE = 25
NAME_TAKEN = "A team with this name already exists. Team names must be unique, whatever their letter case."
ID_PATTERN = r"^[A-Z0-9]{1,20}$"


class ListQueryForm(forms.Form):
    """?q=growth&sort=-name&page=2 (teams) or ?sort=email&page=2 (a team's members). Invalid values fall back."""

    q = forms.CharField(required=False, max_length=200)
    sort = forms.ChoiceField(required=False, choices=[(value, value) for value in MEMBER_SORTS])
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)

    def __init__(self, data, sorts=SORTS):
        super().__init__(data)
        self.fields["sort"].choices = [(value, value) for value in sorts]
        self.is_valid()

    def value(self, name: str):
        return self.cleaned_data.get(name) if name not in self.errors else None

    def params(self) -> dict:
        """Keyword arguments of list_teams / list_team_members for this query."""
        sort = self.value("sort") or "name"
        return {
            "sort_by": sort.lstrip("-"),
            "sort_direction": "desc" if sort.startswith("-") else "asc",
            "page": self.value("page") or 1,
            "limit": PAGE_SIZE,
        }


def role_choices(roles: list[Role]) -> list[tuple[str, str]]:
    return [(role.id, role.name) for role in roles]


class TeamForm(forms.Form):
    """Create a team or change its settings. Platform refusals land on the field they concern."""

    name = forms.CharField(max_length=255, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    description = forms.CharField(
        required=False,
        max_length=1023,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the team works on. Shown in the teams list.",
    )
    default_role_id = forms.ChoiceField(
        label="Default role",
        help_text="The team role new members get when none is chosen.",
    )

    def __init__(self, *args, team_roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_role_id"].choices = role_choices(team_roles)

    def add_platform_error(self, error: PlatformError) -> bool:
        """Put a refusal the form can explain at its field; False when it cannot (the caller re-raises)."""
        if isinstance(error, Conflict) and error.code == "already_exists":
            self.add_error("name", NAME_TAKEN)
            return True
        if isinstance(error, ValidationFailed):
            fields = {"name": "name", "description": "description", "defaultRoleId": "default_role_id"}
            for key, text in (error.field_errors or {"": error.message}).items():
                self.add_error(fields.get(key), text)
            return True
        return False


class TeamMemberAddForm(forms.Form):
    """Add one organization member to the team, with the chosen team roles (the team's default when none)."""

    member_id = forms.RegexField(
        regex=ID_PATTERN,
        label="Member",
        error_messages={"required": "Choose a member to add.", "invalid": "Choose a member to add."},
    )
    role_ids = forms.MultipleChoiceField(
        required=False, label="Team roles", widget=forms.CheckboxSelectMultiple, help_text=""
    )

    def __init__(self, *args, team_roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role_ids"].choices = role_choices(team_roles)


class TeamMemberRolesForm(forms.Form):
    """Replace a member's roles in the team: at least one."""

    role_ids = forms.MultipleChoiceField(
        label="Team roles",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one team role."},
    )

    def __init__(self, *args, team_roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role_ids"].choices = role_choices(team_roles)
