"""Forms of sign-up, the extra sign-in steps, password reset, My account and MFA.

Each form shows the platform's refusals where the user looks for them: fieldErrors at the field
(camelCase names mapped to the form's), rate limits with when to try again, the rest above the form.
What the user typed stays bound; password inputs never render their value (Django's PasswordInput).
"""

import re

from django import forms

from console.client.errors import PlatformError, RateLimited, Unavailable

UNREACHABLE = "The LakeSail platform is unreachable right now. Try again in a moment."
CODE_PATTERN = r"^[0-9]{6}$"


def try_again(retry_after: int | None) -> str:
    """A rate-limit answer that says when to try again."""
    if not retry_after:
        return "Too many attempts. Try again in a minute."
    if retry_after < 120:
        return f"Too many attempts. Try again in {retry_after} seconds."
    return f"Too many attempts. Try again in {round(retry_after / 60)} minutes."


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name.split(".")[-1]).lower()


class PlatformForm(forms.Form):
    """A form that can show a PlatformError (ValidationFailed, Conflict, RateLimited, ...) on itself."""

    aliases: dict[str, str] = {}  # platform field name (snake_case) -> form field, where they differ

    def add_platform_error(self, error: PlatformError) -> None:
        if isinstance(error, RateLimited):
            self.add_error(None, try_again(error.retry_after))
            return
        if isinstance(error, Unavailable):
            self.add_error(None, UNREACHABLE)
            return
        placed = False
        for key, text in error.field_errors.items():
            name = self.aliases.get(snake(key), snake(key))
            if name in self.fields:
                self.add_error(name, text)
                placed = True
        if not placed:
            self.add_error(None, error.message)


def code_field(label: str = "Code", **attrs) -> forms.CharField:
    widget = forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}", "maxlength": 6, **attrs}
    )
    return forms.RegexField(
        regex=CODE_PATTERN, label=label, widget=widget, error_messages={"invalid": "Enter the 6-digit code."}
    )


def password_field(label: str, autocomplete: str, min_length: int | None = None) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=min_length,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class EmailForm(PlatformForm):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class CodeVerifyForm(PlatformForm):
    email = forms.EmailField(max_length=254, widget=forms.HiddenInput)
    code = code_field("Code from the email", autofocus=True)


class MfaStepForm(PlatformForm):
    code = forms.CharField(
        label="Authentication code",
        required=False,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}", "autofocus": True}
        ),
        help_text="The 6-digit code from your authenticator app.",
    )
    recovery_code = forms.CharField(
        label="Or a recovery code",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="One of the codes you saved when you set up MFA, like abcd-1234. Each works once.",
    )
    trust_device = forms.BooleanField(
        label="Trust this device: skip this step on this browser for a while", required=False
    )

    def clean(self):
        data = super().clean()
        code, recovery = data.get("code", "").strip(), data.get("recovery_code", "").strip().lower()
        if bool(code) == bool(recovery):
            raise forms.ValidationError("Enter either the code from your app or one recovery code.")
        if code and not re.fullmatch(CODE_PATTERN, code):
            self.add_error("code", "Enter the 6-digit code.")
        data["code"], data["recovery_code"] = code, recovery
        return data


class SignUpForm(PlatformForm):
    given_name = forms.CharField(
        label="First name",
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "autofocus": True}),
    )
    family_name = forms.CharField(
        label="Last name", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label="Work email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    organization_name = forms.CharField(
        label="Organization name", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    password = password_field("Password", "new-password", min_length=12)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = "At least 12 characters."


class NewPasswordForm(PlatformForm):
    new_password = password_field("New password", "new-password", min_length=12)
    confirm_password = password_field("Repeat the new password", "new-password")

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("confirm_password") not in (None, data["new_password"]):
            self.add_error("confirm_password", "The two passwords differ.")
        return data


class ResetPasswordForm(NewPasswordForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=1024)


class ChangePasswordForm(NewPasswordForm):
    current_password = password_field("Current password", "current-password")
    field_order = ["current_password", "new_password", "confirm_password"]


class ProfileForm(PlatformForm):
    given_name = forms.CharField(
        label="First name", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    family_name = forms.CharField(
        label="Last name", max_length=255, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    display_name = forms.CharField(label="Display name", max_length=255, help_text="How others see you in LakeSail.")


class AddEmailForm(PlatformForm):
    email = forms.EmailField(
        label="New email address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class TotpCodeForm(PlatformForm):
    code = code_field("Code from your app")


class MfaResetForm(PlatformForm):
    password = forms.CharField(
        label="Current password",
        required=False,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="Or a code from your app",
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("password")) == bool(data.get("code", "").strip()):
            raise forms.ValidationError("Enter your current password or a code from your app (one of them).")
        if data.get("code") and not re.fullmatch(CODE_PATTERN, data["code"].strip()):
            self.add_error("code", "Enter the 6-digit code.")
        return data
