"""POST /auth/signup: a new user, a new organization with that user as Owner, and a verification mail (§3.1.2).

The answer is the same 202 for every valid request, so it never tells whether an address is registered
(§6 item 14): for a registered address nothing is created, and the address gets a mail saying someone
tried to sign up with it, with links to sign in and to reset the password.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from localplatform.accounts import mail
from localplatform.accounts.services import addresses, passwords
from localplatform.errors import invalid
from localplatform.identity.models import User
from localplatform.identity.services import directory


def signup(
    request, email: str, password: str, given_name: str, family_name: str, display_name: str | None, org_name: str
) -> None:
    """Create the account (unverified) and its organization and mail the link; or tell the address's owner."""
    email = addresses.normalize(email)
    candidate = User(email=email, given_name=given_name, family_name=family_name, display_name=display_name or "")
    errors = passwords.policy_errors(password, candidate, "password")  # before the lookup: the same 422 for all
    if errors:
        raise invalid(errors)
    if addresses.is_taken(email):
        make_password(password)  # the hashing a new account costs, so the time taken does not tell either
        send_attempt_notice(email, request)
        return
    with transaction.atomic():
        user = directory.create_user(email, password, given_name, family_name, display_name, email_verified=False)
        directory.create_organization(org_name, user)
    addresses.send_verification(EmailAddress.objects.get(user=user, primary=True), request)


def send_attempt_notice(email: str, request) -> None:
    """The mail to a registered address: someone tried to sign up with it; sign in or reset the password."""
    base = mail.console_base_url(request)
    # No name in it: the address may be an unverified extra address, whose owner is not the account holder.
    mail.send("signup_attempt", email, {"sign_in_link": f"{base}/sign-in", "reset_link": f"{base}/forgot-password"})
