"""The fixed cast every test reads the same way, and the in-process HTTP client for the local platform.

Cast (organization "Acme Analytics" unless noted):
  owner    Olivia Owner   owner@acme.test    Owner
  admin    Adam Admin     admin@acme.test    Admin
  member   Mia Member     member@acme.test   Member (Contributor in team "Data Platform")
  outsider Oscar Outsider oscar@globex.test  Owner of another organization, "Globex"
Everyone's password is PASSWORD.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

# Build the WSGI app now: its django.setup() re-applies LOGGING, which would otherwise drop pytest's
# log capture in whichever test first calls the platform in-process.
import console.wsgi
from console.client import transport
from localplatform.identity.models import Member, Organization, Team, User
from localplatform.identity.services import directory
from localplatform.identity.services import teams as team_service
from tests.localplatform.oidc_support import forge, oidc_issuer, real_idp  # noqa: F401  (fixtures: SSO tests)
from tests.localplatform.workload_support import runners  # noqa: F401  (fixture: workloads a test starts)

PASSWORD = "correct-horse-battery"


@dataclass
class Person:
    user: User
    member: Member
    email: str
    password: str = PASSWORD


@dataclass
class Cast:
    org: Organization
    other_org: Organization
    team: Team
    owner: Person
    admin: Person
    member: Person
    outsider: Person


def _person(org: Organization, email: str, given: str, family: str, role_key: str) -> Person:
    user = directory.create_user(email, PASSWORD, given, family, email_verified=True)
    member = directory.add_member(org, user, [directory.role(role_key)])
    return Person(user, member, email)


def _flushes_the_database(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        "live_server" in fixtures
        or "transactional_db" in fixtures
        or bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that flush the database (these) after all the others, wherever they are.

    pytest-django orders them last, as Django does, but pytest then regroups items by session-scoped
    parameters (pytest-playwright's browser_name), which can put them in the middle; their flush
    would then remove the migrations' data (the role catalogue) under the tests that follow. The
    hook sees the whole session's items, not only this folder's.
    """
    items.sort(key=_flushes_the_database)


@pytest.fixture(autouse=True, scope="session")
def embedded_in_the_test_transaction():
    """The console reaches the embedded platform inside each test's transaction (tests/embedded.py)."""
    from tests.embedded import SharedConnectionTransport

    transport.embedded_transport = SharedConnectionTransport
    transport.reset()
    yield
    transport.embedded_transport = transport.EmbeddedTransport
    transport.reset()


@pytest.fixture(autouse=True, scope="session")
def no_orphan_processes():
    """After the whole suite, no Sail or Marimo process the tests started is left running (issue 13)."""
    yield
    from localplatform.workloads import processes

    def ours(pid: int) -> bool:
        environ = processes._proc_file(pid, "environ").split(b"\0")
        parent = f"{processes.PARENT}={os.getpid()}".encode()
        return parent in environ or _parent_of(pid) == 1  # ours, or an orphan

    leftover = [pid for pid in processes.marked_processes() if ours(pid)]
    processes.reap(leftover)
    assert not leftover, f"workload processes outlived the tests: {leftover}"


def _parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


@pytest.fixture
def catalogue(transactional_db):
    """The fixed role catalogue, written again: the previous browser test's flush removed the migrations' data."""
    from django.apps import apps
    from django.core.cache import cache

    from localplatform.identity import catalog

    catalog.load(apps)
    cache.clear()


@pytest.fixture
def cast(db) -> Cast:
    owner_user = directory.create_user("owner@acme.test", PASSWORD, "Olivia", "Owner", email_verified=True)
    org, owner_member = directory.create_organization("Acme Analytics", owner_user)
    admin = _person(org, "admin@acme.test", "Adam", "Admin", "admin")
    member = _person(org, "member@acme.test", "Mia", "Member", "member")
    team = team_service.create_team(org, "Data Platform", owner_member, "Runs the lakehouse.")
    team_service.add_member(team, member.member, [directory.role("contributor")])
    outsider_user = directory.create_user("oscar@globex.test", PASSWORD, "Oscar", "Outsider", email_verified=True)
    other_org, outsider_member = directory.create_organization("Globex", outsider_user)
    return Cast(
        org=org,
        other_org=other_org,
        team=team,
        owner=Person(owner_user, owner_member, "owner@acme.test"),
        admin=admin,
        member=member,
        outsider=Person(outsider_user, outsider_member, "oscar@globex.test"),
    )


@pytest.fixture
def api(db):
    """An httpx client calling the local platform in-process (real requests through WSGI, no socket).

    It goes through the project's whole WSGI app, as a client of the HTTP-served platform does, and runs
    in the test's transaction (tests/embedded.py), as the console's calls do in tests.
    """
    from tests.embedded import SharedConnectionTransport

    with httpx.Client(
        transport=SharedConnectionTransport(app=console.wsgi.application),
        base_url="http://testserver/api/v1",
        headers={"User-Agent": "pytest"},
    ) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def login(api):
    """login(person) -> TokenResponse dict, through POST /auth/login."""

    def _login(person: Person, **extra) -> dict:
        response = api.post("/auth/login", json={"email": person.email, "password": person.password, **extra})
        assert response.status_code == 200, response.text
        return response.json()

    return _login


@pytest.fixture
def team_admin(cast) -> Person:
    """Tara Teamadmin, tara@acme.test: org role Member, Team Admin of "Data Platform" only (issue 5)."""
    person = _person(cast.org, "tara@acme.test", "Tara", "Teamadmin", "member")
    team_service.add_member(cast.team, person.member, [directory.role("team_admin")])
    return person


@pytest.fixture
def other_team(cast) -> Team:
    """The team "Growth" of Acme Analytics, with only its creator, Olivia Owner, in it (issue 5)."""
    return team_service.create_team(cast.org, "Growth", cast.owner.member, "Experiments and funnels")


@pytest.fixture
def billing_viewer(cast) -> Person:
    """Bill Viewer (billing@acme.test), Billing Viewer of Acme Analytics."""
    return _person(cast.org, "billing@acme.test", "Bill", "Viewer", "billing_viewer")


@pytest.fixture
def auditor(cast) -> Person:
    """Audrey Auditor (auditor@acme.test), Auditor of Acme Analytics."""
    return _person(cast.org, "auditor@acme.test", "Audrey", "Auditor", "auditor")


@pytest.fixture
def outbox(settings):
    """Mail goes to the local platform's outbox (the Dev mailbox), as in local mode; returns its messages."""
    from localplatform.accounts.models import OutboxMessage

    settings.MAILERS = {"default": {"BACKEND": "localplatform.accounts.mail.OutboxBackend"}}
    return OutboxMessage.objects


@pytest.fixture
def dev_mailbox(settings):
    """Mail goes to the local outbox, as in local mode, so GET /_local/outbox (the Dev mailbox) shows it (issue 3).

    The test environment otherwise swaps every mailer for locmem (django.core.mail.outbox).
    """
    settings.MAILERS = {"default": {"BACKEND": "localplatform.accounts.mail.OutboxBackend"}}
