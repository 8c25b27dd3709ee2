"""The permission matrix of issue 4's endpoints (§1.13): owner, admin, billing viewer, auditor, member, outsider.

Each cell is the status one caller gets from one endpoint, acting on objects of "Acme Analytics". The
outsider calls with their own token (organization Globex in context): Acme's ids are unknown there, so
lookups answer 404 and lists show only Globex. A second test sends Acme's id in the organization
header: 403, and no response of either kind carries any of Acme's data.
"""

from dataclasses import dataclass

import pytest

from localplatform.identity.models import Invitation
from localplatform.identity.services import directory
from tests.conftest import bearer

ROLES = ["owner", "admin", "billing_viewer", "auditor", "member", "outsider"]


@dataclass
class World:
    people: dict
    target_id: str  # a plain member of Acme the calls act on
    invitation_id: str
    org_role_id: str
    team_role_id: str


@pytest.fixture
def world(cast, billing_viewer, auditor, api, login) -> World:
    target = directory.add_member(
        cast.org, directory.create_user("tara@acme.test", None, "Tara", "Target", email_verified=True)
    )
    headers = bearer(login(cast.owner)["accessToken"])
    invitation = api.post("/org/invitations", json={"email": "invitee@example.com"}, headers=headers).json()
    people = {
        "owner": cast.owner,
        "admin": cast.admin,
        "billing_viewer": billing_viewer,
        "auditor": auditor,
        "member": cast.member,
        "outsider": cast.outsider,
    }
    return World(people, target.id, invitation["id"], directory.role("auditor").id, directory.role("viewer").id)


# (method, path template, body, expected status per role in ROLES order)
VIEW = (200, 200, 200, 200, 200, 200)
MATRIX = [
    ("GET", "/auth/permissions", None, VIEW),
    ("GET", "/org/roles", None, VIEW),
    ("GET", "/org/roles/{org_role}", None, VIEW),
    ("GET", "/org/team-roles", None, VIEW),
    ("GET", "/org/team-roles/{team_role}", None, VIEW),
    ("GET", "/org/settings", None, VIEW),
    ("PATCH", "/org/settings", {"invitationExpiryHours": 48}, (200, 403, 403, 403, 403, 200)),
    ("GET", "/org/members", None, VIEW),
    ("GET", "/org/members/{target}", None, (200, 200, 200, 200, 200, 404)),
    ("PATCH", "/org/members/{target}", {"displayName": "Tara T."}, (200, 200, 403, 403, 403, 404)),
    ("PUT", "/org/members/{target}/roles", {"roleIds": ["{org_role}"]}, (204, 204, 403, 403, 403, 404)),
    ("DELETE", "/org/members/{target}", None, (204, 204, 403, 403, 403, 404)),
    ("GET", "/org/invitations", None, (200, 200, 403, 403, 403, 200)),
    ("POST", "/org/invitations", {"email": "new@example.com"}, (201, 201, 403, 403, 403, 201)),
    ("DELETE", "/org/invitations/{invitation}", None, (204, 204, 403, 403, 403, 404)),
    ("POST", "/org/invitations/{invitation}/resend", None, (200, 200, 403, 403, 403, 404)),
]


def fill(value, world: World):
    """Put the world's ids into a path or body template."""
    if isinstance(value, str):
        return (
            value.replace("{target}", world.target_id)
            .replace("{invitation}", world.invitation_id)
            .replace("{org_role}", world.org_role_id)
            .replace("{team_role}", world.team_role_id)
        )
    if isinstance(value, list):
        return [fill(v, world) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    return value


CELLS = [
    pytest.param(method, path, body, role, expected[n], id=f"{method} {path} as {role}")
    for method, path, body, expected in MATRIX
    for n, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), CELLS)
def test_matrix(world, api, login, method, path, body, role, status):
    headers = bearer(login(world.people[role])["accessToken"])
    response = api.request(method, fill(path, world), json=fill(body, world), headers=headers)
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["code"] == "permission_denied"
    if status == 404:
        assert response.json()["code"] == "not_found"


def test_the_public_invitation_routes(world, api, login, cast):
    """Describe needs no token; accepting someone else's invitation is refused whoever calls."""
    from django.core import mail

    token = mail.outbox[-1].body.split("/invitations/")[1].split()[0]
    assert api.get(f"/invitations/{token}").status_code == 200
    for role in ROLES:
        headers = bearer(login(world.people[role])["accessToken"])
        response = api.post(f"/invitations/{token}/accept", json={}, headers=headers)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", role
    assert Invitation.objects.get(pk=world.invitation_id).status == "pending"


def acme_secrets(cast, world) -> list[str]:
    """Strings that would show Acme data leaking into a response."""
    return [cast.org.id, "Acme", "acme.test", world.target_id, world.invitation_id, "invitee@example.com", "Tara"]


def test_the_outsider_cannot_read_or_change_acme(world, api, login, cast):
    outsider = bearer(login(cast.outsider)["accessToken"])
    into_acme = {**outsider, "LakeSail-Organization-Id": cast.org.id}
    for method, path, body, _ in MATRIX:
        if path == "/auth/permissions":
            continue  # not organization-scoped: the global permission catalogue
        url, payload = fill(path, world), fill(body, world)
        # Asking for Acme outright: refused before anything is looked up.
        response = api.request(method, url, json=payload, headers=into_acme)
        assert response.status_code == 403, (method, url, response.text)
        assert response.json()["code"] == "organization_access_denied"
        # In their own organization, Acme's objects do not exist and lists show only Globex.
        response = api.request(method, url, json=payload, headers=outsider)
        assert response.status_code in (200, 201, 204, 404), (method, url, response.text)
        for secret in acme_secrets(cast, world):
            assert secret not in response.text, (method, url, secret)
    # Nothing of Acme changed.
    target = cast.org.members.get(pk=world.target_id)
    assert target.user.display_name == "Tara Target" and [r.key for r in target.roles.all()] == ["member"]
    assert Invitation.objects.get(pk=world.invitation_id).status == "pending"
    cast.org.refresh_from_db()
    assert cast.org.invitation_expiry_hours == 168
