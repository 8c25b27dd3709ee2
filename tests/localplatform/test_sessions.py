"""Sessions (§3.19): a real Sail server per session, reached with a stock Spark Connect client."""

from datetime import timedelta

import jwt
import pytest

from localplatform.events.models import Event
from localplatform.workloads import lifecycle, processes, sessions
from localplatform.workloads.models import Session, Usage
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.workload_support import profile, secret, wait_for


@pytest.fixture
def owner(cast, login):
    return bearer(login(cast.owner)["accessToken"])


@pytest.fixture
def member(cast, login):
    return bearer(login(cast.member)["accessToken"])


def create(api, headers, cast, config, capture, **extra):
    with capture(execute=True):
        response = api.post(
            "/workloads/sessions",
            json={"teamId": cast.team.id, "workloadConfigId": config.id, **extra},
            headers=headers,
        )
    return response


def spark_sql(endpoint: str, query: str):
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(endpoint).getOrCreate()
    try:
        return spark.sql(query).collect()
    finally:
        spark.stop()


def test_a_stock_spark_connect_client_runs_sql_on_the_session_endpoint(
    cast, api, owner, runners, django_capture_on_commit_callbacks
):
    config = profile(cast)
    created = ok(create(api, owner, cast, config, django_capture_on_commit_callbacks, name="adhoc"), 201)
    assert (created["status"], created["name"], created["workloadId"]) == ("pending", "adhoc", config.id)

    def endpoint():
        body = ok(api.get(f"/workloads/sessions/{created['id']}", headers=owner))
        return body["connectionInfo"]["grpcEndpoint"]

    grpc = wait_for(endpoint)
    assert grpc.startswith("sc://127.0.0.1:")
    assert spark_sql(grpc, "select 1+1 as two")[0].two == 2
    active = wait_for(lambda: (s := ok(api.get(f"/workloads/sessions/{created['id']}", headers=owner)))["status"]
                      == "active" and s)  # fmt: skip
    assert active["lastActivityAt"] and Event.objects.filter(type="session.active", resource_id=created["id"]).exists()
    assert Usage.objects.get(session_id=created["id"]).vcpus == 8

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/workloads/sessions/{created['id']}", headers=owner).status_code == 204
    closed = ok(api.get(f"/workloads/sessions/{created['id']}", headers=owner))
    assert (closed["status"], closed["terminationReason"], closed["connectionInfo"]["grpcEndpoint"]) == (
        "closed",
        "user_closed",
        None,
    )
    record = Session.objects.get(pk=created["id"])
    wait_for(lambda: not processes.alive(record.pid), timeout=15)
    assert Usage.objects.get(session_id=created["id"]).ended_at is not None


def test_an_idle_session_closes_after_its_idle_timeout(cast, api, owner, runners, django_capture_on_commit_callbacks):
    config = profile(cast)
    created = ok(create(api, owner, cast, config, django_capture_on_commit_callbacks, idleTimeoutSeconds=300), 201)
    record = Session.objects.get(pk=created["id"])
    wait_for(lambda: lifecycle.refresh_session(record).grpc_port)
    spark_sql(sessions.endpoint(Session.objects.get(pk=record.pk)), "select 1")
    seen = wait_for(lambda: lifecycle.refresh_session(record).last_activity_at)
    idle = lifecycle.refresh_session(record, seen + timedelta(seconds=301))
    assert idle.status == "idle" and idle.idle_since == seen + timedelta(seconds=300)
    closed = lifecycle.refresh_session(record, seen + timedelta(seconds=300 + 301))
    assert (closed.status, closed.termination_reason) == ("closed", "idle_timeout")
    assert not processes.alive(closed.pid)


def test_the_token_is_the_owners_signed_jwt(cast, api, owner, member, runners, django_capture_on_commit_callbacks):
    created = ok(create(api, owner, cast, profile(cast), django_capture_on_commit_callbacks), 201)
    token = ok(api.post(f"/workloads/sessions/{created['id']}/token", json={"ttlSeconds": 60}, headers=owner))
    claims = jwt.decode(token["token"], sessions.token_key(), algorithms=["HS256"], audience=sessions.TOKEN_AUDIENCE)
    assert (claims["sub"], token["tokenType"], token["expiresIn"]) == (created["id"], "Bearer", 60)
    seen = ok(api.get(f"/workloads/sessions/{created['id']}", headers=member))  # a team member sees it...
    assert seen["connectionInfo"] is None  # ...without the owner's connection details
    assert_error(api.post(f"/workloads/sessions/{created['id']}/token", headers=member), 403, "not_owner")
    assert_error(api.delete(f"/workloads/sessions/{created['id']}", headers=member), 403, "permission_denied")


def test_relaunch_makes_a_new_session_like_a_closed_one(cast, api, owner, runners, django_capture_on_commit_callbacks):
    created = ok(create(api, owner, cast, profile(cast), django_capture_on_commit_callbacks, name="daily"), 201)
    assert_error(api.post(f"/workloads/sessions/{created['id']}/relaunch", headers=owner), 409, "invalid_state")
    api.delete(f"/workloads/sessions/{created['id']}", headers=owner)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = ok(api.post(f"/workloads/sessions/{created['id']}/relaunch", headers=owner), 201)
    assert fresh["id"] != created["id"] and (fresh["name"], fresh["status"]) == ("daily", "pending")


def test_a_revoked_secret_blocks_new_sessions(cast, api, owner, runners, django_capture_on_commit_callbacks):
    stored = secret(cast)
    config = profile(cast, environment=[{"name": "PASSWORD", "source": "secret", "secretId": stored.id}])
    api.post(f"/workloads/secrets/{stored.id}/revoke", headers=owner)
    error = assert_error(create(api, owner, cast, config, django_capture_on_commit_callbacks), 422, "validation_failed")
    assert stored.name in error["details"]["fieldErrors"]["workloadConfigId"]


def test_list_filters_and_counts(cast, api, owner, member, runners, django_capture_on_commit_callbacks):
    config = profile(cast)
    first = ok(create(api, owner, cast, config, django_capture_on_commit_callbacks), 201)
    ok(create(api, owner, cast, config, django_capture_on_commit_callbacks), 201)
    api.delete(f"/workloads/sessions/{first['id']}", headers=owner)
    page = ok(api.get("/workloads/sessions?status=closed", headers=owner))
    assert (page["total"], [row["id"] for row in page["items"]]) == (1, [first["id"]])
    assert ok(api.get("/workloads/sessions?limit=1", headers=member))["total"] == 2
    assert ok(api.get("/workloads/sessions?endpoint_type=marimo", headers=owner))["total"] == 0


def test_marimo_sessions_are_made_only_by_notebooks(cast, api, owner, django_capture_on_commit_callbacks):
    response = create(api, owner, cast, profile(cast), django_capture_on_commit_callbacks, endpointType="marimo")
    assert "endpointType" in assert_error(response, 422, "validation_failed")["details"]["fieldErrors"]
