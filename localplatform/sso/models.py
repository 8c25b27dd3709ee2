"""Identity providers, their claimed email domains, and started SSO sign-ins (contract §2.2, §3.1.7-3.1.8)."""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from localplatform.identity.models import Audited, IdField, Organization


class IdentityProviderType(models.Model):
    """Mirror of `catalog.TYPES` (written by the data migration); code reads the catalogue module."""

    id = models.SlugField(max_length=64, primary_key=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=1023)
    provider_type = models.CharField(max_length=16, default="oidc")
    capabilities = models.JSONField(default=dict)
    metadata = models.JSONField(default=dict)
    enabled = models.BooleanField(default=True)
    visible = models.BooleanField(default=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["display_order"]


class IdentityProvider(Audited):
    ACTIVE = "active"
    DISABLED = "disabled"
    ERROR = "error"
    MANUAL = "manual"
    AUTO_SETUP = "auto_setup"

    id = IdField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="identity_providers")
    type_id = models.SlugField(max_length=64)  # a catalog.TYPES id
    name = models.CharField(max_length=255)
    issuer = models.CharField(max_length=2048)
    client_id = models.CharField(max_length=255)
    client_secret = models.TextField(default="", blank=True)  # sealed (localplatform.crypto), write-only
    scopes = models.JSONField(default=list)
    status = models.CharField(max_length=16, default=ACTIVE)
    status_message = models.CharField(max_length=1023, null=True, blank=True)
    setup_method = models.CharField(max_length=16, default=MANUAL)
    auto_provision = models.BooleanField(default=False)
    # The contract's discovery object: authorization, token, JWKS, userinfo and registration endpoints.
    discovery = models.JSONField(null=True, blank=True)
    last_tested_at = models.DateTimeField(null=True, blank=True)
    client_secret_rotated_at = models.DateTimeField(null=True, blank=True)
    # RFC 7592 management of a client registered by auto-setup, so deleting the provider can deregister it.
    registration_client_uri = models.CharField(max_length=2048, null=True, blank=True)
    registration_access_token = models.TextField(default="", blank=True)  # sealed

    class Meta:
        constraints = [models.UniqueConstraint("organization", Lower("name"), name="idp_unique_name_ci")]

    def __str__(self):
        return self.name


class EmailDomain(models.Model):
    """A lower-case email domain an identity provider claims; one provider per domain in an organization."""

    identity_provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="domains")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    domain = models.CharField(max_length=253, db_index=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["organization", "domain"], name="idp_domain_unique_in_org")]


class SsoAttempt(models.Model):
    """A started SSO sign-in, found by its `state` (stored hashed): single use, valid for 600 s."""

    state_hash = models.CharField(max_length=64, unique=True)
    identity_provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.CharField(max_length=2048)
    nonce = models.CharField(max_length=64)
    code_verifier = models.TextField()  # sealed
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
