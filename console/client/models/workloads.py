"""Workload shapes (contract §2.6): secrets, compute profiles (workload configs), sessions and notebooks."""

from typing import Literal

from pydantic import AwareDatetime, Field

from console.client.models.common import Audit, Model, TeamSummary

NOTEBOOK_MOVING = ("starting", "stopping")
NOTEBOOK_UP = ("running", "idle", "detached")
SESSION_LIVE = ("pending", "active", "idle")


class EbsConfig(Model):
    volume_type: str = "gp3"
    volume_size: int = 100
    iops: int | None = None
    throughput: int | None = None
    delete_on_termination: bool = True


class Driver(Model):
    instance_type: str
    ebs_config: EbsConfig = Field(default_factory=EbsConfig)


class Worker(Driver):
    max_nodes: int = 1
    capacity_type: str = "on_demand"


class Compute(Model):
    driver: Driver
    worker: Worker | None = None


class EnvVar(Model):
    name: str
    source: Literal["literal", "secret"]
    value: str | None = None
    secret_id: str | None = None


class Libraries(Model):
    python: list[str] = []


class SailConfig(Model):
    execution_mode: Literal["standalone", "cluster"] = "standalone"
    max_retries: int = 3
    compute: Compute
    libraries: Libraries = Field(default_factory=Libraries)
    environment: list[EnvVar] = []
    settings: dict[str, str] = {}


class ConfigBody(Model):
    sail: SailConfig


class WorkloadConfig(Audit):
    id: str
    name: str
    workload_type: str = "sail"
    cluster_id: str
    config: ConfigBody
    description: str | None = None
    team_id: str
    anonymous: bool = False
    member_id: str | None = None

    @property
    def sail(self) -> SailConfig:
        return self.config.sail


class ConfigPage(Model):
    items: list[WorkloadConfig]
    marker: str | None = None


class Secret(Audit):
    id: str
    name: str
    description: str | None = None
    backing_type: str = "managed"
    metadata: dict[str, str] = {}
    current_version: int = 1
    revoked: bool = False
    revoked_by: str | None = None
    revoked_at: AwareDatetime | None = None
    reference_count: int = 0


class SecretRow(Model):
    secret_id: str
    team_ids: list[str] = []


class SecretIncluded(Model):
    secrets: list[Secret] = []
    teams: list[TeamSummary] = []


class SecretPage(Model):
    total: int
    items: list[SecretRow]
    included: SecretIncluded = Field(default_factory=SecretIncluded)


class SecretDetail(Model):
    secret: Secret
    team_ids: list[str] = []
    included: SecretIncluded = Field(default_factory=SecretIncluded)


class ConnectionInfo(Model):
    proxy_auth_url: str | None = None
    grpc_endpoint: str | None = None


class Session(Model):
    id: str
    endpoint_type: Literal["spark_connect", "marimo"]
    name: str
    status: Literal["pending", "active", "idle", "closed", "failed"]
    workload_id: str
    team_id: str
    member_id: str | None = None
    notebook_id: str | None = None
    termination_reason: str | None = None
    status_message: str | None = None
    connection_info: ConnectionInfo | None = None
    last_activity_at: AwareDatetime | None = None
    idle_since: AwareDatetime | None = None
    compute_instance_id: str | None = None
    cluster_id: str
    idle_timeout_seconds: int = 1800
    created_at: AwareDatetime
    closed_at: AwareDatetime | None = None

    @property
    def live(self) -> bool:
        return self.status in SESSION_LIVE


class SessionRow(Model):
    id: str


class SessionIncluded(Model):
    sessions: list[Session] = []


class SessionPage(Model):
    total: int
    items: list[SessionRow]
    marker: str | None = None
    included: SessionIncluded = Field(default_factory=SessionIncluded)


class SessionToken(Model):
    token: str
    token_type: str
    expires_in: int
    expires_at: AwareDatetime
    grpc_endpoint: str


class Notebook(Audit):
    id: str
    member_id: str
    workload_config_id: str
    name: str
    description: str | None = None
    status: Literal["stopped", "starting", "running", "idle", "detached", "stopping", "failed"]
    status_message: str | None = None
    idle_timeout_seconds: int = 3600
    detached_timeout_seconds: int = 14400
    last_active_at: AwareDatetime | None = None
    session_id: str | None = None
    started_at: AwareDatetime | None = None
    stopped_at: AwareDatetime | None = None

    @property
    def moving(self) -> bool:
        """Starting or stopping: the page keeps asking until it settles."""
        return self.status in NOTEBOOK_MOVING

    @property
    def up(self) -> bool:
        return self.status in NOTEBOOK_UP


class NotebookRow(Model):
    notebook_id: str
    team_ids: list[str] = []
    workload_config_id: str


class NotebookIncluded(Model):
    notebooks: list[Notebook] = []
    teams: list[TeamSummary] = []
    workload_configs: list[WorkloadConfig] = []
    sessions: list[Session] = []


class NotebookPage(Model):
    total: int
    items: list[NotebookRow]
    included: NotebookIncluded = Field(default_factory=NotebookIncluded)


class NotebookDetail(Model):
    notebook: Notebook
    team_ids: list[str] = []
    workload_config_id: str
    included: NotebookIncluded = Field(default_factory=NotebookIncluded)

    @property
    def config(self) -> WorkloadConfig | None:
        return next(iter(self.included.workload_configs), None)

    @property
    def session(self) -> Session | None:
        return next(iter(self.included.sessions), None)


class NotebookOpen(Model):
    url: str
    expires_at: AwareDatetime
    mode: Literal["edit", "read_only"]
