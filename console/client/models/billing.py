"""Billing shapes (contract §2.8): billable accounts, the rate card, submission windows, compositions, costs."""

from typing import Literal

from pydantic import AwareDatetime, Field

from console.client.models.common import Model


class BillableAccount(Model):
    id: str
    cloud_account_id: str
    provider: str = "AWS"
    status: Literal["pending", "active", "suspended", "unsubscribed"]
    last_submission_at: AwareDatetime | None = None
    provider_id: str = ""

    @property
    def local(self) -> bool:
        return self.cloud_account_id == "000000000000"


class Rate(Model):
    factor: str
    currency: str = "USD"
    amount: float
    unit: str = ""


class RateCard(Model):
    rates: list[Rate] = []
    effective_from: AwareDatetime


class AccountList(Model):
    items: list[BillableAccount]
    rate_card: RateCard


class SubmissionWindow(Model):
    id: str
    period_start: AwareDatetime
    period_end: AwareDatetime
    status: Literal["pending", "submitted", "accepted", "rejected", "failed"]
    submitted_at: AwareDatetime | None = None
    dimension: str = ""
    quantity: float = 0
    amount: float = 0
    currency: str = "USD"
    workload_count: int = 0
    marketplace_record_id: str | None = None
    status_message: str | None = None


class WindowPage(Model):
    items: list[SubmissionWindow]
    marker: str | None = None


class FactorAmount(Model):
    factor: str
    quantity: float
    rate: float
    amount: float


class CompositionItem(Model):
    workload_type: Literal["job_run", "session", "notebook"]
    workload_id: str
    workload_name: str
    team_id: str | None = None
    member_id: str | None = None
    cluster_id: str
    factors: list[FactorAmount] = []
    amount: float


class WorkloadComposition(Model):
    submission_id: str
    cloud_account_id: str
    period_start: AwareDatetime
    period_end: AwareDatetime
    currency: str = "USD"
    total_amount: float
    items: list[CompositionItem] = []


class CostBucket(Model):
    start: AwareDatetime
    amount: float
    parts: dict[str, float] = Field(default_factory=dict)


class Costs(Model):
    cloud_account_id: str
    by: Literal["day", "hour"]
    group_by: Literal["team", "workloadType"]
    labels: dict[str, str] = Field(default_factory=dict)
    buckets: list[CostBucket] = []
