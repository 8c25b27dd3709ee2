"""Two Owners demoting each other at the same moment never leave the organization without an Owner (§1.6 last_owner).

Each demotion runs in its own thread, so on its own database connection and transaction, as two
requests on two workers would. SQLite serializes every write transaction, so only PostgreSQL can show
the race; the test is skipped there.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection

from localplatform.errors import PlatformError
from localplatform.identity.models import Member
from localplatform.identity.services import directory, members
from localplatform.identity.services.permissions import Access

ROUNDS = 50
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def demote(actor_id: str, target_id: str, start: threading.Barrier, outcomes: list) -> None:
    """One request's worth of work: load the caller and the target, then replace the target's roles with Admin."""
    try:
        actor = Member.objects.prefetch_related("roles").get(pk=actor_id)
        target = Member.objects.select_related("user").get(pk=target_id)
        admin = directory.role("admin")
        start.wait(timeout=10)
        members.replace_roles(Access.of(actor), target, [admin])
        outcomes.append("demoted")
    except PlatformError as error:
        outcomes.append(error.code)
    finally:
        connection.close()  # this thread's own connection


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite runs one write transaction at a time: the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_never_leave_zero_owners(catalogue, cast):
    owner_role = directory.role("owner")
    first = cast.owner.member
    second = cast.admin.member
    for round_number in range(ROUNDS):
        for member in (first, second):
            member.roles.set([owner_role])
        start = threading.Barrier(2)
        outcomes: list[str] = []
        threads = [
            threading.Thread(target=demote, args=(first.id, second.id, start, outcomes)),
            threading.Thread(target=demote, args=(second.id, first.id, start, outcomes)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        owners = members.counting_owners(cast.org.id).count()
        assert owners == 1, f"round {round_number}: {owners} Owners after {outcomes}"
        assert sorted(outcomes)[0] == "demoted" and len(outcomes) == 2, outcomes
        assert set(outcomes) - {"demoted"} <= {"last_owner", "owner_role_required"}, outcomes
