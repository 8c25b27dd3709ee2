"""connections: connected AWS accounts (contract §3.15): template, verification, sync, regions, instance types."""

from typing import Any

from console.client.base import Platform, parse
from console.client.models.infra import (
    AsyncAccepted,
    Connection,
    ConnectionCreated,
    ConnectionDetail,
    ConnectionTemplate,
    ConnectionVerification,
    InfraPage,
    Region,
)
from console.client.paths import segment


def path(connection_id: str) -> str:
    return f"/infra/connections/{segment(connection_id)}"


def list_connections(platform: Platform, *, limit: int = 50, marker: str | None = None) -> InfraPage[Connection]:
    """GET /infra/connections"""
    params = {"limit": limit, **({"marker": marker} if marker else {})}
    return parse(InfraPage[Connection], platform.call("GET", "/infra/connections", params=params))


def create_connection(
    platform: Platform, *, name: str, region: str, account_id: str, iam_role_name: str | None = None
) -> ConnectionCreated:
    """POST /infra/connections"""
    body = {"name": name, "provider": "AWS", "region": region, "accountId": account_id}
    if iam_role_name:
        body["iamRoleName"] = iam_role_name
    return parse(ConnectionCreated, platform.call("POST", "/infra/connections", body=body))


def describe_connection(platform: Platform, connection_id: str) -> ConnectionDetail:
    """GET /infra/connections/{connection}"""
    return parse(ConnectionDetail, platform.call("GET", path(connection_id)))


def update_connection(platform: Platform, connection_id: str, *, name: str) -> ConnectionDetail:
    """PATCH /infra/connections/{connection}"""
    return parse(ConnectionDetail, platform.call("PATCH", path(connection_id), body={"name": name}))


def delete_connection(platform: Platform, connection_id: str) -> None:
    """DELETE /infra/connections/{connection}"""
    platform.call("DELETE", path(connection_id))


def list_instance_types(platform: Platform, connection_id: str, **filters: Any) -> list[dict]:
    """GET /infra/connections/{connection}/instance-types"""
    return platform.call("GET", f"{path(connection_id)}/instance-types", params=filters)["items"]


def list_regions(platform: Platform, connection_id: str) -> list[Region]:
    """GET /infra/connections/{connection}/regions"""
    items = platform.call("GET", f"{path(connection_id)}/regions")["items"]
    return [Region.model_validate(item) for item in items]


def sync_connection_template(platform: Platform, connection_id: str) -> AsyncAccepted:
    """POST /infra/connections/{connection}/template/sync"""
    return parse(AsyncAccepted, platform.call("POST", f"{path(connection_id)}/template/sync"))


def describe_connection_template(platform: Platform, connection_id: str) -> ConnectionTemplate:
    """GET /infra/connections/{connection}/template"""
    return parse(ConnectionTemplate, platform.call("GET", f"{path(connection_id)}/template"))


def download_connection_template(platform: Platform, connection_id: str) -> dict:
    """GET /infra/connections/{connection}/template/download"""
    return platform.call("GET", f"{path(connection_id)}/template/download")


def verify_connection(platform: Platform, connection_id: str) -> ConnectionVerification:
    """POST /infra/connections/{connection}/verify"""
    return parse(ConnectionVerification, platform.call("POST", f"{path(connection_id)}/verify", body={}))
