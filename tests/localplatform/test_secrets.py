"""Secrets (§3.17): write-only values, versions, revocation, team sharing and references."""

import pytest

from localplatform import crypto
from localplatform.events.models import Event
from localplatform.workloads.models import SecretVersion
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.workload_support import profile, secret

VALUE = "correct-horse-battery-staple"


@pytest.fixture
def owner(cast, login):
    return bearer(login(cast.owner)["accessToken"])


@pytest.fixture
def member(cast, login):
    return bearer(login(cast.member)["accessToken"])


def create(api, headers, team_id, name="warehouse-password", value=VALUE):
    return api.post("/workloads/secrets", json={"name": name, "value": value, "teamIds": [team_id]}, headers=headers)


class TestValues:
    def test_a_value_is_stored_encrypted_and_never_returned(self, cast, api, owner):
        detail = ok(create(api, owner, cast.team.id), 201)
        assert detail["secret"]["currentVersion"] == 1 and detail["teamIds"] == [cast.team.id]
        assert VALUE not in str(detail)
        stored = SecretVersion.objects.get(secret_id=detail["secret"]["id"])
        assert VALUE not in stored.sealed and crypto.unseal(stored.sealed, purpose="workload-secret") == VALUE
        for path in ("/workloads/secrets", f"/workloads/secrets/{detail['secret']['id']}"):
            assert VALUE not in api.get(path, headers=owner).text

    def test_replacing_makes_a_new_version_and_clears_a_revocation(self, cast, api, owner):
        secret_id = ok(create(api, owner, cast.team.id), 201)["secret"]["id"]
        revoked = ok(api.post(f"/workloads/secrets/{secret_id}/revoke", headers=owner))["secret"]
        assert revoked["revoked"] and revoked["revokedBy"] == cast.owner.member.id and revoked["revokedAt"]
        assert Event.objects.filter(type="secret.revoked", resource_id=secret_id).exists()
        assert_error(api.post(f"/workloads/secrets/{secret_id}/revoke", headers=owner), 409, "invalid_state")
        replaced = ok(api.put(f"/workloads/secrets/{secret_id}/value", json={"value": "next"}, headers=owner))
        assert replaced["secret"]["currentVersion"] == 2 and not replaced["secret"]["revoked"]
        assert replaced["secret"]["revokedAt"] is None

    def test_names_are_unique_case_insensitively_and_free_again_after_delete(self, cast, api, owner):
        secret_id = ok(create(api, owner, cast.team.id), 201)["secret"]["id"]
        assert_error(create(api, owner, cast.team.id, name="WAREHOUSE-password"), 409, "already_exists")
        assert api.delete(f"/workloads/secrets/{secret_id}", headers=owner).status_code == 204
        ok(create(api, owner, cast.team.id), 201)

    @pytest.mark.parametrize(("body", "field"), [({"name": "1bad"}, "name"), ({"value": ""}, "value")])
    def test_bad_input_names_the_field(self, cast, api, owner, body, field):
        full = {"name": "ok-name", "value": VALUE, "teamIds": [cast.team.id], **body}
        error = assert_error(api.post("/workloads/secrets", json=full, headers=owner), 422, "validation_failed")
        assert field in error["details"]["fieldErrors"]


class TestReferences:
    def test_a_referenced_secret_cannot_be_deleted_or_unshared_from_the_referencing_team(
        self, cast, api, owner, other_team
    ):
        stored = secret(cast)
        env = [{"name": "PASSWORD", "source": "secret", "value": None, "secretId": stored.id}]
        profile(cast, environment=env)
        detail = ok(api.get(f"/workloads/secrets/{stored.id}", headers=owner))
        assert detail["secret"]["referenceCount"] == 1
        assert_error(api.delete(f"/workloads/secrets/{stored.id}", headers=owner), 409, "in_use")
        moved = {"teamIds": [other_team.id]}
        assert_error(api.patch(f"/workloads/secrets/{stored.id}", json=moved, headers=owner), 409, "in_use")
        both = {"teamIds": [cast.team.id, other_team.id]}
        assert set(ok(api.patch(f"/workloads/secrets/{stored.id}", json=both, headers=owner))["teamIds"]) == {
            cast.team.id,
            other_team.id,
        }


class TestAccess:
    def test_a_contributor_sees_the_team_secrets_but_cannot_manage_them(self, cast, api, member):
        stored = secret(cast)
        page = ok(api.get("/workloads/secrets", headers=member))
        assert [row["secretId"] for row in page["items"]] == [stored.id]
        assert_error(api.post(f"/workloads/secrets/{stored.id}/revoke", headers=member), 403, "permission_denied")
        assert_error(create(api, member, cast.team.id, name="other"), 403, "permission_denied")

    def test_a_secret_of_another_team_is_not_found(self, cast, api, member, other_team):
        stored = secret(cast, team=other_team)
        assert ok(api.get("/workloads/secrets", headers=member))["total"] == 0
        assert_error(api.get(f"/workloads/secrets/{stored.id}", headers=member), 404, "not_found")

    def test_anonymous_callers_are_refused(self, api):
        assert_error(api.get("/workloads/secrets"), 401, "unauthenticated")
