"""secrets: write-only values shared with teams (contract §3.17). A value goes in; nothing brings it back."""

from console.client.base import Platform, parse
from console.client.models.workloads import SecretDetail, SecretPage
from console.client.paths import page_params, segment


def path(secret_id: str) -> str:
    return f"/workloads/secrets/{segment(secret_id)}"


def list_secrets(platform: Platform, *, page: int = 1, limit: int = 50) -> SecretPage:
    """GET /workloads/secrets"""
    return parse(SecretPage, platform.call("GET", "/workloads/secrets", params=page_params(page, limit, "name", "asc")))


def create_secret(platform: Platform, *, name: str, value: str, team_ids: list[str], description: str | None = None):
    """POST /workloads/secrets"""
    body = {"name": name, "value": value, "teamIds": team_ids, "description": description or None}
    return parse(SecretDetail, platform.call("POST", "/workloads/secrets", body=body))


def describe_secret(platform: Platform, secret_id: str) -> SecretDetail:
    """GET /workloads/secrets/{secret}"""
    return parse(SecretDetail, platform.call("GET", path(secret_id)))


def update_secret(platform: Platform, secret_id: str, **changes) -> SecretDetail:
    """PATCH /workloads/secrets/{secret} (keys: name, description, teamIds)"""
    return parse(SecretDetail, platform.call("PATCH", path(secret_id), body=changes))


def replace_secret_value(platform: Platform, secret_id: str, value: str) -> SecretDetail:
    """PUT /workloads/secrets/{secret}/value"""
    return parse(SecretDetail, platform.call("PUT", f"{path(secret_id)}/value", body={"value": value}))


def revoke_secret(platform: Platform, secret_id: str) -> SecretDetail:
    """POST /workloads/secrets/{secret}/revoke"""
    return parse(SecretDetail, platform.call("POST", f"{path(secret_id)}/revoke"))


def delete_secret(platform: Platform, secret_id: str) -> None:
    """DELETE /workloads/secrets/{secret}"""
    platform.call("DELETE", path(secret_id))
