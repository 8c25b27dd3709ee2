"""The sessions operations (contract §3.19): Spark Connect sessions on their own Sail servers."""

from ninja import Query, Router, Status

from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import marker_page, marker_position
from localplatform.api.shapes import sessions as shapes
from localplatform.api.shapes.common import Id, errors
from localplatform.api.shapes.workloads import Session, session_data, session_row_data
from localplatform.errors import PlatformError
from localplatform.paging import newest_first
from localplatform.workloads import lifecycle, sessions

router = Router(tags=["sessions"], auth=BearerAuth())


@router.get(
    "/workloads/sessions",
    response={200: shapes.SessionPage, **errors(400, 401, 403)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List sessions",
)
def list_sessions(request, query: Query[shapes.SessionQuery]):
    """Lists the sessions visible to the caller, newest first, with the total."""
    actor = request.auth
    found = sessions.visible(actor.organization, actor.access)
    for live in found.filter(status__in=lifecycle.Session.LIVE, endpoint_type="spark_connect"):
        lifecycle.refresh_session(live)
    if query.teamId:
        found = found.filter(team_id=query.teamId)
    if query.endpoint_type:
        found = found.filter(endpoint_type=query.endpoint_type)
    if query.status:
        found = found.filter(status=query.status)
    total = found.count()
    rows, more = newest_first(found, marker_position(query), query.limit)
    viewer = actor.member.id
    page = marker_page(query, [session_row_data(s) for s in rows], rows, more,
                       {"sessions": [session_data(s, viewer) for s in rows]})  # fmt: skip
    return {"total": total, **page}


@router.post(
    "/workloads/sessions",
    response={201: Session, **errors(400, 401, 403, 409, 422)},
    summary="Create a session",
)
def create_session(request, body: shapes.SessionCreate):
    """Opens a Spark Connect session; it is pending until Sail answers and the first request arrives."""
    actor = request.auth
    inline = body.workloadConfig.model_dump() if body.workloadConfig is not None else None
    record = sessions.create_session(
        actor.organization, actor.access, team_id=body.teamId, name=body.name, endpoint_type=body.endpointType,
        config_id=body.workloadConfigId, inline=inline, idle_timeout_seconds=body.idleTimeoutSeconds,
    )  # fmt: skip
    record.refresh_from_db()
    return Status(201, session_data(record, actor.member.id))


@router.get(
    "/workloads/sessions/{session}",
    response={200: Session, **errors(400, 401, 403, 404)},
    summary="Describe a session",
)
def describe_session(request, session: Id):
    """Shows one session; its connection details only to its owner."""
    actor = request.auth
    return session_data(sessions.get_session(actor.organization, actor.access, session), actor.member.id)


@router.delete(
    "/workloads/sessions/{session}",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Close a session",
)
def close_session(request, session: Id):
    """Closes a session at once; its Sail server stops in the background."""
    actor = request.auth
    record = sessions.get_session(actor.organization, actor.access, session)
    if not sessions.can_close(actor.access, record):
        raise PlatformError("permission_denied", "Only the owner or a team admin can close this session.")
    sessions.close(record, actor.access)
    return Status(204, None)


@router.post(
    "/workloads/sessions/{session}/token",
    response={200: shapes.SessionToken, **errors(400, 401, 403, 404, 409, 422)},
    summary="Issue a session proxy token",
)
def issue_session_token(request, session: Id, body: shapes.TokenIn | None = None):
    """Issues a short-lived signed JWT for the session's gRPC endpoint (owner only)."""
    actor = request.auth
    record = sessions.get_session(actor.organization, actor.access, session)
    return sessions.token(record, actor.access, body.ttlSeconds if body else 900)


@router.post(
    "/workloads/sessions/{session}/relaunch",
    response={201: Session, **errors(400, 401, 403, 404, 409, 422)},
    summary="Relaunch a closed session",
)
def relaunch_session(request, session: Id):
    """Creates a new session like a closed or failed one; the original is unchanged."""
    actor = request.auth
    record = sessions.get_session(actor.organization, actor.access, session)
    fresh = sessions.relaunch(record, actor.access)
    fresh.refresh_from_db()
    return Status(201, session_data(fresh, actor.member.id))
