"""Sign-in form, and how the platform's refusals are shown on it."""

from django import forms

from console.client.errors import Forbidden, PlatformError, RateLimited, Unauthorized, Unavailable, ValidationFailed

INCORRECT = "Email or password is incorrect."
UNREACHABLE = "The LakeSail platform is unreachable right now, so you cannot sign in. Try again in a moment."


class SignInForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def add_platform_error(self, error: PlatformError) -> None:
        """Show a refused sign-in where the user looks for it; the typed email stays, the password never does."""
        if isinstance(error, ValidationFailed) and error.field_errors:
            for field, text in error.field_errors.items():
                self.add_error(field if field in self.fields else None, text)
        elif isinstance(error, Unauthorized) and error.code == "invalid_credentials":
            self.add_error(None, INCORRECT)
        elif isinstance(error, RateLimited):
            self.add_error(None, too_many_attempts(error.retry_after))
        elif isinstance(error, Unavailable):
            self.add_error(None, UNREACHABLE)
        elif isinstance(error, Unauthorized | Forbidden):
            self.add_error(None, error.message)
        else:
            self.add_error(None, f"Signing in failed: {error.message}")

    def add_mfa_required(self) -> None:
        self.add_error(
            None,
            "This account uses multi-factor authentication, which this console cannot complete yet. "
            "Sign in with an account without MFA, or ask an administrator to reset MFA.",
        )


def too_many_attempts(retry_after: int | None) -> str:
    if not retry_after:
        return "Too many sign-in attempts. Try again in a minute."
    if retry_after < 120:
        return f"Too many sign-in attempts. Try again in {retry_after} seconds."
    return f"Too many sign-in attempts. Try again in {round(retry_after / 60)} minutes."
