"""Building simulated infrastructure for tests, through the same services the API uses."""

from datetime import timedelta

from django.utils import timezone

from localplatform.infra import clusters, connections, networks, simulation
from localplatform.infra.models import Cluster, Connection, Network, Operation


def finish(operation: Operation | str) -> Operation:
    """Run an operation to its end on the simulated clock (start it now, then look an hour later)."""
    operation_id = operation if isinstance(operation, str) else operation.id
    simulation.advance(operation_id)
    simulation.advance(operation_id, now=timezone.now() + timedelta(hours=1))
    return Operation.objects.get(pk=operation_id)


def active_connection(cast, name: str = "Production", region: str = "us-east-1") -> Connection:
    member = cast.owner.member
    connection = connections.create_connection(cast.org, member, name=name, region=region, account_id="123456789012")
    connections.verify_connection(connection, member)
    return Connection.objects.get(pk=connection.pk)


def active_network(cast, connection: Connection | None = None, name: str = "main") -> Network:
    connection = connection or active_connection(cast)
    network = networks.create_network(connection, cast.owner.member, name=name)
    finish(networks.provision_network(network, cast.owner.member))
    return Network.objects.get(pk=network.pk)


def active_cluster(cast, network: Network | None = None, name: str = "analytics", team_ids=()) -> Cluster:
    network = network or active_network(cast)
    cluster = clusters.create_cluster(
        network.connection, cast.owner.member, name=name, network_id=network.id, team_ids=list(team_ids)
    )
    finish(clusters.provision_cluster(cluster, cast.owner.member))
    return Cluster.objects.get(pk=cluster.pk)
