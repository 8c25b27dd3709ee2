"""Forms of My account: profile, email addresses, password, TOTP and recovery codes, MFA reset.

Each is a PlatformForm (console/forms/base.py): the platform's refusals land at the field or above the
form and what the user typed stays bound; password inputs never render their value.
"""

import re

from django import forms

from console.client.errors import PlatformError
from console.forms.auth import CODE_PATTERN, WRONG_CODE, NewPasswordForm, code_field, password_field
from console.forms.base import PlatformForm


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

    conflict_field = "email"
    conflict_message = "This address already belongs to an account."


class ChangePasswordForm(NewPasswordForm):
    current_password = password_field("Current password", "current-password")
    field_order = ["current_password", "new_password", "confirm_password"]


class TotpCodeForm(PlatformForm):
    """One authentication code: it confirms a new authenticator app, or proves it is you for new recovery codes."""

    code = code_field("Authentication code")

    def add_field_errors(self, error: PlatformError) -> None:
        # The platform's terse "incorrect code" in the words the MFA step of signing in uses.
        if "code" in error.field_errors:
            self.add_error("code", WRONG_CODE)
        else:
            super().add_field_errors(error)


class MfaResetForm(PlatformForm):
    """Proof for resetting MFA: one field takes the current password or, with MFA on, an authentication code.

    Passwords are 12 to 128 characters (contract §0), so six digits can only be a code.
    """

    password = password_field("Current password", "current-password")

    def __init__(self, *args, codes: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = codes
        field = self.fields["password"]
        field.widget.attrs["autofocus"] = True
        if codes:
            field.label = "Password or authentication code"
            field.help_text = "Your current password, or the 6 digits your authenticator app shows now."
            field.error_messages["required"] = "Enter your current password or an authentication code."
        else:
            field.error_messages["required"] = "Enter your current password."

    def proof(self) -> dict[str, str]:
        """The client call's keyword: password= or code=."""
        typed = self.cleaned_data["password"]
        if self.codes and re.fullmatch(CODE_PATTERN, typed.strip()):
            return {"code": typed.strip()}
        return {"password": typed}

    def add_field_errors(self, error: PlatformError) -> None:
        if "code" in error.field_errors:
            self.add_error("password", WRONG_CODE)
        elif "password" in error.field_errors:
            self.add_error("password", "That password is not correct.")
        else:
            super().add_field_errors(error)
