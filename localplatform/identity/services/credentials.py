"""Password sign-in: who the email and password belong to, without telling unknown emails apart."""

from localplatform.errors import PlatformError
from localplatform.identity.models import User


def authenticate(email: str, password: str) -> User:
    """The user with this email and password; 401 invalid_credentials, 403 account_disabled/email_not_verified."""
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        # Hash anyway, so an unknown email costs as long as a wrong password (no timing enumeration).
        User().set_password(password)
        raise PlatformError("invalid_credentials")
    if not user.check_password(password):
        raise PlatformError("invalid_credentials")
    if not user.is_active:
        raise PlatformError("account_disabled")
    if not user.email_verified:
        raise PlatformError("email_not_verified", "Verify your email address before logging in.")
    return user
