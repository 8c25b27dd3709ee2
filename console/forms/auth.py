"""Forms of the signed-out screens: sign-in and its steps, sign-up, email verification, password reset.

Each is a PlatformForm (console/forms/base.py): the platform's refusals land at the field or above the
form, and what the user typed stays bound (password inputs never render their value, by Django's design).
The sign-in steps only add how a refused credential and a rate limit read.
"""

import re

from django import forms

from console.client.errors import Forbidden, PlatformError, RateLimited, Unauthorized
from console.forms.base import PlatformForm

INCORRECT = "Email or password is incorrect."
# A wrong authentication code reads the same wherever one is asked for: setup, signing in, new recovery codes, reset.
WRONG_CODE = "That code is not valid. Enter the code your authenticator app shows now."
WRONG_RECOVERY_CODE = "That recovery code is not valid or was used before."
CODE_PATTERN = r"^[0-9]{6}$"


def too_many_attempts(retry_after: int | None) -> str:
    """The sign-in steps' rate-limit answer, in seconds or minutes."""
    if not retry_after:
        return "Too many sign-in attempts. Try again in a minute."
    if retry_after < 120:
        return f"Too many sign-in attempts. Try again in {retry_after} seconds."
    return f"Too many sign-in attempts. Try again in {round(retry_after / 60)} minutes."


def code_field(label: str = "Code", **attrs) -> forms.CharField:
    widget = forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}", "maxlength": 6, **attrs}
    )
    return forms.RegexField(
        regex=CODE_PATTERN, label=label, widget=widget, error_messages={"invalid": "Enter the 6-digit code."}
    )


def password_field(label: str, autocomplete: str, min_length: int | None = None, **options) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=min_length,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **options,
    )


def required(text: str) -> dict[str, str]:
    """A field's own "required" words, so an error summary reads as a list of things to do."""
    return {"required": text}


class SignInStepForm(PlatformForm):
    """A step of signing in: a refused credential (401) or account (403) is the form's to explain."""

    def add_platform_error(self, error: PlatformError) -> None:
        if isinstance(error, Unauthorized | Forbidden):
            self.add_error(*self.refusal(error))
        elif isinstance(error, RateLimited):
            self.add_error(None, too_many_attempts(error.retry_after))
        else:
            super().add_platform_error(error)

    def refusal(self, error: PlatformError) -> tuple[str | None, str]:
        """(field or None, text) for a refusal: by default the platform's own words above the form."""
        return None, error.message


class SignInForm(SignInStepForm):
    email = forms.EmailField(
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages=required("Enter your email."),
    )
    password = password_field("Password", "current-password", error_messages=required("Enter your password."))

    def refusal(self, error: PlatformError) -> tuple[str | None, str]:
        # The same words for an unknown address and a wrong password: the page tells nobody who has an account.
        return None, INCORRECT if error.code == "invalid_credentials" else error.message


class CodeVerifyForm(SignInStepForm):
    email = forms.EmailField(max_length=254, widget=forms.HiddenInput)
    code = code_field("Code from the email", autofocus=True)

    def refusal(self, error: PlatformError) -> tuple[str | None, str]:
        if error.code == "invalid_credentials":
            return "code", "That code is wrong or has expired. Check the latest email, or ask for a new code."
        return super().refusal(error)


class MfaStepForm(SignInStepForm):
    """The MFA step: one field takes the authentication code or, when the account has any, one recovery code.

    Six digits are an authentication code; anything else is a recovery code (the platform's are xxxx-xxxx), so
    nobody has to say which kind they typed.
    """

    code = forms.CharField(
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false", "autofocus": True}
        ),
    )
    trust_device = forms.BooleanField(
        label="Trust this device",
        required=False,
        help_text="This browser skips this step until the trust expires or you revoke it in My account. "
        "Leave it unticked on a shared computer.",
    )

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.recovery = recovery
        field = self.fields["code"]
        if recovery:
            field.label = "Authentication code or recovery code"
            field.help_text = (
                "The 6 digits your authenticator app shows now, or one of your recovery codes (each works once)."
            )
            field.error_messages["required"] = "Enter the code from your authenticator app or a recovery code."
        else:
            field.label = "Authentication code"
            field.help_text = "The 6 digits your authenticator app shows now."
            field.error_messages["required"] = "Enter the code from your authenticator app."
            field.widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9]{6}", "maxlength": 6})

    def clean(self):
        data = super().clean()
        typed = "".join(data.get("code", "").split())  # "123 456" as apps show it
        data["code"], data["recovery_code"] = "", ""
        if re.fullmatch(CODE_PATTERN, typed):
            data["code"] = typed
        elif not typed:
            pass  # the field's own "required" error says what to do
        elif self.recovery:
            data["recovery_code"] = typed.lower()
        else:
            self.add_error("code", "Enter the 6-digit code.")
        return data

    def refusal(self, error: PlatformError) -> tuple[str | None, str]:
        if error.code != "invalid_mfa_code":
            return super().refusal(error)
        return "code", WRONG_RECOVERY_CODE if self.cleaned_data.get("recovery_code") else WRONG_CODE


class EmailForm(PlatformForm):
    """One address: a one-time code, a reset link or a new verification link is mailed to it."""

    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class SsoForm(PlatformForm):
    """The work email whose domain names the organization's identity provider (GET /auth/sso/start)."""

    email = forms.EmailField(
        label="Work email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": "Enter your work email.",
            "invalid": "Enter an email address like ada@example.com.",
        },
    )


class SignUpForm(PlatformForm):
    given_name = forms.CharField(
        label="First name",
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "autofocus": True}),
        error_messages=required("Enter your first name."),
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages=required("Enter your last name."),
    )
    email = forms.EmailField(
        label="Work email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=required("Enter your work email."),
    )
    organization_name = forms.CharField(
        label="Organization name",
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages=required("Enter a name for your organization."),
    )
    password = password_field(
        "Password",
        "new-password",
        min_length=12,
        help_text="At least 12 characters.",
        error_messages={"required": "Choose a password.", "min_length": "Use at least 12 characters."},
    )


class EmailVerifyForm(PlatformForm):
    """The mailed verification link's token, confirmed with a POST (mail scanners may prefetch the link)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=1024)

    def add_field_errors(self, error: PlatformError) -> None:
        # Nothing here was typed: the platform's sentence says what is wrong with the link.
        self.add_error(None, error.message)


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
