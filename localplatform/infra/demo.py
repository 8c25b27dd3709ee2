"""Demo infrastructure for `manage.py seed_demo`, made through the same services as real content.

This machine as the self-registered cluster "local" (where sessions and notebooks run), shared with two teams;
one connected AWS account with one network and one provisioned cluster, built days ago on the simulation's
clock; and a second cluster still pending, ready to provision from the console.
"""

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from localplatform.identity.models import Member, Organization, Team
from localplatform.infra import clusters, connections, networks, simulation
from localplatform.infra.models import Cluster, Connection, Network, Operation

ACCOUNT, NETWORK, CLUSTER, PENDING = "Acme Production (AWS)", "prod-vpc", "analytics-prod", "ml-staging"
LOCAL_TEAMS = ("Data Platform", "Analytics Engineering")


def seed(organization: Organization, owner: Member, count: Callable[[str], None]) -> None:
    """Add whatever part of the demo infrastructure is missing (idempotent by name)."""
    teams = {t.name: t for t in Team.objects.filter(organization=organization, name__in=LOCAL_TEAMS)}
    if not Cluster.objects.filter(organization=organization, kind=Cluster.SELF_REGISTERED).exists():
        local = clusters.register_local_cluster(organization, owner)
        clusters.add_teams(local, [t.id for t in teams.values()])
        count("clusters")
    account = Connection.objects.filter(organization=organization, name=ACCOUNT).first()
    if account is None:
        account = connections.create_connection(
            organization, owner, name=ACCOUNT, region="us-east-1", account_id="493817265014"
        )
        connections.verify_connection(account, owner)
        account.refresh_from_db()
        complete(account.operation, days_ago=12)
        count("cloud accounts")
    network = Network.objects.filter(organization=organization, name=NETWORK).first()
    if network is None:
        network = networks.create_network(account, owner, name=NETWORK, cidr="10.40.0.0/16")
        complete(networks.provision_network(network, owner), days_ago=11)
        network.refresh_from_db()
        count("networks")
    if not Cluster.objects.filter(organization=organization, name=PENDING).exists():
        clusters.create_cluster(account, owner, name=PENDING, network_id=network.id)
        count("clusters")
    if not Cluster.objects.filter(organization=organization, name=CLUSTER).exists():
        team_ids = [teams["Data Platform"].id] if "Data Platform" in teams else []
        cluster = clusters.create_cluster(account, owner, name=CLUSTER, network_id=network.id, team_ids=team_ids)
        complete(clusters.provision_cluster(cluster, owner), days_ago=10)
        count("clusters")


def complete(operation: Operation | None, *, days_ago: int) -> None:
    """Run an operation from `days_ago` to its end on the simulation's clock, as if it had run then."""
    if operation is None:
        return
    began = timezone.now() - timedelta(days=days_ago)
    states = [{"status": "pending", "duration": 0} for stage in operation.plan for _ in stage["resources"]]
    Operation.objects.filter(pk=operation.pk).update(
        created_at=began, status=Operation.PENDING, started_at=None, stage_index=0, stage_started_at=None,
        resource_states=states, completed_at=None,
    )  # fmt: skip
    simulation.advance(operation.id, now=began)
    simulation.advance(operation.id, now=began + timedelta(hours=2))
