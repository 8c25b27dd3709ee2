"""Forms of account administration on a member's page (contract §3.3.10-3.3.17, §3.13.4) and Create user."""

from django import forms

from console.forms.account import ProfileForm
from console.forms.members import PlacementForm

NAMES = ("given_name", "family_name", "display_name")


class MemberProfileForm(ProfileForm):
    """Someone else's names, and the email of a managed account when the caller administers accounts."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Becomes the primary, verified address; the previous one is removed.",
    )
    wire_fields = {"givenName": "given_name", "familyName": "family_name", "displayName": "display_name"}
    conflict_field = "email"
    conflict_message = "This address already belongs to another account."

    def __init__(self, data=None, *, member, with_email: bool):
        super().__init__(data, initial={name: getattr(member, name) for name in (*NAMES, "email")})
        for name in NAMES:  # another person's names: the browser must not offer the admin's own
            self.fields[name].widget.attrs["autocomplete"] = "off"
            self.fields[name].error_messages["required"] = f"Enter their {str(self.fields[name].label).lower()}."
        self.fields["display_name"].help_text = "How others see them in LakeSail."
        if not self.is_bound:  # the card turned into this form: typing starts at once (console.js focuses it)
            self.fields["given_name"].widget.attrs["data-swap-focus"] = ""
        if not with_email:
            del self.fields["email"]

    def changes(self) -> dict:
        """The fields that differ from the member's current ones (the email compared without letter case)."""
        changed = {name: self.cleaned_data[name] for name in NAMES if self.cleaned_data[name] != self.initial[name]}
        email = self.cleaned_data.get("email")
        if email and email.lower() != self.initial["email"].lower():
            changed["email"] = email
        return changed


class CreateUserForm(PlacementForm):
    """POST /users: a managed account with a password (given, or a temporary one made and shown once)."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter the email address they will sign in with."},
    )
    given_name = forms.CharField(
        label="First name",
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter their first name."},
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter their last name."},
    )
    display_name = forms.CharField(
        label="Display name", max_length=255, required=False, help_text="Leave empty for “First name Last name”."
    )
    password = forms.CharField(
        label="Password",
        required=False,
        min_length=12,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"min_length": "Use at least 12 characters, or leave it empty for a temporary password."},
        help_text="At least 12 characters. Leave empty to get a temporary password, valid for 72 hours and shown "
        "once, to hand over.",
    )
    field_order = ["email", "given_name", "family_name", "display_name", "password", "roles", "confirm_break_glass"]
    wire_fields = {"roleIds": "roles", "teams": None}
    conflict_field = "email"
    conflict_message = "This address already has an account: invite it instead."

    def __init__(self, data=None, **options):
        super().__init__(data, **options)
        self.fields["email"].widget.attrs["autofocus"] = not self.is_bound
