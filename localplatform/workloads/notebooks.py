"""Notebooks (contract §3.18): Marimo notebooks that run for real, each with its own Sail session.

Start makes a marimo Session and queues its runner (Sail + Marimo + the notebook proxy, runner.py); the notebook is
`running` once both answer. Open returns a single-use, five-minute URL of the runner's proxy, which checks it, sets
its own cookie and serves Marimo on the same host name as the console. Heartbeats (`activity`) are presence.
"""

from datetime import timedelta

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from localplatform.errors import PlatformError, invalid, not_found
from localplatform.identity.models import Team
from localplatform.identity.services.teams import linked_team_ids
from localplatform.ids import new_id
from localplatform.workloads import configs, lifecycle, sessions
from localplatform.workloads.models import Notebook, NotebookTeam, Session

VIEW, MANAGE = "CanViewNotebooks", "CanManageNotebooks"
OPEN_AUDIENCE = "lakesail-notebook"
OPEN_SECONDS = 300


def team_ids_of(notebooks) -> dict[str, list[str]]:
    """notebook id -> the ids of the teams it is shared with (by team name), one query."""
    return linked_team_ids(NotebookTeam.objects.all(), "notebook", [n.id for n in notebooks])


def visible(organization, access):
    """Own notebooks and those shared with a team where the member may view notebooks; all at org level."""
    found = Notebook.objects.filter(organization=organization, delete_requested=False)
    if access.has(VIEW) or (access.all_teams and VIEW in access.team_admin_relations):
        return found
    teams = [t for t, granted in access.team_relations.items() if VIEW in granted]
    shared = NotebookTeam.objects.filter(team_id__in=teams).values("notebook_id")
    return found.filter(Q(member=access.member) | Q(pk__in=shared))


def can(access, relation: str, notebook: Notebook, team_ids: list[str] | None = None) -> bool:
    """R@notebook: the owner always qualifies; else an org role or a role in a team it is shared with."""
    if notebook.member_id == access.member.id:
        return True
    return access.has_on(relation, team_ids if team_ids is not None else team_ids_of([notebook])[notebook.id])


def get_notebook(organization, access, notebook_id: str, relation: str = VIEW) -> Notebook:
    """The notebook moved on to now; 404 unless visible, 403 without `relation`."""
    notebook = visible(organization, access).filter(pk=notebook_id).first()
    if notebook is None:
        raise not_found("notebook")
    if relation != VIEW and not can(access, relation, notebook):
        raise PlatformError("permission_denied")
    return lifecycle.refresh_notebook(notebook)


def _teams(organization, access, team_ids: list[str]) -> list[Team]:
    if len(team_ids) > 50:
        raise invalid({"teamIds": "Share with at most 50 teams."})
    found = {t.id: t for t in Team.objects.filter(organization=organization, id__in=set(team_ids))}
    missing = [i for i in team_ids if i not in found]
    if missing:
        raise invalid({"teamIds": f"Unknown team: {', '.join(missing)}."})
    if not all(access.has_in_team(MANAGE, t) for t in found):
        raise PlatformError("permission_denied", "You need to manage notebooks in every team you share with.")
    return [found[i] for i in dict.fromkeys(team_ids)]


def _timeouts(idle: int | None, detached: int | None) -> None:
    for field, value in (("idleTimeoutSeconds", idle), ("detachedTimeoutSeconds", detached)):
        if value is not None and not 300 <= value <= 86400:
            raise invalid({field: "Use 300 to 86400 seconds (5 minutes to 24 hours)."})


def _save(notebook: Notebook) -> Notebook:
    try:
        with transaction.atomic():
            notebook.save()
    except IntegrityError:
        raise PlatformError("already_exists", "You already have a notebook with this name.") from None
    return notebook


def _config(organization, access, config_id: str):
    config = configs.visible(organization, access).filter(pk=config_id).select_related("cluster").first()
    if config is None:
        raise invalid({"workloadConfigId": "Unknown compute profile."})
    if not access.has_in_team("CanCreateSessions", config.team_id):
        raise PlatformError("permission_denied", "You need to create sessions in the compute profile's team.")
    return config


def create_notebook(organization, access, *, name, config_id, description=None, team_ids=(), idle_timeout_seconds=3600,
                    detached_timeout_seconds=14400, source: str = "") -> Notebook:  # fmt: skip
    """A stopped notebook owned by the caller; `source` is the Marimo file (the demo's; else a starter at start)."""
    _timeouts(idle_timeout_seconds, detached_timeout_seconds)
    config = _config(organization, access, config_id)
    teams = _teams(organization, access, list(team_ids))
    member = access.member
    notebook = Notebook(
        organization=organization,
        member=member,
        workload_config=config,
        name=name.strip(),
        description=description or None,
        idle_timeout_seconds=idle_timeout_seconds,
        detached_timeout_seconds=detached_timeout_seconds,
        source=source,
        created_by=member.id,
        updated_by=member.id,
    )
    with transaction.atomic():
        _save(notebook)
        NotebookTeam.objects.bulk_create([NotebookTeam(notebook=notebook, team=t) for t in teams])
    return notebook


def update_notebook(notebook: Notebook, access, *, fields: set[str], name=None, description=None,
                    idle_timeout_seconds=None, detached_timeout_seconds=None, config_id=None) -> Notebook:  # fmt: skip
    _timeouts(idle_timeout_seconds, detached_timeout_seconds)
    if "workloadConfigId" in fields and config_id and config_id != notebook.workload_config_id:
        if notebook.status != Notebook.STOPPED:
            raise PlatformError("invalid_state", "Stop the notebook before changing its compute profile.")
        notebook.workload_config = _config(notebook.organization, access, config_id)
    if "name" in fields and name is not None:
        notebook.name = name.strip()
    if "description" in fields:
        notebook.description = description or None
    if idle_timeout_seconds is not None:
        notebook.idle_timeout_seconds = idle_timeout_seconds
    if detached_timeout_seconds is not None:
        notebook.detached_timeout_seconds = detached_timeout_seconds
    notebook.updated_at, notebook.updated_by = timezone.now(), access.member.id
    return _save(notebook)


def start(notebook: Notebook, access) -> Notebook:
    """stopped -> starting, with a new marimo session whose runner the worker launches (§3.18.6)."""
    if notebook.status != Notebook.STOPPED:
        raise PlatformError("invalid_state", f"Only a stopped notebook can be started ({notebook.status}).")
    config = notebook.workload_config
    if not access.has_in_team("CanCreateSessions", config.team_id):
        raise PlatformError("permission_denied", "You need to create sessions in the compute profile's team.")
    sessions.check_startable(config)
    now = timezone.now()
    with transaction.atomic():
        session = Session.objects.create(
            organization_id=notebook.organization_id,
            name=f"notebook-{notebook.name}"[:255],
            endpoint_type="marimo",
            workload_config=config,
            team_id=config.team_id,
            member=access.member,
            notebook=notebook,
            cluster=config.cluster,
            idle_timeout_seconds=notebook.idle_timeout_seconds,
            compute_instance_id=new_id(),
            created_at=now,
            created_by=access.member.id,
        )
        notebook.status, notebook.status_message, notebook.session = Notebook.STARTING, None, session
        notebook.started_at, notebook.stopped_at, notebook.last_active_at = now, None, None
        notebook.pid = notebook.http_port = notebook.grpc_port = notebook.ready_at = None
        notebook.updated_at, notebook.updated_by = now, access.member.id
        notebook.save()
        sessions.start(session)
    return notebook


def stop(notebook: Notebook, access) -> Notebook:
    if notebook.status not in (*Notebook.UP, Notebook.FAILED):
        raise PlatformError("invalid_state", f"The notebook is {notebook.status}: there is nothing to stop.")
    with transaction.atomic():
        lifecycle.begin_stop(notebook, None)
    return notebook


def delete(notebook: Notebook) -> None:
    """Gone at once for the caller; a notebook still running is torn down first (§3.18.4)."""
    with transaction.atomic():
        NotebookTeam.objects.filter(notebook=notebook).delete()
        if notebook.status in (Notebook.STOPPED, Notebook.FAILED) and notebook.pid is None:
            if notebook.session_id:
                Session.objects.filter(pk=notebook.session_id, status__in=Session.LIVE).update(
                    status=Session.CLOSED, termination_reason="notebook_stopped", closed_at=timezone.now()
                )
            notebook.delete()
            return
        notebook.delete_requested = True
        if notebook.status == Notebook.STARTING:
            notebook.save()  # the start finishes, then the watch stops it
            return
        lifecycle.begin_stop(notebook, "Deleted.")


def require_up(notebook: Notebook) -> None:
    if notebook.status not in Notebook.UP:
        raise PlatformError("invalid_state", f"The notebook is {notebook.status}, not running.")


def _present(notebook: Notebook, access, now) -> None:
    """Presence: a heartbeat or an open brings an idle or detached notebook back to running (§2.10)."""
    notebook.last_active_at = now
    if notebook.member_id == access.member.id:
        notebook.owner_seen_at = now
    if notebook.status in (Notebook.IDLE, Notebook.DETACHED):
        notebook.status = Notebook.RUNNING
    notebook.save(update_fields=["last_active_at", "owner_seen_at", "status"])


def open_mode(notebook: Notebook, access, now) -> str:
    """§3.18 open modes: the owner edits; another manager edits unless the owner was active in the last 120 s."""
    if notebook.member_id == access.member.id:
        return "edit"
    if not can(access, MANAGE, notebook):
        return "read_only"
    owner_active = notebook.owner_seen_at and now - notebook.owner_seen_at < lifecycle.seconds(120)
    return "read_only" if owner_active else "edit"


def open_url(notebook: Notebook, access) -> dict:
    require_up(notebook)
    now = timezone.now()
    mode = open_mode(notebook, access, now)
    _present(notebook, access, now)
    expires = now + timedelta(seconds=OPEN_SECONDS)
    claims = {"aud": OPEN_AUDIENCE, "sub": notebook.id, "jti": new_id(), "mode": mode, "member": access.member.id,
              "iat": int(now.timestamp()), "exp": int(expires.timestamp())}  # fmt: skip
    token = jwt.encode(claims, bytes.fromhex(lifecycle.open_key(notebook)), algorithm="HS256")
    host = settings.LAKESAIL_WORKLOAD_HOST
    url = f"http://{host}:{notebook.http_port}{lifecycle.base_path(notebook)}/__open?token={token}"
    return {"url": url, "expiresAt": expires, "mode": mode}


def activity(notebook: Notebook, access) -> None:
    require_up(notebook)
    _present(notebook, access, timezone.now())


def add_teams(notebook: Notebook, access, team_ids: list[str]) -> None:
    if not team_ids:
        raise invalid({"teamIds": "Choose at least one team."})
    teams = _teams(notebook.organization, access, team_ids)
    NotebookTeam.objects.bulk_create([NotebookTeam(notebook=notebook, team=t) for t in teams], ignore_conflicts=True)


def remove_team(notebook: Notebook, team_id: str) -> None:
    deleted, _ = NotebookTeam.objects.filter(notebook=notebook, team_id=team_id).delete()
    if not deleted:
        raise not_found("team link")


def team_notebooks(team: Team):
    return Notebook.objects.filter(team_links__team=team, delete_requested=False)
