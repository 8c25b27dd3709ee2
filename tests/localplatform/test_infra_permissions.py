"""Who may call each infrastructure operation (§1.13): the five built-in org roles and an outsider.

Connections and networks have no teams, so only org roles count, checked before any lookup (403). Clusters are
shared with teams: a caller who cannot view one gets 404 (§1.13 rule 3). The outsider is the Owner of another
organization: every object here is missing for them (404), and their own lists are empty (200).

Each row: method, path, body, then the status for Owner, Admin, Billing Viewer, Auditor, Member, outsider.
{P} is a pending connection, {A} an active one; {N} an active network with cluster {C} (active, shared with the
Member's team); {M} an active network without clusters; {Q} a pending network; {K} a pending cluster; {T} the team.
"""

import pytest

from localplatform.infra import clusters, connections, networks
from localplatform.infra.models import Operation
from tests.conftest import bearer
from tests.localplatform.infra_support import active_cluster, active_connection, active_network

ROLES = ("owner", "admin", "billing_viewer", "auditor", "member", "outsider")
NEW_CONNECTION = {"name": "New", "provider": "AWS", "region": "us-east-1", "accountId": "444455556666"}
ACC = "/infra/connections/{A}"

MATRIX = [
    # connections (§3.15)
    ("get", "/infra/connections", None, 200, 200, 200, 200, 403, 200),
    ("post", "/infra/connections", NEW_CONNECTION, 201, 201, 403, 403, 403, 201),
    ("get", ACC, None, 200, 200, 200, 200, 403, 404),
    ("patch", ACC, {"name": "Renamed"}, 200, 200, 403, 403, 403, 404),
    ("delete", "/infra/connections/{P}", None, 204, 204, 403, 403, 403, 404),
    ("get", ACC + "/instance-types", None, 200, 200, 200, 200, 200, 404),
    ("get", ACC + "/regions", None, 200, 200, 200, 200, 403, 404),
    ("post", ACC + "/template/sync", None, 202, 202, 403, 403, 403, 404),
    ("get", ACC + "/template", None, 200, 200, 403, 403, 403, 404),
    ("get", ACC + "/template/download", None, 200, 200, 403, 403, 403, 404),
    ("post", "/infra/connections/{P}/verify", None, 200, 200, 403, 403, 403, 404),
    # networks (§3.16)
    ("get", ACC + "/provider-networks", None, 200, 200, 200, 200, 403, 404),
    ("get", "/infra/networks", None, 200, 200, 200, 200, 403, 200),
    ("delete", "/infra/networks/{Q}", None, 204, 204, 403, 403, 403, 404),
    ("get", ACC + "/networks", None, 200, 200, 200, 200, 403, 404),
    ("post", ACC + "/networks", {"name": "new-net"}, 201, 201, 403, 403, 403, 404),
    ("get", ACC + "/networks/{N}", None, 200, 200, 200, 200, 403, 404),
    ("post", ACC + "/networks/{M}/destroy", None, 202, 202, 403, 403, 403, 404),
    ("patch", ACC + "/networks/{N}", {"name": "core"}, 200, 200, 403, 403, 403, 404),
    ("post", ACC + "/networks/{Q}/provision", None, 202, 202, 403, 403, 403, 404),
    # clusters (§3.5)
    ("get", "/me/clusters", None, 200, 200, 200, 200, 200, 200),
    ("get", "/me/clusters/{C}", None, 200, 200, 404, 404, 200, 404),
    ("get", "/infra/clusters", None, 200, 200, 200, 200, 403, 200),
    ("get", "/infra/clusters/{C}", None, 200, 200, 200, 200, 404, 404),
    ("delete", "/infra/clusters/{K}", None, 204, 204, 403, 403, 404, 404),
    ("get", ACC + "/clusters", None, 200, 200, 200, 200, 403, 404),
    ("post", ACC + "/clusters", {"name": "new-cluster", "networkId": "{N}"}, 201, 201, 403, 403, 403, 404),
    ("get", ACC + "/clusters/{C}", None, 200, 200, 200, 200, 404, 404),
    ("patch", ACC + "/clusters/{C}", {"kubernetesVersion": "1.31"}, 202, 202, 403, 403, 404, 404),
    ("post", ACC + "/clusters/{C}/destroy", None, 202, 202, 403, 403, 404, 404),
    ("get", ACC + "/clusters/{C}/health", None, 200, 200, 200, 200, 404, 404),
    ("get", ACC + "/clusters/{C}/kubeconfig", None, 200, 200, 403, 403, 404, 404),
    ("get", ACC + "/clusters/{C}/metrics", None, 200, 200, 200, 200, 404, 404),
    ("post", ACC + "/clusters/{K}/provision", None, 202, 202, 403, 403, 404, 404),
    ("get", "/infra/clusters/{C}/teams", None, 200, 200, 200, 200, 404, 404),
    ("post", "/infra/clusters/{C}/teams", {"teamIds": ["{T}"]}, 200, 200, 403, 403, 404, 404),
    ("delete", "/infra/clusters/{C}/teams/{T}", None, 204, 204, 403, 403, 404, 404),
    ("get", "/org/teams/{T}/clusters", None, 200, 200, 200, 200, 200, 404),
    # operations (§3.23): the cluster's provisioning, started by the Owner
    ("get", "/operations/{O}", None, 200, 200, 200, 200, 403, 404),
]


@pytest.fixture
def world(cast) -> dict[str, str]:
    owner = cast.owner.member
    account = active_connection(cast)
    pending = connections.create_connection(
        cast.org, owner, name="Pending", region="us-east-1", account_id="111111111111"
    )
    network = active_network(cast, account)
    spare = active_network(cast, account, name="spare")
    cluster = active_cluster(cast, network, team_ids=[cast.team.id])
    waiting = clusters.create_cluster(account, owner, name="waiting", network_id=network.id)
    queued = networks.create_network(account, owner, name="queued")
    operation = Operation.objects.filter(resource_id=cluster.id).latest("created_at")
    ids = {"A": account.id, "P": pending.id, "N": network.id, "M": spare.id, "C": cluster.id, "K": waiting.id}
    return ids | {"Q": queued.id, "T": cast.team.id, "O": operation.id}


def fill(value, ids: dict[str, str]):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    return value


CASES = [
    pytest.param(method, path, body, role, expected[index], id=f"{method} {path} as {role}")
    for method, path, body, *expected in MATRIX
    for index, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), CASES)
def test_permission_matrix(cast, api, login, world, request, method, path, body, role, status):
    person = getattr(cast, role) if hasattr(cast, role) else request.getfixturevalue(role)
    headers = bearer(login(person)["accessToken"])
    kwargs = {"json": fill(body, world)} if body is not None else {}
    response = api.request(method.upper(), fill(path, world), headers=headers, **kwargs)
    assert response.status_code == status, response.text
    if status in (403, 404):
        assert response.json()["code"] == ("permission_denied" if status == 403 else "not_found")
