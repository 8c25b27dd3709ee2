"""POST /auth/signup: a new user, a new organization with that user as Owner, and a verification mail."""

from allauth.account.models import EmailAddress
from django.db import transaction

from localplatform.accounts.services import addresses, passwords
from localplatform.errors import PlatformError, invalid
from localplatform.identity.models import Member, Organization, User
from localplatform.identity.services import directory


def signup(
    request, email: str, password: str, given_name: str, family_name: str, display_name: str | None, org_name: str
) -> tuple[User, Member, Organization]:
    """Create the account (unverified), its organization, and mail the verification link (§3.1.2)."""
    email = addresses.normalize(email)
    if addresses.is_taken(email):
        raise PlatformError("already_exists", "An account with this email already exists. Log in instead.")
    candidate = User(email=email, given_name=given_name, family_name=family_name, display_name=display_name or "")
    errors = passwords.policy_errors(password, candidate, "password")
    if errors:
        raise invalid(errors)
    with transaction.atomic():
        user = directory.create_user(email, password, given_name, family_name, display_name, email_verified=False)
        organization, member = directory.create_organization(org_name, user)
    addresses.send_verification(EmailAddress.objects.get(user=user, primary=True), request)
    return user, member, organization
