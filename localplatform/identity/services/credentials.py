"""Password sign-in: who the email and password belong to, without telling unknown emails apart."""

from django.utils import timezone

from localplatform.errors import PlatformError
from localplatform.identity.models import TemporaryPassword, User


def authenticate(email: str, password: str) -> User:
    """The user with this email and password; 401 invalid_credentials, 403 account_disabled/email_not_verified."""
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        # Hash anyway, so an unknown email costs as long as a wrong password (no timing enumeration).
        User().set_password(password)
        raise PlatformError("invalid_credentials")
    stored = user.password  # before check_password(), which may re-hash it
    if not user.check_password(password):
        raise PlatformError("invalid_credentials")
    if temporary_password_expired(user, stored):
        raise PlatformError("invalid_credentials", "This temporary password has expired. Ask an admin for a new one.")
    if not user.is_active:
        raise PlatformError("account_disabled")
    if not user.email_verified:
        raise PlatformError("email_not_verified", "Verify your email address before logging in.")
    return user


def temporary_password_expired(user: User, password_hash: str) -> bool:
    """True when `password_hash` is an admin-issued temporary password whose 72 hours are over (§3.3.17)."""
    issued = TemporaryPassword.objects.filter(user=user).first()
    return bool(issued and issued.password_hash == password_hash and issued.expires_at <= timezone.now())
