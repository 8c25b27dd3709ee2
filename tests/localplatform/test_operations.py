"""Operations (§1.11, §2.5, §3.23): the simulated AWS's state machine and GET /operations/{id}."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from localplatform.infra import simulation
from localplatform.infra.models import Operation
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok

PLAN = [
    {
        "stage": "vpc",
        "message": "Creating the VPC (simulated).",
        "seconds": 60,
        "resources": [{"urn": "urn:aws:vpc:main", "type": "aws:ec2:Vpc", "name": "main", "operation": "create"}],
    },
    {
        "stage": "subnets",
        "message": "Creating subnets in three availability zones (simulated).",
        "seconds": 120,
        "resources": [
            {
                "urn": f"urn:aws:subnet:{zone}",
                "type": "aws:ec2:Subnet",
                "name": f"private-{zone}",
                "operation": "create",
            }
            for zone in ("a", "b", "c")
        ],
    },
    {
        "stage": "tags",
        "message": "Checking tags (simulated).",
        "seconds": 30,
        "resources": [{"urn": "urn:aws:tags:main", "type": "aws:ec2:Tags", "name": "tags", "operation": "same"}],
    },
]


@pytest.fixture
def as_(login):
    return lambda person: bearer(login(person)["accessToken"])


def begin(cast, *, member=None, **failure) -> Operation:
    return simulation.start(cast.org, member, "network.provision", "network", "NET1", PLAN, **failure)


def statuses(operation: Operation) -> list[str]:
    return [r["status"] for r in simulation.progress(operation)["resources"]]


class TestStateMachine:
    def test_stages_complete_on_the_clock_and_the_operation_succeeds(self, cast):
        operation = begin(cast)
        t0 = timezone.now()
        assert simulation.advance(operation.id, t0) == t0 + timedelta(seconds=60)
        operation.refresh_from_db()
        assert operation.status == "running" and operation.started_at == t0
        assert statuses(operation) == ["running", "pending", "pending", "pending", "pending"]
        assert simulation.advance(operation.id, t0 + timedelta(seconds=59)) == t0 + timedelta(seconds=60)
        # Later than two stages' time: both complete, each timed from where the previous one ended.
        assert simulation.advance(operation.id, t0 + timedelta(seconds=200)) == t0 + timedelta(seconds=210)
        operation.refresh_from_db()
        progress = simulation.progress(operation, t0 + timedelta(seconds=200))
        assert progress["stage"] == "tags" and progress["message"] == "Checking tags (simulated)."
        assert statuses(operation) == ["succeeded"] * 4 + ["running"]
        assert [r["duration"] for r in progress["resources"]] == [60, 120, 120, 120, 20]
        assert progress["summary"] == {
            "total": 5,
            "pending": 0,
            "running": 1,
            "succeeded": 4,
            "failed": 0,
            "unchanged": 0,
        }
        assert simulation.advance(operation.id, t0 + timedelta(seconds=210)) is None
        operation.refresh_from_db()
        assert operation.status == "succeeded" and operation.completed_at == t0 + timedelta(seconds=210)
        assert statuses(operation) == ["succeeded"] * 4 + ["unchanged"]  # "same": nothing to change
        assert simulation.progress(operation)["summary"]["unchanged"] == 1
        assert simulation.advance(operation.id, t0 + timedelta(days=1)) is None  # ended: nothing moves

    def test_a_failure_stops_at_its_stage_with_an_error_naming_it(self, cast):
        operation = begin(cast, fail_stage="subnets", fail_message="Subnet quota exceeded in us-east-1 (simulated).")
        t0 = timezone.now()
        simulation.advance(operation.id, t0)
        assert simulation.advance(operation.id, t0 + timedelta(seconds=100)) == t0 + timedelta(seconds=120)
        assert simulation.advance(operation.id, t0 + timedelta(seconds=121)) is None  # halfway through the stage
        operation.refresh_from_db()
        assert operation.status == "failed" and operation.completed_at == t0 + timedelta(seconds=120)
        assert statuses(operation) == ["succeeded", "failed", "pending", "pending", "pending"]
        assert operation.error["code"] == "operation_failed"
        assert operation.error["message"] == "Subnet quota exceeded in us-east-1 (simulated)."
        assert operation.error["details"]["causedBy"] == "urn:aws:subnet:a"
        progress = simulation.progress(operation)
        assert progress["stage"] == "subnets" and progress["message"] == operation.error["message"]
        assert progress["summary"]["failed"] == 1 and progress["summary"]["running"] == 0

    @override_settings(LAKESAIL_SIM_SPEED=60)
    def test_the_speed_setting_divides_every_duration(self, cast):
        operation = begin(cast)
        t0 = timezone.now()
        assert simulation.advance(operation.id, t0) == t0 + timedelta(seconds=1)
        assert simulation.advance(operation.id, t0 + timedelta(seconds=3.5)) is None
        operation.refresh_from_db()
        assert operation.status == "succeeded"

    def test_after_a_worker_stopped_midway_the_next_step_catches_up_from_the_database(self, cast):
        """Nothing lives in the worker: a new process carries on from the stored stage and its start."""
        operation = begin(cast)
        t0 = timezone.now()
        simulation.advance(operation.id, t0)
        simulation.advance(operation.id, t0 + timedelta(seconds=70))  # the worker dies after this step
        fresh = Operation.objects.get(pk=operation.id)  # what a restarted worker reads
        assert fresh.stage_index == 1 and fresh.stage_started_at == t0 + timedelta(seconds=60)
        assert simulation.advance(fresh.id, t0 + timedelta(hours=1)) is None
        fresh.refresh_from_db()
        assert fresh.status == "succeeded" and fresh.completed_at == t0 + timedelta(seconds=210)

    def test_starting_one_queues_its_first_step_for_the_worker(self, cast, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            operation = begin(cast)
        operation.refresh_from_db()
        assert operation.status == "running" and operation.stage_index == 0  # the tests' task backend ran it at once

    def test_finishers_update_the_resource_in_the_same_step(self, cast, monkeypatch):
        seen = []
        monkeypatch.setitem(simulation.FINISHERS, "network.provision", lambda op: seen.append(op.status))
        ok_run, failing = begin(cast), begin(cast, fail_stage="vpc")
        t0 = timezone.now()
        for operation in (ok_run, failing):
            simulation.advance(operation.id, t0)
            simulation.advance(operation.id, t0 + timedelta(hours=1))
        assert seen == ["succeeded", "failed"]


class TestDescribeOperation:
    def test_a_poll_moves_the_operation_on_and_answers_the_contract_shape(self, cast, api, as_):
        operation = begin(cast, member=cast.admin.member)
        Operation.objects.filter(pk=operation.id).update(
            status="running",
            started_at=timezone.now() - timedelta(seconds=90),
            stage_started_at=timezone.now() - timedelta(seconds=90),
        )
        body = ok(api.get(f"/operations/{operation.id}", headers=as_(cast.owner)))
        assert set(body) == {
            "id",
            "organizationId",
            "memberId",
            "operation",
            "status",
            "result",
            "error",
            "progress",
            "resourceType",
            "resourceId",
            "createdAt",
            "updatedAt",
            "startedAt",
            "completedAt",
        }
        assert body["status"] == "running" and body["operation"] == "network.provision"
        assert body["organizationId"] == cast.org.id and body["memberId"] == cast.admin.member.id
        assert body["resourceType"] == "network" and body["resourceId"] == "NET1"
        assert body["progress"]["stage"] == "subnets"  # the first stage's minute was up: the poll completed it
        assert body["progress"]["resources"][0] == {
            "urn": "urn:aws:vpc:main",
            "type": "aws:ec2:Vpc",
            "name": "main",
            "operation": "create",
            "status": "succeeded",
            "duration": 60,
        }
        assert body["error"] is None and body["completedAt"] is None and body["startedAt"].endswith("Z")

    @pytest.mark.parametrize(
        ("who", "status"),
        [("owner", 200), ("admin", 200), ("auditor", 200), ("billing_viewer", 200), ("member", 403), ("outsider", 404)],
    )
    def test_infrastructure_viewers_may_read_it(self, cast, api, as_, who, status, request):
        """CanViewInfrastructure@org (§1.13); an outsider's organization has no such operation."""
        person = getattr(cast, who) if hasattr(cast, who) else request.getfixturevalue(who)
        operation = begin(cast)
        response = api.get(f"/operations/{operation.id}", headers=as_(person))
        if status == 200:
            ok(response)
        else:
            assert_error(response, status, "permission_denied" if status == 403 else "not_found")

    def test_the_member_who_started_it_may_read_it_without_infrastructure_rights(self, cast, api, as_):
        operation = begin(cast, member=cast.member.member)
        assert ok(api.get(f"/operations/{operation.id}", headers=as_(cast.member)))["id"] == operation.id

    def test_another_organizations_operation_is_not_found(self, cast, api, as_):
        operation = simulation.start(cast.other_org, None, "network.provision", "network", "NET9", PLAN)
        assert_error(api.get(f"/operations/{operation.id}", headers=as_(cast.owner)), 404, "not_found")
        assert_error(api.get("/operations/NOPE0000", headers=as_(cast.owner)), 404, "not_found")

    def test_anonymous_is_refused(self, cast, api):
        operation = begin(cast)
        assert_error(api.get(f"/operations/{operation.id}"), 401, "unauthenticated")
