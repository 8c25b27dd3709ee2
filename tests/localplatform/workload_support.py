"""Building workloads for tests through the same services the API uses; stopping every runner they start."""

import time

import pytest

from localplatform.api.shapes.workloads import SailConfig
from localplatform.identity.services.permissions import Access
from localplatform.infra import clusters
from localplatform.workloads import configs, secrets


def sail(**changes) -> dict:
    """A SailConfig with every default filled in, as the API stores it."""
    return SailConfig(**changes).model_dump()


def local_cluster(cast, team_ids=None):
    """This machine as the cluster, linked to the cast's team (or the given teams)."""
    cluster = clusters.register_local_cluster(cast.org, cast.owner.member)
    clusters.add_teams(cluster, team_ids if team_ids is not None else [cast.team.id])
    return cluster


def profile(cast, name="Standard", *, person=None, team=None, environment=(), cluster=None):
    person = person or cast.owner
    cluster = cluster or local_cluster(cast)
    team = team or cast.team
    return configs.create_config(
        cast.org,
        Access.of(person.member),
        name=name,
        team_id=team.id,
        cluster_id=cluster.id,
        sail=sail(environment=list(environment)),
    )


def secret(cast, name="warehouse-password", value="s3cr3t-value-1", team=None):
    return secrets.create_secret(cast.org, cast.owner.member, name=name, value=value, team_ids=[(team or cast.team).id])


@pytest.fixture
def runners(settings, tmp_path):
    """Runners work under a temporary directory; every one a test started is stopped after it."""
    from localplatform.workloads import processes

    settings.LAKESAIL_WORKLOAD_DIR = tmp_path / "workloads"
    before = set(processes.running_runners())
    yield settings.LAKESAIL_WORKLOAD_DIR
    processes.reap([pid for pid in processes.running_runners() if pid not in before])


def wait_for(check, timeout: float = 60, every: float = 0.25):
    """Poll `check()` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"still waiting after {timeout} s")
