"""Per-user account data that allauth's models do not hold: outbox, email dates, pending TOTP, codes, devices."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from localplatform.identity.models import IdField


class OutboxMessage(models.Model):
    """One message sent through the local-mode mailer; the Dev mailbox lists them (contract §7)."""

    id = IdField(primary_key=True)
    to = models.JSONField(default=list)
    from_email = models.CharField(max_length=320, default="")
    subject = models.CharField(max_length=998, default="")
    text = models.TextField(default="")
    html = models.TextField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)


class EmailRecord(models.Model):
    """The contract's Email id and dates for one allauth EmailAddress."""

    id = IdField(primary_key=True)
    address = models.OneToOneField("account.EmailAddress", on_delete=models.CASCADE, related_name="record")
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)


class PendingTotp(models.Model):
    """A TOTP secret issued by POST /me/mfa/totp and not yet confirmed (expires after 600 s)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    secret = models.CharField(max_length=255)  # allauth.mfa.utils.encrypt()ed
    expires_at = models.DateTimeField()


class LoginCode(models.Model):
    """The one live emailed login code of a user (a new request replaces it); stored hashed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)


class MfaChallenge(models.Model):
    """A login waiting for its MFA step (MfaChallenge.mfaToken, 300 s, burned after 5 wrong codes)."""

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("identity.Organization", null=True, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=16)
    expires_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)


class TrustedDevice(models.Model):
    """A device that skips the MFA step until it expires or is revoked; its token is stored hashed."""

    id = IdField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trusted_devices")
    token_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    ip_address = models.CharField(max_length=64, default="")
    user_agent = models.CharField(max_length=512, default="")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
