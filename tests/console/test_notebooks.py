"""Notebook and session screens: lists, the new-notebook form, a notebook's page (its state, the frame with its single
use address and exact frame policy, the heartbeat), start and stop, sessions with filters; permissions, refusals at
their fields, an unreachable platform, and platform calls."""

import re

import httpx
import pytest
from django.test import Client

from localplatform.identity.services import directory
from localplatform.identity.services import teams as team_service
from localplatform.identity.services.permissions import Access
from localplatform.workloads import notebooks, sessions
from localplatform.workloads.models import Notebook
from tests.client.support import assert_kept, faults, on, writes_fail
from tests.conftest import _person
from tests.console.conftest import sign_in
from tests.console.test_teams import calls
from tests.localplatform.workload_support import profile, wait_for

HX = {"HX-Request": "true"}


@pytest.fixture
def owner(signed_in, cast):
    return signed_in(cast.owner)


def made(cast, name="Revenue", person=None, team_ids=()):
    person = person or cast.owner
    config = profile(cast) if not hasattr(cast, "_profile") else cast._profile
    cast._profile = config
    return notebooks.create_notebook(cast.org, Access.of(person.member), name=name, config_id=config.id,
                                     team_ids=list(team_ids))  # fmt: skip


def running(client, notebook, capture):
    with capture(execute=True):
        client.post(f"/workloads/notebooks/{notebook.id}/start")
    wait_for(lambda: client.get(f"/workloads/notebooks/{notebook.id}/state?was=starting").get("HX-Refresh"), 90)
    return Notebook.objects.get(pk=notebook.id)


class TestList:
    def test_mine_and_my_teams_with_status_and_two_calls(self, owner, cast):
        made(cast, "Revenue", team_ids=[cast.team.id])
        response = owner.get("/workloads/notebooks")
        html = response.content.decode()
        assert "Revenue" in html and "Stopped" in html and "Data Platform" in html and "New notebook" in html
        assert calls(response)[:2] == ["GET /workloads/notebooks", "GET /me/teams"]
        assert len(calls(response)) <= 3  # + each team role's relations, once per session

    def test_the_empty_list_explains_and_offers_nothing_to_a_member_without_a_team(self, signed_in, cast, other_team):
        stranger = _person(cast.org, "nina@acme.test", "Nina", "Nobody", "member")
        html = signed_in(stranger).get("/workloads/notebooks").content.decode()
        assert "No notebooks yet" in html and "New notebook" not in html

    def test_a_starting_notebook_makes_the_table_refresh_itself(self, owner, cast):
        notebook = made(cast)
        Notebook.objects.filter(pk=notebook.pk).update(status="starting")
        assert 'hx-trigger="every 3s"' in owner.get("/workloads/notebooks").content.decode()

    def test_anonymous_is_sent_to_sign_in(self):
        response = Client().get("/workloads/notebooks")
        assert response.status_code == 302 and "/sign-in" in response["Location"]


class TestCreate:
    def test_the_form_offers_the_profiles_i_may_run_and_creates_a_stopped_notebook(self, owner, cast):
        config = profile(cast)
        page = owner.get("/workloads/notebooks/new").content.decode()
        assert config.name in page
        form = {"name": "Churn", "workload_config_id": config.id, "team_ids": [cast.team.id],
                "idle_timeout_seconds": "1800", "detached_timeout_seconds": "14400"}  # fmt: skip
        response = owner.post("/workloads/notebooks/new", form)
        created = Notebook.objects.get(name="Churn")
        assert response.status_code == 302 and response["Location"] == f"/workloads/notebooks/{created.id}"
        assert (created.status, created.idle_timeout_seconds) == ("stopped", 1800)

    def test_a_taken_name_is_said_at_the_name_and_everything_typed_is_kept(self, owner, cast):
        notebook = made(cast)
        form = {"name": notebook.name, "description": "Second try", "workload_config_id": notebook.workload_config_id,
                "idle_timeout_seconds": "3600", "detached_timeout_seconds": "14400"}  # fmt: skip
        response = owner.post("/workloads/notebooks/new", form, headers=HX)
        html = response.content.decode()
        assert response.status_code == 422 and "You already have a notebook with this name." in html
        assert "Second try" in html

    def test_an_unreachable_platform_keeps_the_form(self, owner, cast):
        config = profile(cast)
        form = {"name": "Churn", "description": "Keep me", "workload_config_id": config.id,
                "idle_timeout_seconds": "3600", "detached_timeout_seconds": "14400"}  # fmt: skip
        with faults(writes_fail):
            response = owner.post("/workloads/notebooks/new", form)
        assert_kept(response, {"name": "Churn", "description": "Keep me"})

    def test_without_a_profile_to_run_the_form_says_why(self, signed_in, cast):
        stranger = _person(cast.org, "nina@acme.test", "Nina", "Nobody", "member")
        assert "No compute profile you can run" in signed_in(stranger).get("/workloads/notebooks/new").content.decode()


class TestNotebookPage:
    def test_a_stopped_notebook_offers_start_to_its_owner(self, owner, cast):
        notebook = made(cast)
        response = owner.get(f"/workloads/notebooks/{notebook.id}")
        html = response.content.decode()
        assert "Start" in html and "<iframe" not in html and "You" in html
        assert calls(response)[:2] == [f"GET /workloads/notebooks/{notebook.id}", "GET /me/teams"]

    def test_a_viewer_sees_it_without_actions_and_the_platform_refuses_a_start(self, signed_in, cast):
        notebook = made(cast, team_ids=[cast.team.id])
        viewer = _person(cast.org, "vera@acme.test", "Vera", "Viewer", "member")
        team_service.add_member(cast.team, viewer.member, [directory.role("viewer")])
        client = signed_in(viewer)
        html = client.get(f"/workloads/notebooks/{notebook.id}").content.decode()
        assert notebook.name in html and "notebook_start" not in html and "/start" not in html
        assert client.post(f"/workloads/notebooks/{notebook.id}/start").status_code == 403

    def test_someone_elses_private_notebook_is_not_found(self, signed_in, cast):
        notebook = made(cast)
        assert signed_in(cast.member).get(f"/workloads/notebooks/{notebook.id}").status_code == 404

    def test_running_it_frames_marimo_at_a_single_use_address_with_an_exact_policy(
        self, owner, cast, runners, django_capture_on_commit_callbacks
    ):
        notebook = running(owner, made(cast), django_capture_on_commit_callbacks)
        owner.get("/workloads/notebooks")  # learns the team roles' relations (once per session)
        response = owner.get(f"/workloads/notebooks/{notebook.id}", HTTP_HOST="localhost")
        html = response.content.decode()
        src = re.search(r'<iframe class="notebook-frame" src="([^"]+)"', html).group(1).replace("&amp;", "&")
        assert src.startswith(f"http://localhost:{notebook.http_port}/notebooks/{notebook.id}/__open?token=")
        policy = response["Content-Security-Policy"]
        assert f"frame-src http://localhost:{notebook.http_port}" in policy and "frame-src 'self'" not in policy
        assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
        assert [c.split(" ", 1)[1].rsplit("/", 1)[-1] for c in calls(response)] == [notebook.id, "teams", "open"]
        first = httpx.get(src.replace("localhost", "127.0.0.1"))
        assert first.status_code == 302
        assert httpx.get(src.replace("localhost", "127.0.0.1")).status_code == 403  # used once
        assert f'data-heartbeat-url="/workloads/notebooks/{notebook.id}/activity"' in html
        Notebook.objects.filter(pk=notebook.pk).update(status="idle")
        assert owner.post(f"/workloads/notebooks/{notebook.id}/activity").status_code == 204
        assert Notebook.objects.get(pk=notebook.pk).status == "running"  # presence brings it back

    def test_the_heartbeat_goes_through_the_console_and_a_stopped_notebook_refuses_it(self, owner, cast):
        notebook = made(cast)
        assert owner.post(f"/workloads/notebooks/{notebook.id}/activity").status_code == 409

    def test_the_state_region_asks_for_a_reload_when_the_notebook_went_down(self, owner, cast):
        notebook = made(cast)
        response = owner.get(f"/workloads/notebooks/{notebook.id}/state?was=running", headers=HX)
        assert response.status_code == 204 and response["HX-Refresh"] == "true"
        same = owner.get(f"/workloads/notebooks/{notebook.id}/state?was=stopped", headers=HX)
        assert same.status_code == 200 and "HX-Refresh" not in same and len(calls(same)) == 1

    def test_a_refused_start_is_said_on_the_page(self, owner, cast):
        notebook = made(cast)
        Notebook.objects.filter(pk=notebook.pk).update(status="running")
        response = owner.post(f"/workloads/notebooks/{notebook.id}/start", follow=True)
        assert "Only a stopped notebook can be started" in response.content.decode()

    def test_the_platform_down_shows_the_error_page(self, owner, cast):
        notebook = made(cast)
        with faults(on(f"/workloads/notebooks/{notebook.id}", httpx.ConnectError("down"))):
            response = owner.get(f"/workloads/notebooks/{notebook.id}")
        assert response.status_code == 503


class TestSessions:
    def test_the_list_filters_by_status_in_the_url(self, owner, cast, runners, django_capture_on_commit_callbacks):
        config = profile(cast)
        with django_capture_on_commit_callbacks(execute=True):
            first = sessions.create_session(cast.org, Access.of(cast.owner.member), team_id=cast.team.id,
                                            config_id=config.id, name="first")  # fmt: skip
            sessions.create_session(cast.org, Access.of(cast.owner.member), team_id=cast.team.id,
                                    config_id=config.id, name="second")  # fmt: skip
            sessions.close(first, Access.of(cast.owner.member))
        html = owner.get("/workloads/sessions?status=closed").content.decode()
        assert "first" in html and ">second<" not in html
        response = owner.get("/workloads/sessions")
        assert "second" in response.content.decode() and len(calls(response)) <= 3

    def test_the_owner_sees_the_endpoint_and_can_close_a_teammate_sees_neither(
        self, owner, cast, runners, django_capture_on_commit_callbacks
    ):
        config = profile(cast)
        with django_capture_on_commit_callbacks(execute=True):
            session = sessions.create_session(cast.org, Access.of(cast.owner.member), team_id=cast.team.id,
                                              config_id=config.id)  # fmt: skip
        wait_for(lambda: "sc://127.0.0.1:" in owner.get(f"/workloads/sessions/{session.id}").content.decode(), 60)
        html = owner.get(f"/workloads/sessions/{session.id}").content.decode()
        assert "SparkSession.builder.remote" in html and "Close" in html
        other = Client()
        sign_in(other, cast.member)
        teammate = other.get(f"/workloads/sessions/{session.id}").content.decode()
        assert "sc://" not in teammate and 'data-confirm-action="/workloads/sessions' not in teammate

    def test_new_session_form_starts_one(self, signed_in, cast, runners, django_capture_on_commit_callbacks):
        config = profile(cast)
        client = signed_in(cast.owner)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/workloads/sessions/new", {"workload_config_id": config.id, "name": "adhoc",
                                                               "idle_timeout_seconds": "1800"})  # fmt: skip
        assert response.status_code == 302 and "/workloads/sessions/" in response["Location"]
