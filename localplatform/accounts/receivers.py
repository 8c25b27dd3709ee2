"""Every user has a primary allauth EmailAddress matching User.email, however the user was created or edited."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from localplatform.accounts.models import EmailRecord


def sync_primary_address(user) -> EmailAddress:
    """Make User.email the user's primary address (created, and verified when the user's email is)."""
    addresses = EmailAddress.objects.filter(user=user)
    address = addresses.filter(email__iexact=user.email).first()
    if address is None:
        # Set from outside the address services (directory.create_user, an admin edit): the old primary goes.
        addresses.filter(primary=True).delete()
        address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
        EmailRecord.objects.create(address=address)
    elif not address.primary:
        addresses.filter(primary=True).update(primary=False)
        EmailAddress.objects.filter(pk=address.pk).update(primary=True)
        address.primary = True
    if user.email_verified and not address.verified:
        EmailAddress.objects.filter(pk=address.pk).update(verified=True)
        EmailRecord.objects.filter(address=address, verified_at__isnull=True).update(verified_at=timezone.now())
        address.verified = True
    return address


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.primary_address")
def on_user_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is not None and not {"email", "email_verified"} & set(update_fields):
        return
    sync_primary_address(instance)
