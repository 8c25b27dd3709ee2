"""notebooks: Marimo notebooks with their own Sail sessions (contract §3.18)."""

from console.client.base import Platform, parse
from console.client.models.infra import TeamItems
from console.client.models.workloads import NotebookDetail, NotebookOpen, NotebookPage
from console.client.paths import page_params, segment


def path(notebook_id: str) -> str:
    return f"/workloads/notebooks/{segment(notebook_id)}"


def list_notebooks(platform: Platform, *, page: int = 1, limit: int = 50) -> NotebookPage:
    """GET /workloads/notebooks"""
    params = page_params(page, limit, "updatedAt", "desc")
    return parse(NotebookPage, platform.call("GET", "/workloads/notebooks", params=params))


def create_notebook(
    platform: Platform,
    *,
    name: str,
    workload_config_id: str,
    description: str | None = None,
    team_ids: list[str] | None = None,
    idle_timeout_seconds: int = 3600,
    detached_timeout_seconds: int = 14400,
) -> NotebookDetail:
    """POST /workloads/notebooks"""
    body = {
        "name": name,
        "description": description or None,
        "workloadConfigId": workload_config_id,
        "teamIds": team_ids or [],
        "idleTimeoutSeconds": idle_timeout_seconds,
        "detachedTimeoutSeconds": detached_timeout_seconds,
    }
    return parse(NotebookDetail, platform.call("POST", "/workloads/notebooks", body=body))


def describe_notebook(platform: Platform, notebook_id: str) -> NotebookDetail:
    """GET /workloads/notebooks/{notebook}"""
    return parse(NotebookDetail, platform.call("GET", path(notebook_id)))


def update_notebook(platform: Platform, notebook_id: str, **changes) -> NotebookDetail:
    """PATCH /workloads/notebooks/{notebook}"""
    return parse(NotebookDetail, platform.call("PATCH", path(notebook_id), body=changes))


def delete_notebook(platform: Platform, notebook_id: str) -> None:
    """DELETE /workloads/notebooks/{notebook}"""
    platform.call("DELETE", path(notebook_id))


def start_notebook(platform: Platform, notebook_id: str) -> NotebookDetail:
    """POST /workloads/notebooks/{notebook}/start"""
    return parse(NotebookDetail, platform.call("POST", f"{path(notebook_id)}/start"))


def stop_notebook(platform: Platform, notebook_id: str) -> NotebookDetail:
    """POST /workloads/notebooks/{notebook}/stop"""
    return parse(NotebookDetail, platform.call("POST", f"{path(notebook_id)}/stop"))


def open_notebook(platform: Platform, notebook_id: str) -> NotebookOpen:
    """POST /workloads/notebooks/{notebook}/open"""
    return parse(NotebookOpen, platform.call("POST", f"{path(notebook_id)}/open"))


def record_notebook_activity(platform: Platform, notebook_id: str) -> None:
    """POST /workloads/notebooks/{notebook}/activity"""
    platform.call("POST", f"{path(notebook_id)}/activity")


def add_notebook_teams(platform: Platform, notebook_id: str, team_ids: list[str]) -> TeamItems:
    """POST /workloads/notebooks/{notebook}/teams"""
    return parse(TeamItems, platform.call("POST", f"{path(notebook_id)}/teams", body={"teamIds": team_ids}))


def remove_notebook_team(platform: Platform, notebook_id: str, team_id: str) -> None:
    """DELETE /workloads/notebooks/{notebook}/teams/{team}"""
    platform.call("DELETE", f"{path(notebook_id)}/teams/{segment(team_id)}")
