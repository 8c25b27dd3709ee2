"""Forms of the members screens: the directory's filters, the org-roles editor, the invite dialog, acceptance."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from console.forms.base import PlatformForm, set_choices
from console.forms.lists import ID, ListQuery

PAGE_SIZE = 50
MAX_EMAILS = 20


class MemberQuery(ListQuery):
    """The directory's query string: ?q=ann&role=…&team=…&type=managed&status=active&sort=-name&page=2."""

    sorts = ("name", "email")
    page_size = PAGE_SIZE

    # Ids; the choices come from the page (included.roles, the teams list). An unknown id matches nothing.
    role = forms.RegexField(regex=ID, required=False, label="Role")
    team = forms.RegexField(regex=ID, required=False, label="Team")
    type = forms.ChoiceField(
        required=False,
        label="Account type",
        choices=[("", "Any type"), ("managed", "Managed"), ("external", "External")],
    )
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Any status"), ("active", "Active"), ("deactivated", "Deactivated")],
    )

    def filters(self) -> dict:
        return {
            "role_id": self.value("role"),
            "team_id": self.value("team"),
            "account_type": self.value("type"),
            "status": self.value("status"),
        }


class RolesForm(PlatformForm):
    """A member's org roles: the whole set, at least one; break-glass roles need an explicit yes."""

    roles = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Organization roles",
        error_messages={"required": "Choose at least one role."},
    )
    confirm_break_glass = forms.BooleanField(
        required=False, label="I understand this grants unrestricted access to the whole organization."
    )

    def __init__(self, data=None, *, roles, owner: bool, initial_roles=()):
        super().__init__(data, initial={"roles": list(initial_roles)})
        # Only Owners grant or revoke Owner (§1.13): others do not get the choice at all.
        self.offered = [role for role in roles if owner or role.key != "owner"]
        # Granting a break-glass role the member does not hold yet needs an explicit yes.
        self.break_glass = {role.id for role in self.offered if role.break_glass} - set(initial_roles)
        self.kept = [role_id for role_id in initial_roles if role_id not in {r.id for r in self.offered}]
        set_choices(self.fields["roles"], [(role.id, role.name) for role in self.offered])

    def clean(self):
        data = super().clean()
        chosen = set(data.get("roles") or ())
        if chosen & self.break_glass and not data.get("confirm_break_glass"):
            self.add_error("confirm_break_glass", "Confirm that you mean to grant a break-glass role.")
        return data

    def role_ids(self) -> list[str]:
        """The chosen roles plus the ones this caller may not change (an Owner role a non-Owner cannot revoke)."""
        return [*self.cleaned_data["roles"], *self.kept]

    wire_fields = {"roleIds": None}


def split_emails(text: str) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or new lines; duplicates (any letter case) once."""
    seen: dict[str, str] = {}
    for part in re.split(r"[\s,;]+", text or ""):
        if part and part.lower() not in seen:
            seen[part.lower()] = part
    return list(seen.values())


class PlacementForm(PlatformForm):
    """Organization roles and team placements for someone new (invite, create user): the roles this caller may
    grant (Owner only by Owners), a break-glass grant confirmed, and at most one team role per team."""

    roles = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Organization roles",
        help_text="Leave empty for the organization's default role.",
    )
    confirm_break_glass = forms.BooleanField(
        required=False, label="I understand this grants unrestricted access to the whole organization."
    )

    def __init__(self, data=None, *, roles, teams, team_roles, owner: bool):
        super().__init__(data)
        self.offered = [role for role in roles if owner or role.key != "owner"]
        self.break_glass = {role.id for role in self.offered if role.break_glass}
        set_choices(self.fields["roles"], [(role.id, role.name) for role in self.offered])
        self.teams = teams
        for summary in teams:
            # One team role per team, as on the team page; the team's default is marked as it is there.
            default = summary.team.default_role_id
            choices = [(role.id, f"{role.name} (default)" if role.id == default else role.name) for role in team_roles]
            self.fields[f"team_{summary.team.id}"] = forms.ChoiceField(
                required=False, choices=[("", "Not in this team"), *choices], label=summary.team.name
            )

    @property
    def team_fields(self):
        return [self[f"team_{summary.team.id}"] for summary in self.teams]

    def clean(self):
        data = super().clean()
        if set(data.get("roles") or ()) & self.break_glass and not data.get("confirm_break_glass"):
            self.add_error("confirm_break_glass", "Confirm that you mean to grant a break-glass role.")
        return data

    def placements(self) -> list[dict]:
        return [
            {"teamId": summary.team.id, "roleIds": [self.cleaned_data[f"team_{summary.team.id}"]]}
            for summary in self.teams
            if self.cleaned_data.get(f"team_{summary.team.id}")
        ]


class InviteForm(PlacementForm):
    """Invite up to 20 addresses with the same organization roles, team placements and account type."""

    field_order = ["emails", "roles", "confirm_break_glass", "account_type", "message"]

    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        label="Email addresses",
        help_text=f"Up to {MAX_EMAILS}, separated by commas or new lines. Each gets its own invitation.",
    )
    account_type = forms.ChoiceField(
        choices=[("managed", "Managed: the organization administers the account"), ("external", "External")],
        initial="managed",
        label="Account type",
    )
    message = forms.CharField(
        required=False, max_length=1023, label="Personal message", widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_emails(self):
        emails = split_emails(self.cleaned_data["emails"])
        if not emails:
            raise ValidationError("Enter at least one email address.")
        if len(emails) > MAX_EMAILS:
            raise ValidationError(f"At most {MAX_EMAILS} addresses at once ({len(emails)} given).")
        bad = []
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                bad.append(email)
        if bad:
            raise ValidationError(f"Not an email address: {', '.join(bad)}.")
        return emails


class AcceptForm(PlatformForm):
    """A new account through the invitation link: name and password (the email is the invited one)."""

    given_name = forms.CharField(
        max_length=255, label="Given name", widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    family_name = forms.CharField(
        max_length=255, label="Family name", widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password = forms.CharField(
        min_length=12,
        max_length=128,
        strip=False,
        label="Password",
        help_text="At least 12 characters, different from your email address.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
