"""sessions: Spark Connect sessions, each on its own Sail server (contract §3.19)."""

from console.client.base import Platform, parse
from console.client.models.workloads import Session, SessionPage, SessionToken
from console.client.paths import segment


def path(session_id: str) -> str:
    return f"/workloads/sessions/{segment(session_id)}"


def list_sessions(
    platform: Platform,
    *,
    team_id: str | None = None,
    endpoint_type: str | None = None,
    status: str | None = None,
    limit: int = 50,
    marker: str | None = None,
) -> SessionPage:
    """GET /workloads/sessions"""
    filters = {"teamId": team_id, "endpoint_type": endpoint_type, "status": status, "marker": marker}
    params = {"limit": limit, **{k: v for k, v in filters.items() if v}}
    return parse(SessionPage, platform.call("GET", "/workloads/sessions", params=params))


def create_session(
    platform: Platform, *, team_id: str, workload_config_id: str, name: str | None = None, idle_timeout_seconds=1800
) -> Session:
    """POST /workloads/sessions"""
    body = {"teamId": team_id, "workloadConfigId": workload_config_id, "idleTimeoutSeconds": idle_timeout_seconds}
    if name:
        body["name"] = name
    return parse(Session, platform.call("POST", "/workloads/sessions", body=body))


def describe_session(platform: Platform, session_id: str) -> Session:
    """GET /workloads/sessions/{session}"""
    return parse(Session, platform.call("GET", path(session_id)))


def close_session(platform: Platform, session_id: str) -> None:
    """DELETE /workloads/sessions/{session}"""
    platform.call("DELETE", path(session_id))


def issue_session_token(platform: Platform, session_id: str, ttl_seconds: int = 900) -> SessionToken:
    """POST /workloads/sessions/{session}/token"""
    return parse(SessionToken, platform.call("POST", f"{path(session_id)}/token", body={"ttlSeconds": ttl_seconds}))


def relaunch_session(platform: Platform, session_id: str) -> Session:
    """POST /workloads/sessions/{session}/relaunch"""
    return parse(Session, platform.call("POST", f"{path(session_id)}/relaunch"))
