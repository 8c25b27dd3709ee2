"""Forms of My account: profile, email addresses, password, TOTP and recovery codes, MFA reset.

Each is a PlatformForm (console/forms/base.py): the platform's refusals land at the field or above the
form and what the user typed stays bound; password inputs never render their value.
"""

import re

from django import forms

from console.forms.auth import CODE_PATTERN, NewPasswordForm, code_field, password_field
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
    code = code_field("Code from your app")


class MfaResetForm(PlatformForm):
    password = password_field("Current password", "current-password", required=False)
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
