"""networks: managed VPCs in connected accounts (contract §3.16), built and torn down by Operations."""

from console.client.base import Platform, parse
from console.client.connections import path as account_path
from console.client.models.infra import AsyncAccepted, InfraPage, Network, NetworkDetail
from console.client.paths import segment


def path(connection_id: str, network_id: str) -> str:
    return f"{account_path(connection_id)}/networks/{segment(network_id)}"


def list_provider_networks(platform: Platform, connection_id: str, *, region: str | None = None) -> list[dict]:
    """GET /infra/connections/{connection}/provider-networks"""
    params = {"region": region} if region else None
    return platform.call("GET", f"{account_path(connection_id)}/provider-networks", params=params)["items"]


def list_networks(platform: Platform, *, limit: int = 50, marker: str | None = None) -> InfraPage[Network]:
    """GET /infra/networks"""
    params = {"limit": limit, **({"marker": marker} if marker else {})}
    return parse(InfraPage[Network], platform.call("GET", "/infra/networks", params=params))


def delete_network(platform: Platform, network_id: str) -> None:
    """DELETE /infra/networks/{network}"""
    platform.call("DELETE", f"/infra/networks/{segment(network_id)}")


def list_connection_networks(
    platform: Platform, connection_id: str, *, limit: int = 100, marker: str | None = None
) -> InfraPage[Network]:
    """GET /infra/connections/{connection}/networks"""
    params = {"limit": limit, **({"marker": marker} if marker else {})}
    return parse(InfraPage[Network], platform.call("GET", f"{account_path(connection_id)}/networks", params=params))


def create_network(
    platform: Platform, connection_id: str, *, name: str, region: str | None = None, cidr: str | None = None
) -> NetworkDetail:
    """POST /infra/connections/{connection}/networks"""
    body: dict = {"name": name}
    if region:
        body["region"] = region
    if cidr:
        body["config"] = {"cidr": cidr}
    return parse(NetworkDetail, platform.call("POST", f"{account_path(connection_id)}/networks", body=body))


def describe_network(platform: Platform, connection_id: str, network_id: str) -> NetworkDetail:
    """GET /infra/connections/{connection}/networks/{network}"""
    return parse(NetworkDetail, platform.call("GET", path(connection_id, network_id)))


def destroy_network(platform: Platform, connection_id: str, network_id: str) -> AsyncAccepted:
    """POST /infra/connections/{connection}/networks/{network}/destroy"""
    return parse(AsyncAccepted, platform.call("POST", f"{path(connection_id, network_id)}/destroy"))


def update_network(platform: Platform, connection_id: str, network_id: str, *, name: str) -> NetworkDetail:
    """PATCH /infra/connections/{connection}/networks/{network}"""
    return parse(NetworkDetail, platform.call("PATCH", path(connection_id, network_id), body={"name": name}))


def provision_network(platform: Platform, connection_id: str, network_id: str) -> AsyncAccepted:
    """POST /infra/connections/{connection}/networks/{network}/provision"""
    return parse(AsyncAccepted, platform.call("POST", f"{path(connection_id, network_id)}/provision"))
