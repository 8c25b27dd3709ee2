"""The entities of the workloads areas (contract §2.6): SailConfig, WorkloadConfig, Secret, Session and Notebook.

Each area's module (shapes/secrets.py, workload_configs.py, sessions.py, notebooks.py) adds its inputs and envelopes.
A SailConfig is both input and output: omitted fields take the defaults of §3.20.2, unknown ones are a 422.
"""

from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

from localplatform.api.shapes.common import Audited, Id, Input, Timestamp, audit_data
from localplatform.workloads import sessions
from localplatform.workloads.models import Notebook as NotebookRecord
from localplatform.workloads.models import Secret as SecretRecord
from localplatform.workloads.models import Session as SessionRecord
from localplatform.workloads.models import WorkloadConfig as ConfigRecord


class EbsConfig(Input):
    volumeType: Literal["gp3", "gp2", "io2"] = "gp3"
    volumeSize: int = Field(default=100, ge=20, le=16384)
    iops: int | None = 3000
    throughput: int | None = 125
    deleteOnTermination: bool = True


class Driver(Input):
    instanceType: str = "c8g.2xlarge"
    ebsConfig: EbsConfig = Field(default_factory=lambda: EbsConfig())


class Worker(Input):
    instanceType: str
    ebsConfig: EbsConfig = Field(default_factory=lambda: EbsConfig())
    maxNodes: int = Field(ge=1, le=1000)
    capacityType: Literal["on_demand", "spot"] = "on_demand"


class Compute(Input):
    driver: Driver = Field(default_factory=Driver)
    worker: Worker | None = None


class Libraries(Input):
    python: list[Annotated[str, StringConstraints(min_length=1, max_length=255)]] = Field(
        default_factory=list, max_length=100
    )


class EnvVar(Input):
    name: Annotated[str, StringConstraints(pattern=r"^[A-Z_][A-Z0-9_]{0,127}$")]
    source: Literal["literal", "secret"]
    value: str | None = Field(default=None, max_length=65536)
    secretId: Id | None = None


class SailConfig(Input):
    executionMode: Literal["standalone", "cluster"] = "standalone"
    maxRetries: int = Field(default=3, ge=0, le=10)
    compute: Compute = Field(default_factory=Compute)
    libraries: Libraries = Field(default_factory=Libraries)
    environment: list[EnvVar] = Field(default_factory=list, max_length=100)
    catalogIds: list[Id] = Field(default_factory=list)
    defaultCatalogId: Id | None = None
    settings: dict[str, str] = Field(default_factory=dict)


class ConfigBody(Input):
    sail: SailConfig


class WorkloadConfig(Audited):
    id: Id
    name: str
    workloadType: Literal["sail"]
    clusterId: Id
    config: ConfigBody
    description: str | None
    teamId: Id
    anonymous: bool
    memberId: Id | None


def config_data(config: ConfigRecord) -> dict:
    return {
        "id": config.id,
        "name": config.name,
        "workloadType": config.workload_type,
        "clusterId": config.cluster_id,
        "config": config.config,
        "description": config.description,
        "teamId": config.team_id,
        "anonymous": config.anonymous,
        "memberId": config.member_id,
        **audit_data(config),
    }


class Secret(Audited):
    id: Id
    name: str
    description: str | None
    backingType: Literal["managed"]
    metadata: dict[str, str]
    currentVersion: int
    revoked: bool
    revokedBy: Id | None
    revokedAt: Timestamp | None
    referenceCount: int


class SecretRow(Schema):
    secretId: Id
    teamIds: list[Id]


def secret_data(secret: SecretRecord, references: int) -> dict:
    return {
        "id": secret.id,
        "name": secret.name,
        "description": secret.description,
        "backingType": "managed",
        "metadata": secret.metadata,
        "currentVersion": secret.current_version,
        "revoked": secret.revoked,
        "revokedBy": secret.revoked_by,
        "revokedAt": secret.revoked_at,
        "referenceCount": references,
        **audit_data(secret),
    }


class ConnectionInfo(Schema):
    proxyAuthUrl: str | None
    grpcEndpoint: str | None


SessionStatus = Literal["pending", "active", "idle", "closed", "failed"]
TerminationReason = Literal[
    "user_closed", "closed_by_admin", "idle_timeout", "notebook_stopped", "provisioning_failed", "compute_lost"
]


class Session(Schema):
    id: Id
    endpointType: Literal["spark_connect", "marimo"]
    name: str
    status: SessionStatus
    workloadId: Id
    teamId: Id
    memberId: Id | None
    serviceAccountId: Id | None
    notebookId: Id | None
    terminationReason: TerminationReason | None
    statusMessage: str | None
    connectionInfo: ConnectionInfo | None
    lastActivityAt: Timestamp | None
    idleSince: Timestamp | None
    computeInstanceId: Id | None
    clusterId: Id
    idleTimeoutSeconds: int
    createdAt: Timestamp
    createdBy: Id | None
    closedAt: Timestamp | None


class SessionRow(Schema):
    id: Id
    computeInstanceId: Id | None
    memberId: Id | None
    serviceAccountId: Id | None


def session_data(session: SessionRecord, viewer_id: str | None) -> dict:
    """Session; `connectionInfo` only for its owner (§3.19)."""
    info = None
    if viewer_id is not None and session.member_id == viewer_id:
        grpc = sessions.endpoint(session) if session.endpoint_type == "spark_connect" else None
        info = {"proxyAuthUrl": None, "grpcEndpoint": grpc}
    return {
        "id": session.id,
        "endpointType": session.endpoint_type,
        "name": session.name,
        "status": session.status,
        "workloadId": session.workload_config_id,
        "teamId": session.team_id,
        "memberId": session.member_id,
        "serviceAccountId": None,
        "notebookId": session.notebook_id,
        "terminationReason": session.termination_reason,
        "statusMessage": session.status_message,
        "connectionInfo": info,
        "lastActivityAt": session.last_activity_at,
        "idleSince": session.idle_since,
        "computeInstanceId": session.compute_instance_id,
        "clusterId": session.cluster_id,
        "idleTimeoutSeconds": session.idle_timeout_seconds,
        "createdAt": session.created_at,
        "createdBy": session.created_by,
        "closedAt": session.closed_at,
    }


def session_row_data(session: SessionRecord) -> dict:
    return {
        "id": session.id,
        "computeInstanceId": session.compute_instance_id,
        "memberId": session.member_id,
        "serviceAccountId": None,
    }


NotebookStatus = Literal["stopped", "starting", "running", "idle", "detached", "stopping", "failed"]


class Notebook(Audited):
    id: Id
    memberId: Id
    workloadConfigId: Id
    name: str
    description: str | None
    status: NotebookStatus
    statusMessage: str | None
    idleTimeoutSeconds: int
    detachedTimeoutSeconds: int
    lastActiveAt: Timestamp | None
    sessionId: Id | None
    startedAt: Timestamp | None
    stoppedAt: Timestamp | None


class NotebookRow(Schema):
    notebookId: Id
    teamIds: list[Id]
    workloadConfigId: Id


def notebook_data(notebook: NotebookRecord) -> dict:
    return {
        "id": notebook.id,
        "memberId": notebook.member_id,
        "workloadConfigId": notebook.workload_config_id,
        "name": notebook.name,
        "description": notebook.description,
        "status": notebook.status,
        "statusMessage": notebook.status_message,
        "idleTimeoutSeconds": notebook.idle_timeout_seconds,
        "detachedTimeoutSeconds": notebook.detached_timeout_seconds,
        "lastActiveAt": notebook.last_active_at,
        "sessionId": notebook.session_id,
        "startedAt": notebook.started_at,
        "stoppedAt": notebook.stopped_at,
        **audit_data(notebook),
    }


def notebook_row_data(notebook: NotebookRecord, team_ids: list[str]) -> dict:
    return {"notebookId": notebook.id, "teamIds": team_ids, "workloadConfigId": notebook.workload_config_id}
