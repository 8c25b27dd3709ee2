"""Settings forms: the organization's settings (§3.14) and its identity providers (§3.2)."""

from django import forms

from console.forms.base import PlatformForm, set_choices


def required(message: str) -> dict[str, str]:
    return {"required": message}


def bounded(label: str, low: int, high: int, unit: str, help_text: str) -> forms.IntegerField:
    """A whole number within the platform's bounds, with errors that say the bounds."""
    message = f"Enter a whole number of {unit} from {low:,} to {high:,}."
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={"required": message, "invalid": message, "min_value": message, "max_value": message},
    )


class OrganizationSettingsForm(PlatformForm):
    """PATCH /org/settings: only what changed is sent; turning DPoP on needs a confirmation (§3.14.2)."""

    wire_fields = {
        "organizationName": "organization_name",
        "requireDpop": "require_dpop",
        "requireMfa": "require_mfa",
        "sessionLifetimeMinutes": "session_lifetime_minutes",
        "invitationExpiryHours": "invitation_expiry_hours",
        "trustedDeviceLifetimeDays": "trusted_device_lifetime_days",
        "defaultRoleId": "default_role_id",
    }
    SETTINGS = (
        "organization_name",
        "require_dpop",
        "require_mfa",
        "session_lifetime_minutes",
        "invitation_expiry_hours",
        "trusted_device_lifetime_days",
        "default_role_id",
    )

    organization_name = forms.CharField(
        label="Organization name", max_length=255, error_messages=required("Give the organization a name.")
    )
    default_role_id = forms.ChoiceField(
        label="Default role",
        help_text="The organization role of members who join through single sign-on auto-provisioning.",
        error_messages=required("Choose the default role."),
    )
    require_mfa = forms.BooleanField(
        label="Require multi-factor authentication",
        required=False,
        help_text="Applies at each member's next password or code sign-in; members who have not set it up are "
        "asked to before anything else. Single sign-on leaves MFA to the identity provider.",
    )
    require_dpop = forms.BooleanField(
        label="Require DPoP-bound tokens",
        required=False,
        help_text="Every API token must be bound to a key (RFC 9449). The console binds its tokens already.",
    )
    confirm_dpop = forms.BooleanField(
        label="I understand that plain Bearer tokens stop working",
        required=False,
    )
    session_lifetime_minutes = bounded(
        "Session lifetime (minutes)",
        15,
        43200,
        "minutes",
        "How long a sign-in lasts. A shorter lifetime applies to existing sign-ins at their next token refresh.",
    )
    invitation_expiry_hours = bounded(
        "Invitation expiry (hours)", 1, 720, "hours", "How long a new invitation can be accepted."
    )
    trusted_device_lifetime_days = bounded(
        "Trusted-device lifetime (days)", 1, 90, "days", "How long a device marked as trusted skips the MFA step."
    )

    def __init__(self, data=None, *, current, roles):
        self.current = current
        super().__init__(data, initial={name: getattr(current, name) for name in self.SETTINGS})
        set_choices(self.fields["default_role_id"], [(role.id, role.name) for role in roles if role.key != "owner"])

    @property
    def turning_dpop_on(self) -> bool:
        value = self["require_dpop"].value()
        return bool(value) and value not in ("", "false", "off") and not self.current.require_dpop

    def clean(self):
        data = super().clean()
        if self.turning_dpop_on and not data.get("confirm_dpop"):
            self.add_error("confirm_dpop", "Confirm that Bearer-token clients will stop working, or leave DPoP off.")
        return data

    def changes(self) -> dict:
        """The settings that differ from the current ones, for the PATCH."""
        return {
            name: self.cleaned_data[name]
            for name in self.SETTINGS
            if self.cleaned_data[name] != getattr(self.current, name)
        }


class ListField(forms.CharField):
    """Words separated by commas, spaces or new lines (email domains, scopes), cleaned to a list."""

    widget = forms.TextInput

    def __init__(self, *, lower: bool = False, **kwargs):
        self.lower = lower
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value) -> list[str]:
        text = super().clean(value) or ""
        words = [word for word in text.replace(",", " ").split() if word]
        return [word.lower() for word in words] if self.lower else words


def secret_field(label: str, *, required: bool, help_text: str = "") -> forms.CharField:
    """A secret typed in and never shown back (the page is not given it again, even after an error)."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=1024,
        help_text=help_text,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
        error_messages=required_message(label),
    )


def required_message(label: str) -> dict[str, str]:
    return {"required": f"Enter the {label[0].lower()}{label[1:]}."}


DOMAINS_HELP = "People whose email is at these domains sign in through this provider, e.g. acme.com, acme.io."
AUTO_PROVISION_HELP = (
    "Someone who signs in through this provider with a verified email at one of its domains, and is not a member "
    "yet, becomes a managed member with the organization's default role."
)


class IdentityProviderFields(PlatformForm):
    """What every identity-provider form shares."""

    conflict_field = "name"
    conflict_message = "Another identity provider already has this name."

    name = forms.CharField(label="Name", max_length=255, error_messages=required("Give the provider a name."))
    email_domains = ListField(label="Email domains", lower=True, help_text=DOMAINS_HELP)
    auto_provision = forms.BooleanField(
        label="Add new people automatically", required=False, help_text=AUTO_PROVISION_HELP
    )


class AutoSetupForm(IdentityProviderFields):
    """POST /auth/idps/auto-setup: discovery and dynamic client registration from the provider's URL."""

    provider_url = forms.CharField(
        label="Provider URL",
        max_length=2048,
        help_text="The issuer's base URL: its /.well-known/openid-configuration is read from there.",
        error_messages=required("Enter the provider's URL, starting with https://."),
        widget=forms.URLInput(attrs={"placeholder": "https://login.example.com", "inputmode": "url"}),
    )
    type_id = forms.ChoiceField(label="Provider type", required=False)
    initial_access_token = secret_field(
        "Initial access token", required=False, help_text="Only if the provider requires one for client registration."
    )

    def __init__(self, data=None, *, types):
        super().__init__(data)
        choices = [(t.id, t.name) for t in types if t.capabilities.dcr.supported]
        set_choices(self.fields["type_id"], [("", "Detect (generic OpenID Connect)"), *choices])


class ManualForm(IdentityProviderFields):
    """POST /auth/idps: client credentials made at the provider."""

    type_id = forms.ChoiceField(label="Provider type", error_messages=required("Choose the provider type."))
    issuer = forms.URLField(
        label="Issuer URL",
        max_length=2048,
        assume_scheme="https",
        error_messages={"required": "Enter the issuer URL.", "invalid": "Enter a URL starting with https://."},
    )
    client_id = forms.CharField(label="Client ID", max_length=255, error_messages=required("Enter the client ID."))
    client_secret = secret_field("Client secret", required=False, help_text="Stored encrypted; never shown again.")
    scopes = ListField(label="Scopes", help_text="Leave empty for openid, email and profile.")

    def __init__(self, data=None, *, types):
        super().__init__(data)
        set_choices(self.fields["type_id"], [("", "Choose…"), *[(t.id, t.name) for t in types]])


class EditForm(IdentityProviderFields):
    """PATCH /auth/idps/{idp}: a changed issuer is discovered again."""

    issuer = ManualForm.base_fields["issuer"]
    client_id = ManualForm.base_fields["client_id"]
    scopes = ListField(label="Scopes")
    status = forms.ChoiceField(
        label="Status",
        choices=[("active", "Active: people can sign in through it"), ("disabled", "Disabled: nobody can")],
    )

    FIELDS = ("name", "issuer", "client_id", "scopes", "email_domains", "auto_provision", "status")

    def __init__(self, data=None, *, provider):
        self.provider = provider
        initial = {name: getattr(provider, name) for name in self.FIELDS}
        if initial["status"] == "error":
            initial["status"] = "active"
        super().__init__(data, initial=initial)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS if self.cleaned_data[name] != self.initial[name]}


class RotateSecretForm(PlatformForm):
    """POST /auth/idps/{idp}/rotate-secret."""

    client_secret = secret_field(
        "New client secret", required=True, help_text="Made in the provider's admin console; it takes effect at once."
    )
