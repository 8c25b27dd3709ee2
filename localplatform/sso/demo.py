"""The demo organization's identity provider for `manage.py seed_demo`, created through the same services.

It is the local OpenID Connect provider `bin/oidc-provider` runs on 127.0.0.1:9000, with the client that
provider always has (`lakesail-demo`). Until that provider runs, the demo provider shows status "error" with
the reason; start it and press "Test" (or sign in with SSO) to use it.
"""

from collections.abc import Callable

from localplatform import outbound
from localplatform.identity.models import Member, Organization
from localplatform.sso.models import IdentityProvider
from localplatform.sso.services import identity_providers as providers

NAME = "Acme SSO (local OIDC provider)"
ISSUER = "http://127.0.0.1:9000"
CLIENT_ID = "lakesail-demo"
CLIENT_SECRET = "lakesail-demo-secret"  # a development provider's fixed client, not a secret of anyone's


def seed(organization: Organization, owner: Member, count: Callable[[str], None]) -> None:
    """Add the demo provider when missing (local profile only: it lives on loopback)."""
    if not outbound.local_mode() or IdentityProvider.objects.filter(organization=organization, name=NAME).exists():
        return
    providers.create_provider(
        organization,
        owner,
        type_id="generic-oidc",
        name=NAME,
        issuer=ISSUER,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        email_domains=["acme.test"],
        auto_provision=True,
    )
    count("identity providers")
