"""Email addresses on allauth's EmailAddress and EmailConfirmation: add, verify, resend, remove, make primary."""

from allauth.account.models import EmailAddress, EmailConfirmation
from django.db import transaction
from django.utils import timezone

from localplatform.accounts import mail
from localplatform.accounts.models import EmailRecord
from localplatform.errors import PlatformError, invalid, not_found
from localplatform.identity.models import Member, User

MAX_ADDRESSES = 10


def normalize(email: str) -> str:
    return email.strip().lower()


def record(address: EmailAddress) -> EmailRecord:
    """The address's Email id and dates (created on first use for addresses made elsewhere)."""
    try:
        return address.record
    except EmailRecord.DoesNotExist:
        return EmailRecord.objects.create(address=address, verified_at=timezone.now() if address.verified else None)


def addresses_of(user: User) -> list[EmailAddress]:
    """The user's addresses: primary first, then oldest first."""
    rows = list(EmailAddress.objects.filter(user=user).select_related("record"))
    return sorted(rows, key=lambda a: (not a.primary, record(a).created_at, record(a).id))


def is_taken(email: str) -> bool:
    """Whether any account holds this address (primary or additional, verified or not)."""
    email = normalize(email)
    return User.objects.filter(email=email).exists() or EmailAddress.objects.filter(email__iexact=email).exists()


@transaction.atomic
def add(user: User, email: str, request) -> EmailAddress:
    """An unverified additional address, with a verification link mailed to it (§3.3.4)."""
    email = normalize(email)
    if is_taken(email):
        raise PlatformError("already_exists", "This email address belongs to an account.")
    if EmailAddress.objects.filter(user=user).count() >= MAX_ADDRESSES:
        raise invalid(
            {"email": f"at most {MAX_ADDRESSES} addresses"}, "You already have the maximum number of addresses."
        )
    address = EmailAddress.objects.create(user=user, email=email, primary=False, verified=False)
    EmailRecord.objects.create(address=address)
    send_verification(address, request)
    return address


def send_verification(address: EmailAddress, request) -> None:
    """A fresh single-use verification link (24 h); earlier links for the address stop working (§3.1.14)."""
    EmailConfirmation.objects.filter(email_address=address).delete()
    confirmation = EmailConfirmation.create(address)
    confirmation.sent = timezone.now()
    confirmation.save(update_fields=["sent"])
    link = f"{mail.console_base_url(request)}/verify-email?token={confirmation.key}"
    mail.send("verify_email", address.email, {"link": link, "user": address.user})


def resend(email: str, request) -> None:
    """Resend the link of an unverified address; nothing (and no difference in the answer) otherwise."""
    address = EmailAddress.objects.filter(email__iexact=normalize(email), verified=False).select_related("user").first()
    if address is not None and address.user.is_active:
        send_verification(address, request)


@transaction.atomic
def verify(token: str) -> EmailAddress:
    """Confirm the address behind a verification token; 422 fieldErrors.token when invalid or expired."""
    confirmation = EmailConfirmation.from_key(token.strip()) if token.strip() else None
    if confirmation is None or confirmation.key_expired():
        raise invalid({"token": "invalid or expired"}, "The verification link is invalid or has expired.")
    address = confirmation.email_address
    EmailConfirmation.objects.filter(email_address=address).delete()  # single use
    if not address.set_verified():
        raise invalid({"token": "invalid or expired"}, "Another account has verified this address.")
    now = timezone.now()
    EmailRecord.objects.update_or_create(address=address, defaults={"verified_at": now})
    if address.primary:
        User.objects.filter(pk=address.user_id).update(email_verified=True)
    return address


def mark_verified(user: User) -> None:
    """A successful login code proves the primary address (§3.1.6)."""
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])  # the receiver verifies the EmailAddress


def find(user: User, email_id: str) -> EmailAddress:
    record_row = EmailRecord.objects.select_related("address").filter(pk=email_id, address__user=user).first()
    if record_row is None:
        raise not_found("email address")
    return record_row.address


@transaction.atomic
def remove(user: User, email_id: str) -> None:
    """Remove a non-primary address; its pending verification link dies with it (§3.3.18)."""
    address = find(user, email_id)
    if address.primary:
        raise PlatformError(
            "invalid_state", "The primary address cannot be removed; make another address primary first."
        )
    address.delete()


@transaction.atomic
def make_primary(user: User, email: str) -> None:
    """PATCH /me email: one of the caller's verified addresses becomes primary (and User.email)."""
    email = normalize(email)
    if email == user.email:
        return
    address = EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).first()
    if address is None:
        raise invalid({"email": "not a verified address of yours"}, "Choose one of your verified addresses.")
    if Member.objects.filter(user=user, account_type=Member.MANAGED).exists():
        raise PlatformError(
            "permission_denied", "Your organization manages your email address; ask an admin to change it."
        )
    user.email = address.email
    user.email_verified = True
    user.save(update_fields=["email", "email_verified"])
    Member.objects.filter(user=user).update(sort_email=user.email)
