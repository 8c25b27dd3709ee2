"""The client's user-account operations (§3.3.10-3.3.17) against the local platform, refusals included."""

import pytest

from console.client import auth, users
from console.client.base import Platform
from console.client.errors import Conflict, Forbidden, NotFound
from console.client.models.auth import TokenResponse
from localplatform.identity.models import Member
from localplatform.identity.services import directory


def can_log_in(email: str, password: str) -> bool:
    return isinstance(auth.login(Platform.anonymous(), email=email, password=password), TokenResponse)


def test_list_pages_by_email(platform_for, cast):
    admin = platform_for(cast.admin)
    first = users.list_users(admin, limit=2)
    assert [user.email for user in first.items] == ["admin@acme.test", "member@acme.test"] and first.marker
    rest = users.list_users(admin, limit=2, marker=first.marker)
    assert [user.email for user in rest.items] == ["owner@acme.test"] and rest.marker is None
    assert rest.items[0].member_id == cast.owner.member.id


def test_create_with_a_temporary_password_and_a_team(platform_for, cast):
    created = users.create_user(
        platform_for(cast.admin),
        email="nina@acme.test",
        given_name="Nina",
        family_name="New",
        teams=[{"teamId": cast.team.id}],
    )
    assert created.user.email_verified and created.member.account_type == "managed"
    assert created.temporary_password and created.temporary_password not in repr(created)
    assert can_log_in("nina@acme.test", created.temporary_password)
    assert Member.objects.get(pk=created.member.id).team_memberships.get().team_id == cast.team.id


def test_describe_update_and_delete(platform_for, cast):
    admin = platform_for(cast.admin)
    assert users.describe_user(admin, cast.member.user.id).member_id == cast.member.member.id
    updated = users.update_user(admin, cast.member.user.id, display_name="Mia M.", status="disabled")
    assert (updated.display_name, updated.status) == ("Mia M.", "disabled")
    users.delete_user(admin, cast.member.user.id)
    with pytest.raises(NotFound):
        users.describe_user(admin, cast.member.user.id)


def test_resets(platform_for, cast):
    admin = platform_for(cast.admin)
    users.reset_user_mfa(admin, cast.member.user.id)
    issued = users.reset_user_password(admin, cast.member.user.id)
    assert len(issued.temporary_password) == 20 and issued.temporary_password not in repr(issued)
    assert can_log_in(cast.member.email, issued.temporary_password)


def test_refusals_reach_the_console_as_errors_it_can_explain(platform_for, cast):
    admin = platform_for(cast.admin)
    with pytest.raises(Forbidden) as owner:
        users.reset_user_password(admin, cast.owner.user.id)
    assert owner.value.code == "owner_role_required"
    Member.objects.filter(pk=cast.member.member.pk).update(account_type=Member.EXTERNAL)
    with pytest.raises(Conflict) as external:
        users.reset_user_mfa(admin, cast.member.user.id)
    assert external.value.code == "external_account"
    Member.objects.filter(pk=cast.member.member.pk).update(account_type=Member.MANAGED)
    directory.add_member(cast.other_org, cast.member.user)
    with pytest.raises(Conflict) as elsewhere:
        users.delete_user(admin, cast.member.user.id)
    assert elsewhere.value.code == "in_use"
