"""workload configs, the console's compute profiles (contract §3.20): a SailConfig for one cluster and team."""

from console.client.base import Platform, parse
from console.client.models.workloads import ConfigPage, WorkloadConfig
from console.client.paths import segment


def path(config_id: str) -> str:
    return f"/workloads/configs/{segment(config_id)}"


def list_workload_configs(
    platform: Platform, *, team_id: str | None = None, limit: int = 100, marker: str | None = None
) -> ConfigPage:
    """GET /workloads/configs"""
    params = {"limit": limit, **({"teamId": team_id} if team_id else {}), **({"marker": marker} if marker else {})}
    return parse(ConfigPage, platform.call("GET", "/workloads/configs", params=params))


def create_workload_config(
    platform: Platform, *, name: str, cluster_id: str, team_id: str, sail: dict, description: str | None = None
) -> WorkloadConfig:
    """POST /workloads/configs"""
    body = {
        "name": name,
        "description": description or None,
        "workloadType": "sail",
        "clusterId": cluster_id,
        "teamId": team_id,
        "config": {"sail": sail},
    }
    return parse(WorkloadConfig, platform.call("POST", "/workloads/configs", body=body))


def describe_workload_config(platform: Platform, config_id: str) -> WorkloadConfig:
    """GET /workloads/configs/{config}"""
    return parse(WorkloadConfig, platform.call("GET", path(config_id)))


def update_workload_config(platform: Platform, config_id: str, **changes) -> WorkloadConfig:
    """PATCH /workloads/configs/{config} (keys: name, description, config)"""
    return parse(WorkloadConfig, platform.call("PATCH", path(config_id), body=changes))


def delete_workload_config(platform: Platform, config_id: str) -> None:
    """DELETE /workloads/configs/{config}"""
    platform.call("DELETE", path(config_id))
