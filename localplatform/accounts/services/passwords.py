"""Passwords: Django's hashing and validators, allauth's reset tokens (single use, 3600 s)."""

from allauth.account import app_settings as account_settings
from allauth.account.utils import url_str_to_user_pk, user_pk_to_url_str
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from localplatform.accounts import mail
from localplatform.errors import invalid
from localplatform.identity.models import Login, User
from localplatform.identity.services.tokens import revoke_all_logins


def _generator():
    return account_settings.PASSWORD_RESET_TOKEN_GENERATOR()


def policy_errors(password: str, user: User | None, field: str) -> dict[str, str]:
    """Django's password validators (12+ characters, not common, not like the user's name or email)."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {field: " ".join(error.messages)}
    return {}


def forgot(email: str, request) -> None:
    """Mail a reset link to an active account; nothing for unknown or disabled ones (same answer)."""
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None or not user.is_active:
        _generator()  # comparable work either way
        return
    token = f"{user_pk_to_url_str(user)}-{_generator().make_token(user)}"
    link = f"{mail.console_base_url(request)}/reset-password?token={token}"
    mail.send("reset_password", user.email, {"link": link, "user": user})


def user_for_token(token: str) -> User | None:
    """The user a reset token is valid for, or None (unknown, expired, already used)."""
    pk_str, sep, key = token.strip().partition("-")
    if not sep or not key:
        return None
    try:
        pk = url_str_to_user_pk(pk_str)
    except (ValueError, ValidationError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not user.is_active or not _generator().check_token(user, key):
        return None
    return user


@transaction.atomic
def reset(token: str, new_password: str) -> User:
    """Set a new password with a reset token, then end every login (trusted devices stay, §3.1.12)."""
    user = user_for_token(token)
    if user is None:
        raise invalid({"token": "invalid or expired"}, "The reset link is invalid or has expired.")
    errors = policy_errors(new_password, user, "newPassword")
    if errors:
        raise invalid(errors)
    user.set_password(new_password)  # changes the hash the token was made from: single use
    user.save(update_fields=["password"])
    revoke_all_logins(user)
    return user


@transaction.atomic
def change(user: User, current_login: Login, current_password: str, new_password: str) -> None:
    """Change one's own password; other logins end, the current one stays (§3.3.16)."""
    if not user.has_usable_password() or not user.check_password(current_password):
        raise invalid({"currentPassword": "incorrect"}, "The current password is incorrect.")
    errors = policy_errors(new_password, user, "newPassword")
    if errors:
        raise invalid(errors)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    Login.objects.filter(user=user, revoked_at__isnull=True).exclude(pk=current_login.pk).update(
        revoked_at=timezone.now()
    )
