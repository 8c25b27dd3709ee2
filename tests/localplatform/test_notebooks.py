"""Notebooks (§3.18, §2.10): Sail and Marimo started for real, the open URL, presence, timeouts, teardown."""

import time
from datetime import timedelta
from pathlib import Path

import httpx
import jwt
import pytest
from django.utils import timezone

from localplatform.events.models import Event
from localplatform.identity.services import directory
from localplatform.identity.services import teams as team_service
from localplatform.workloads import lifecycle, notebooks, processes
from localplatform.workloads.models import Notebook, Session, Usage
from tests.conftest import _person, bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.workload_support import profile, secret, wait_for


@pytest.fixture
def owner(cast, login):
    return bearer(login(cast.owner)["accessToken"])


@pytest.fixture
def admin(cast, login):
    return bearer(login(cast.admin)["accessToken"])


@pytest.fixture
def member(cast, login):
    return bearer(login(cast.member)["accessToken"])


def create(api, headers, config, **extra):
    body = {"name": "Revenue", "workloadConfigId": config.id, **extra}
    return ok(api.post("/workloads/notebooks", json=body, headers=headers), 201)["notebook"]


def start(api, headers, notebook_id, capture):
    with capture(execute=True):
        return api.post(f"/workloads/notebooks/{notebook_id}/start", headers=headers)


def running(api, headers, notebook_id, capture):
    """Start the notebook and wait until it is running."""
    started = ok(start(api, headers, notebook_id, capture))["notebook"]
    assert started["status"] == "starting" and started["sessionId"]
    return wait_for(
        lambda: (
            (n := ok(api.get(f"/workloads/notebooks/{notebook_id}", headers=headers)))["notebook"]["status"]
            == "running"
            and n
        ),
        timeout=90,
    )


@pytest.fixture
def up(cast, api, owner, runners, django_capture_on_commit_callbacks):
    """A running notebook of the owner's, shared with the cast's team."""
    notebook = create(api, owner, profile(cast), teamIds=[cast.team.id])
    running(api, owner, notebook["id"], django_capture_on_commit_callbacks)
    return Notebook.objects.get(pk=notebook["id"])


def test_start_runs_sail_and_marimo_and_stop_tears_them_down(cast, api, owner, up, django_capture_on_commit_callbacks):
    detail = ok(api.get(f"/workloads/notebooks/{up.id}", headers=owner))
    session = detail["included"]["sessions"][0]
    assert (session["endpointType"], session["status"], session["notebookId"]) == ("marimo", "active", up.id)
    assert Event.objects.filter(type="notebook.running", resource_id=up.id).exists()
    assert Usage.objects.get(workload_id=up.id).ended_at is None
    pid = Notebook.objects.get(pk=up.id).pid
    assert processes.alive(pid)
    with django_capture_on_commit_callbacks(execute=True):
        stopping = ok(api.post(f"/workloads/notebooks/{up.id}/stop", headers=owner))["notebook"]
    assert stopping["status"] == "stopping"
    stopped = ok(api.get(f"/workloads/notebooks/{up.id}", headers=owner))
    assert (stopped["notebook"]["status"], stopped["notebook"]["sessionId"]) == ("stopped", None)
    assert not processes.alive(pid)
    closed = Session.objects.get(pk=session["id"])
    assert (closed.status, closed.termination_reason) == ("closed", "notebook_stopped")
    assert Usage.objects.get(workload_id=up.id).ended_at is not None
    assert_error(api.post(f"/workloads/notebooks/{up.id}/stop", headers=owner), 409, "invalid_state")


def test_the_open_url_is_single_use_and_brings_the_browser_into_marimo(cast, api, owner, up):
    opened = ok(api.post(f"/workloads/notebooks/{up.id}/open", headers=owner))
    assert opened["mode"] == "edit"
    assert timedelta(seconds=295) < httpx_time(opened["expiresAt"]) - timezone.now() <= timedelta(seconds=300)
    with httpx.Client() as browser:
        first = browser.get(opened["url"])
        assert first.status_code == 302 and "lakesail_notebook" in first.cookies
        page = browser.get(first.headers["Location"] if "://" in first.headers["Location"]
                           else opened["url"].split("/notebooks/")[0] + first.headers["Location"])  # fmt: skip
        assert page.status_code == 200 and "marimo" in page.text.lower()
        assert browser.get(opened["url"]).status_code == 403  # single use
    with httpx.Client() as stranger:
        assert stranger.get(opened["url"].split("__open")[0]).status_code == 401  # no cookie, no notebook


def test_an_expired_open_token_is_refused(cast, api, owner, up):
    opened = ok(api.post(f"/workloads/notebooks/{up.id}/open", headers=owner))
    past = int(time.time()) - 1
    forged = jwt.encode(
        {"aud": notebooks.OPEN_AUDIENCE, "sub": up.id, "jti": "X1", "mode": "edit", "exp": past},
        bytes.fromhex(lifecycle.open_key(Notebook.objects.get(pk=up.id))),
        algorithm="HS256",
    )
    url = opened["url"].split("?token=")[0] + f"?token={forged}"
    assert httpx.get(url).status_code == 403


def test_a_second_manager_reads_only_while_the_owner_is_active(cast, api, owner, admin, member, up):
    assert ok(api.post(f"/workloads/notebooks/{up.id}/activity", headers=owner), 204) is None or True
    assert ok(api.post(f"/workloads/notebooks/{up.id}/open", headers=admin))["mode"] == "read_only"
    Notebook.objects.filter(pk=up.id).update(owner_seen_at=timezone.now() - timedelta(seconds=121))
    assert ok(api.post(f"/workloads/notebooks/{up.id}/open", headers=admin))["mode"] == "edit"


def test_without_heartbeats_a_notebook_goes_idle_then_stops_after_its_idle_timeout(cast, api, owner, up):
    now = timezone.now()
    assert lifecycle.refresh_notebook(up, now + timedelta(seconds=60)).status == "running"  # presence assumed
    Session.objects.filter(pk=up.session_id).update(last_activity_at=now - timedelta(seconds=400))
    (lifecycle.directory(up.id) / "activity").unlink(missing_ok=True)
    assert lifecycle.refresh_notebook(up, now + timedelta(seconds=121)).status == "idle"
    assert api.post(f"/workloads/notebooks/{up.id}/activity", headers=owner).status_code == 204
    assert Notebook.objects.get(pk=up.id).status == "running"  # a heartbeat brings it back
    back = Notebook.objects.get(pk=up.id).last_active_at
    lifecycle.refresh_notebook(up, back + timedelta(seconds=121))
    stopped = lifecycle.refresh_notebook(up, back + timedelta(seconds=3600))
    assert (stopped.status, stopped.status_message) == ("stopping", "Stopped after its idle timeout.")
    lifecycle.teardown(up.id)
    assert Notebook.objects.get(pk=up.id).status == "stopped"


def test_a_notebook_computing_without_a_viewer_is_detached(cast, api, owner, up):
    now = timezone.now()
    Session.objects.filter(pk=up.session_id).update(last_activity_at=now + timedelta(seconds=100))
    detached = lifecycle.refresh_notebook(up, now + timedelta(seconds=121))
    assert detached.status == "detached"
    assert lifecycle.refresh_notebook(up, now + timedelta(seconds=500)).status == "idle"  # Spark went quiet


def test_a_revoked_secret_blocks_the_start(cast, api, owner, runners, django_capture_on_commit_callbacks):
    stored = secret(cast)
    config = profile(cast, environment=[{"name": "PASSWORD", "source": "secret", "secretId": stored.id}])
    notebook = create(api, owner, config)
    api.post(f"/workloads/secrets/{stored.id}/revoke", headers=owner)
    error = assert_error(start(api, owner, notebook["id"], django_capture_on_commit_callbacks), 422,
                         "validation_failed")  # fmt: skip
    assert stored.name in str(error["details"]["fieldErrors"])


def test_access_follows_ownership_and_team_sharing(cast, api, owner, member, login, up):
    assert [r["notebookId"] for r in ok(api.get("/workloads/notebooks", headers=member))["items"]] == [up.id]
    viewer = _person(cast.org, "vera@acme.test", "Vera", "Viewer", "member")
    team_service.add_member(cast.team, viewer.member, [directory.role("viewer")])
    as_viewer = bearer(login(viewer)["accessToken"])
    assert ok(api.post(f"/workloads/notebooks/{up.id}/open", headers=as_viewer))["mode"] == "read_only"
    assert_error(api.post(f"/workloads/notebooks/{up.id}/stop", headers=as_viewer), 403, "permission_denied")
    assert api.delete(f"/workloads/notebooks/{up.id}/teams/{cast.team.id}", headers=owner).status_code == 204
    assert_error(api.get(f"/workloads/notebooks/{up.id}", headers=member), 404, "not_found")
    outsider = bearer(login(cast.outsider)["accessToken"])
    assert_error(api.get(f"/workloads/notebooks/{up.id}", headers=outsider), 404, "not_found")


def test_names_are_unique_per_owner_and_the_profile_changes_only_while_stopped(cast, api, owner, up):
    assert_error(api.post("/workloads/notebooks", json={"name": "revenue", "workloadConfigId": up.workload_config_id},
                          headers=owner), 409, "already_exists")  # fmt: skip
    other = profile(cast, "Large")
    response = api.patch(f"/workloads/notebooks/{up.id}", json={"workloadConfigId": other.id}, headers=owner)
    assert_error(response, 409, "invalid_state")


def httpx_time(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_secret_reaches_the_notebook_environment_and_no_response_file_or_log(
    cast, api, owner, runners, caplog, django_capture_on_commit_callbacks
):
    value = "s3cr3t-never-shown-7f3a"
    stored = secret(cast, value=value)
    config = profile(cast, environment=[{"name": "WAREHOUSE_PASSWORD", "source": "secret", "secretId": stored.id}])
    notebook = create(api, owner, config)
    seen = [running(api, owner, notebook["id"], django_capture_on_commit_callbacks)]
    seen += [ok(api.post(f"/workloads/notebooks/{notebook['id']}/open", headers=owner))]
    for path in ("/workloads/notebooks", "/workloads/sessions", f"/workloads/secrets/{stored.id}",
                 f"/workloads/configs/{config.id}"):  # fmt: skip
        seen.append(api.get(path, headers=owner).text)
    assert value not in str(seen) and value not in caplog.text
    workdir = lifecycle.directory(notebook["id"])
    for file in workdir.iterdir():
        if file.is_file():
            assert value.encode() not in file.read_bytes(), file.name
    environments = [Path(f"/proc/{pid}/environ").read_bytes() for pid in processes.marked_processes()]
    assert any(f"WAREHOUSE_PASSWORD={value}".encode() in env for env in environments)


def test_a_cluster_with_a_notebook_that_is_not_stopped_cannot_be_destroyed(cast, api, owner):
    from localplatform.infra import clusters
    from tests.localplatform.infra_support import active_cluster

    cluster = active_cluster(cast, team_ids=[cast.team.id])
    notebook = create(api, owner, profile(cast, "On EKS", cluster=cluster))
    Notebook.objects.filter(pk=notebook["id"]).update(status="failed")
    with pytest.raises(Exception, match="in_use"):
        clusters.destroy_cluster(cluster, cast.owner.member)
    Notebook.objects.filter(pk=notebook["id"]).update(status="stopped")
    assert clusters.destroy_cluster(cluster, cast.owner.member).operation == "cluster.destroy"
