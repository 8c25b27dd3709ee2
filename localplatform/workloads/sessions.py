"""Sessions (contract §3.19): Spark Connect sessions, each with its own Sail server on this machine.

A session is created `pending`; its runner starts in the worker, and the session becomes `active` on the first Spark
traffic after Sail answers (lifecycle.py). `grpcEndpoint` is the runner's forwarder in front of Sail, which a stock
Spark Connect client dials. Marimo sessions exist only as a notebook's compute and are made by notebook start.
"""

import hashlib
from datetime import timedelta

import jwt
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from localplatform.errors import PlatformError, invalid, not_found
from localplatform.identity.models import Team
from localplatform.ids import new_id
from localplatform.infra.models import Cluster
from localplatform.workloads import configs, lifecycle
from localplatform.workloads import secrets as secret_service
from localplatform.workloads.models import Session, WorkloadConfig

TOKEN_AUDIENCE = "lakesail-session-proxy"


def visible(organization, access):
    """Own sessions, those of the member's teams, and all of them with CanViewSessions@org (§3.19)."""
    found = Session.objects.filter(organization=organization)
    if access.has("CanViewSessions"):
        return found
    return found.filter(Q(member=access.member) | Q(team_id__in=list(access.team_relations)))


def get_session(organization, access, session_id: str) -> Session:
    session = visible(organization, access).filter(pk=session_id).select_related("workload_config").first()
    if session is None:
        raise not_found("session")
    return lifecycle.refresh_session(session)


def endpoint(session: Session) -> str | None:
    if session.grpc_port and session.status in Session.LIVE:
        return f"sc://{settings.LAKESAIL_WORKLOAD_HOST}:{session.grpc_port}"
    return None


def check_startable(config: WorkloadConfig) -> None:
    """409 when the config's cluster is not active, 422 when a secret it needs is revoked."""
    if config.cluster.external_status != Cluster.ACTIVE:
        raise PlatformError("invalid_state", f"The cluster {config.cluster.name} is not active.")
    revoked = secret_service.revoked_among(configs.secret_ids_of(config))
    if revoked is not None:
        raise invalid(
            {"workloadConfigId": f'The secret "{revoked.name}" is revoked: store a new value to use it again.'}
        )


def create_session(organization, access, *, team_id, name=None, endpoint_type="spark_connect", config_id=None,
                   inline=None, idle_timeout_seconds=1800) -> Session:  # fmt: skip
    if endpoint_type == "marimo":
        raise invalid({"endpointType": "Marimo sessions are made by starting a notebook."})
    if (config_id is None) == (inline is None):
        raise invalid({"workloadConfigId": "Give exactly one of workloadConfigId or workloadConfig."})
    if not Team.objects.filter(organization=organization, pk=team_id).exists():
        raise invalid({"teamId": "Unknown team."})
    if not access.has_in_team("CanCreateSessions", team_id):
        raise PlatformError("permission_denied", "You need to create sessions in this team.")
    if config_id is not None:
        config = configs.visible(organization, access, named=False).filter(pk=config_id).first()
        if config is None:
            raise invalid({"workloadConfigId": "Unknown workload config."})
        if config.team_id != team_id:
            raise invalid({"workloadConfigId": "The workload config belongs to another team."})
    else:
        config = configs.create_config(
            organization, access, name=f"inline-{new_id().lower()}", team_id=team_id,
            cluster_id=inline["clusterId"], sail=inline["config"]["sail"], anonymous=True,
        )  # fmt: skip
    check_startable(config)
    now = timezone.now()
    session = Session.objects.create(
        organization=organization,
        name=(name or "").strip() or f"session-{now:%Y%m%d-%H%M%S}",
        endpoint_type="spark_connect",
        workload_config=config,
        team_id=team_id,
        member=access.member,
        cluster=config.cluster,
        idle_timeout_seconds=idle_timeout_seconds,
        compute_instance_id=new_id(),
        created_at=now,
        created_by=access.member.id,
    )
    start(session)
    return session


def start(session: Session) -> None:
    from localplatform.workloads.tasks import launch_session

    transaction.on_commit(lambda: launch_session.enqueue(session.id))


def can_close(access, session: Session) -> bool:
    """The owner, a team admin of the session's team, or an org-level holder (§3.19 close rights)."""
    return session.member_id == access.member.id or access.has_in_team("CanManageSessions", session.team_id)


def close(session: Session, access) -> None:
    if session.status not in Session.LIVE:
        return
    if session.endpoint_type == "marimo":
        raise PlatformError("invalid_state", "This is a notebook's session: stop the notebook instead.")
    reason = "user_closed" if session.member_id == access.member.id else "closed_by_admin"
    with transaction.atomic():
        lifecycle.close_session(session, reason)


def require_owner(session: Session, access) -> None:
    if session.member_id != access.member.id:
        raise PlatformError("not_owner", "Only the session's owner can do this.")


def token(session: Session, access, ttl_seconds: int = 900) -> dict:
    """A signed JWT for the session proxy (§3.19.5)."""
    require_owner(session, access)
    if session.status not in Session.LIVE or session.endpoint_type != "spark_connect":
        raise PlatformError("invalid_state", f"The session is {session.status}; tokens are for live Spark sessions.")
    now = timezone.now()
    expires = now + timedelta(seconds=ttl_seconds)
    claims = {
        "iss": "lakesail-local-platform",
        "aud": TOKEN_AUDIENCE,
        "sub": session.id,
        "member": session.member_id,
        "org": session.organization_id,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": new_id(),
    }
    signed = jwt.encode(claims, token_key(), algorithm="HS256")
    return {
        "token": signed,
        "tokenType": "Bearer",
        "expiresIn": ttl_seconds,
        "expiresAt": expires,
        "grpcEndpoint": endpoint(session) or f"sc://{settings.LAKESAIL_WORKLOAD_HOST}",
    }


def token_key() -> bytes:
    return hashlib.sha256(f"session-proxy/{settings.SECRET_KEY}".encode()).digest()


def relaunch(session: Session, access) -> Session:
    require_owner(session, access)
    if session.status in Session.LIVE:
        raise PlatformError("invalid_state", "Only a closed or failed session can be relaunched.")
    if session.endpoint_type == "marimo":
        raise PlatformError("invalid_state", "A notebook's session is relaunched by starting the notebook.")
    if not access.has_in_team("CanCreateSessions", session.team_id):
        raise PlatformError("permission_denied", "You need to create sessions in this team.")
    config = session.workload_config
    check_startable(config)
    now = timezone.now()
    fresh = Session.objects.create(
        organization_id=session.organization_id,
        name=session.name,
        endpoint_type=session.endpoint_type,
        workload_config=config,
        team_id=session.team_id,
        member=access.member,
        cluster=config.cluster,
        idle_timeout_seconds=session.idle_timeout_seconds,
        compute_instance_id=new_id(),
        created_at=now,
        created_by=access.member.id,
    )
    start(fresh)
    return fresh
