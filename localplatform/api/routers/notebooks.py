"""The notebooks operations (contract §3.18): Marimo notebooks with their own Sail sessions, run on this machine."""

from ninja import Query, Router, Status

from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import PageQuery
from localplatform.api.shapes import notebooks as shapes
from localplatform.api.shapes.common import Id, Page, TeamSummary, errors, team_summaries
from localplatform.api.shapes.workloads import config_data, notebook_data, notebook_row_data, session_data
from localplatform.errors import PlatformError
from localplatform.identity.services import teams
from localplatform.paging import page_of
from localplatform.workloads import lifecycle, notebooks
from localplatform.workloads.models import Notebook, Session, WorkloadConfig

router = Router(tags=["notebooks"], auth=BearerAuth())
VIEW, MANAGE = notebooks.VIEW, notebooks.MANAGE


def notebook_detail(notebook: Notebook, viewer_id: str) -> dict:
    team_ids = notebooks.team_ids_of([notebook])[notebook.id]
    session = Session.objects.filter(pk=notebook.session_id).first() if notebook.session_id else None
    return {
        "notebook": notebook_data(notebook),
        "teamIds": team_ids,
        "workloadConfigId": notebook.workload_config_id,
        "included": {
            "teams": team_summaries(team_ids),
            "workloadConfigs": [config_data(notebook.workload_config)],
            "sessions": [session_data(session, viewer_id)] if session else [],
        },
    }


def notebook_page(found, query: PageQuery) -> dict:
    for live in found.filter(status__in=[Notebook.STARTING, *Notebook.UP]):
        lifecycle.refresh_notebook(live)
    order = "updated_at" if query.sortDirection == "asc" else "-updated_at"
    total, rows = page_of(found.order_by(order, "-id"), query.page, query.limit)
    links = notebooks.team_ids_of(rows)
    config_ids = {n.workload_config_id for n in rows}
    return {
        "total": total,
        "items": [notebook_row_data(n, links[n.id]) for n in rows],
        "included": {
            "notebooks": [notebook_data(n) for n in rows],
            "teams": team_summaries({t for ids in links.values() for t in ids}),
            "workloadConfigs": [
                config_data(c) for c in WorkloadConfig.objects.filter(pk__in=config_ids).order_by("id")
            ],
        },
    }


@router.get(
    "/workloads/notebooks",
    response={200: shapes.NotebookPage, **errors(400, 401, 403)},
    summary="List notebooks",
)
def list_notebooks(request, query: Query[PageQuery]):
    """Lists the caller's notebooks and those shared with their teams, most recently updated first."""
    actor = request.auth
    return notebook_page(notebooks.visible(actor.organization, actor.access), query)


@router.post(
    "/workloads/notebooks",
    response={201: shapes.NotebookDetail, **errors(400, 401, 403, 409, 422)},
    summary="Create a notebook",
)
def create_notebook(request, body: shapes.NotebookCreate):
    """Creates a stopped Marimo notebook bound to a compute profile; the caller owns it."""
    actor = request.auth
    record = notebooks.create_notebook(
        actor.organization, actor.access, name=body.name, config_id=body.workloadConfigId,
        description=body.description, team_ids=body.teamIds, idle_timeout_seconds=body.idleTimeoutSeconds,
        detached_timeout_seconds=body.detachedTimeoutSeconds,
    )  # fmt: skip
    return Status(201, notebook_detail(record, actor.member.id))


@router.get(
    "/workloads/notebooks/{notebook}",
    response={200: shapes.NotebookDetail, **errors(400, 401, 403, 404)},
    summary="Describe a notebook",
)
def describe_notebook(request, notebook: Id):
    """Shows a notebook's status, settings, compute profile, teams and current session."""
    actor = request.auth
    return notebook_detail(notebooks.get_notebook(actor.organization, actor.access, notebook), actor.member.id)


@router.delete(
    "/workloads/notebooks/{notebook}",
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Delete a notebook",
)
def delete_notebook(request, notebook: Id):
    """Deletes a notebook; one still running is stopped first, in the background."""
    actor = request.auth
    notebooks.delete(notebooks.get_notebook(actor.organization, actor.access, notebook, MANAGE))
    return Status(204, None)


@router.patch(
    "/workloads/notebooks/{notebook}",
    response={200: shapes.NotebookDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a notebook",
)
def update_notebook(request, notebook: Id, body: shapes.NotebookUpdate):
    """Changes the name, description or timeouts; the compute profile only while stopped."""
    actor = request.auth
    record = notebooks.get_notebook(actor.organization, actor.access, notebook, MANAGE)
    notebooks.update_notebook(
        record, actor.access, fields=body.model_fields_set, name=body.name, description=body.description,
        idle_timeout_seconds=body.idleTimeoutSeconds, detached_timeout_seconds=body.detachedTimeoutSeconds,
        config_id=body.workloadConfigId,
    )  # fmt: skip
    return notebook_detail(record, actor.member.id)


@router.post(
    "/workloads/notebooks/{notebook}/start",
    response={200: shapes.NotebookDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Start a notebook",
)
def start_notebook(request, notebook: Id):
    """Starts Sail and Marimo for the notebook; it is starting now and running when both answer."""
    actor = request.auth
    record = notebooks.get_notebook(actor.organization, actor.access, notebook, MANAGE)
    notebooks.start(record, actor.access)
    return notebook_detail(record, actor.member.id)


@router.post(
    "/workloads/notebooks/{notebook}/stop",
    response={200: shapes.NotebookDetail, **errors(400, 401, 403, 404, 409)},
    summary="Stop a notebook",
)
def stop_notebook(request, notebook: Id):
    """Stops the notebook's processes; it is stopping now and stopped once they are gone."""
    actor = request.auth
    record = notebooks.get_notebook(actor.organization, actor.access, notebook, MANAGE)
    notebooks.stop(record, actor.access)
    return notebook_detail(record, actor.member.id)


@router.post(
    "/workloads/notebooks/{notebook}/open",
    response={200: shapes.NotebookOpen, **errors(400, 401, 403, 404, 409)},
    summary="Open a notebook",
)
def open_notebook(request, notebook: Id):
    """Returns a single-use URL, valid for five minutes, that brings a browser frame into the notebook."""
    actor = request.auth
    return notebooks.open_url(notebooks.get_notebook(actor.organization, actor.access, notebook), actor.access)


@router.post(
    "/workloads/notebooks/{notebook}/activity",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Record notebook activity",
)
def record_notebook_activity(request, notebook: Id):
    """A presence heartbeat: keeps the notebook running, or brings an idle or detached one back."""
    actor = request.auth
    notebooks.activity(notebooks.get_notebook(actor.organization, actor.access, notebook), actor.access)
    return Status(204, None)


@router.get(
    "/workloads/notebooks/{notebook}/teams",
    response={200: Page[TeamSummary], **errors(400, 401, 403, 404)},
    summary="List notebook teams",
)
def list_notebook_teams(request, notebook: Id, query: Query[PageQuery]):
    """Lists the teams a notebook is shared with, by name."""
    actor = request.auth
    record = notebooks.get_notebook(actor.organization, actor.access, notebook)
    ids = notebooks.team_ids_of([record])[record.id]
    total, page = page_of_list(ids, query)
    return {"total": total, "items": team_summaries(page)}


def page_of_list(items: list, query: PageQuery) -> tuple[int, list]:
    ordered = list(reversed(items)) if query.sortDirection == "desc" else items
    start = (query.page - 1) * query.limit
    return len(items), ordered[start : start + query.limit]


@router.post(
    "/workloads/notebooks/{notebook}/teams",
    response={200: shapes.TeamItems, **errors(400, 401, 403, 404, 422)},
    summary="Add teams to a notebook",
)
def add_notebook_teams(request, notebook: Id, body: shapes.TeamIdsIn):
    """Shares a notebook with more teams, whose members can then view and open it."""
    actor = request.auth
    record = notebooks.get_notebook(actor.organization, actor.access, notebook, MANAGE)
    notebooks.add_teams(record, actor.access, body.teamIds)
    return {"items": team_summaries(notebooks.team_ids_of([record])[record.id])}


@router.delete(
    "/workloads/notebooks/{notebook}/teams/{team}",
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Remove a team from a notebook",
)
def remove_notebook_team(request, notebook: Id, team: Id):
    """Stops sharing a notebook with one team; the owner keeps access."""
    actor = request.auth
    notebooks.remove_team(notebooks.get_notebook(actor.organization, actor.access, notebook, MANAGE), team)
    return Status(204, None)


@router.get(
    "/org/teams/{team}/notebooks",
    response={200: shapes.NotebookPage, **errors(400, 401, 403, 404)},
    summary="List team notebooks",
)
def list_team_notebooks(request, team: Id, query: Query[PageQuery]):
    """Lists the notebooks shared with one team."""
    actor = request.auth
    record = teams.get_team(actor.organization, team)
    if not actor.access.has_in_team(VIEW, record.id):
        raise PlatformError("permission_denied")
    return notebook_page(notebooks.team_notebooks(record), query)
