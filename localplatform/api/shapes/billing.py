"""Wire shapes of the billing operations (contract §2.8, §3.22): accounts, the rate card, windows, compositions."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

from localplatform.api.pagination import MarkerQuery
from localplatform.api.shapes.common import Id, Timestamp
from localplatform.billing import metering
from localplatform.billing.models import BillableAccount as AccountRecord
from localplatform.billing.models import SubmissionWindow as WindowRecord

CloudAccountId = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
Factor = Literal["vcpu_seconds", "memory_gib_seconds", "gpu_seconds"]


class BillableAccount(Schema):
    id: Id
    cloudAccountId: str
    provider: Literal["AWS"]
    status: Literal["pending", "active", "suspended", "unsubscribed"]
    lastSubmissionAt: Timestamp | None
    providerId: str


class Rate(Schema):
    factor: Factor
    currency: Literal["USD"]
    amount: float
    unit: str


class RateCard(Schema):
    rates: list[Rate]
    effectiveFrom: Timestamp


class AccountList(Schema):
    items: list[BillableAccount]
    rateCard: RateCard
    marker: str | None = None


class WindowQuery(MarkerQuery):
    from_: datetime | None = Field(None, alias="from")
    to: datetime | None = None
    includeZeroUsage: bool = False


class CostQuery(Schema):
    from_: datetime = Field(alias="from")
    to: datetime
    by: Literal["day", "hour"] = "day"
    groupBy: Literal["team", "workloadType"] = "team"


class CostBucket(Schema):
    start: Timestamp
    amount: float
    parts: dict[str, float]  # team id (or "" for none) or workload type -> amount


class Costs(Schema):
    """Extension: amounts per day or hour, split by team or workload type (the console's cost chart)."""

    cloudAccountId: str
    currency: Literal["USD"]
    by: Literal["day", "hour"]
    groupBy: Literal["team", "workloadType"]
    labels: dict[str, str]  # each part's key -> what to call it (a team's name; "" is "No team")
    buckets: list[CostBucket]


class SubmissionWindow(Schema):
    id: Id
    periodStart: Timestamp
    periodEnd: Timestamp
    status: Literal["pending", "submitted", "accepted", "rejected", "failed"]
    submittedAt: Timestamp | None
    dimension: str
    quantity: float
    amount: float
    currency: Literal["USD"]
    workloadCount: int
    marketplaceRecordId: str | None
    statusMessage: str | None


class WindowPage(Schema):
    """MarkerPage<SubmissionWindow>."""

    items: list[SubmissionWindow]
    marker: str | None = None


class FactorAmount(Schema):
    factor: Factor
    quantity: float
    rate: float
    amount: float


class CompositionItem(Schema):
    workloadType: Literal["job_run", "session", "notebook"]
    workloadId: Id
    workloadName: str
    teamId: Id | None
    memberId: Id | None
    clusterId: Id
    factors: list[FactorAmount]
    amount: float


class WorkloadComposition(Schema):
    submissionId: Id
    cloudAccountId: str
    periodStart: Timestamp
    periodEnd: Timestamp
    currency: Literal["USD"]
    totalAmount: float
    items: list[CompositionItem]


def account_data(account: AccountRecord) -> dict:
    return {
        "id": account.id,
        "cloudAccountId": account.cloud_account_id,
        "provider": account.provider,
        "status": account.status,
        "lastSubmissionAt": account.last_submission_at,
        "providerId": account.provider_id,
    }


def rate_card() -> dict:
    return {
        "rates": [
            {"factor": factor, "currency": "USD", "amount": float(rate), "unit": unit}
            for factor, (rate, unit) in metering.RATES.items()
        ],
        "effectiveFrom": metering.RATES_FROM,
    }


def window_data(window: WindowRecord) -> dict:
    return {
        "id": window.id,
        "periodStart": window.period_start,
        "periodEnd": window.period_end,
        "status": window.status,
        "submittedAt": window.submitted_at,
        "dimension": window.dimension,
        "quantity": float(window.quantity),
        "amount": float(window.amount),
        "currency": "USD",
        "workloadCount": window.workload_count,
        "marketplaceRecordId": window.marketplace_record_id,
        "statusMessage": window.status_message,
    }


def composition_data(window: WindowRecord) -> dict:
    items = [
        {
            "workloadType": item.workload_type,
            "workloadId": item.workload_id,
            "workloadName": item.workload_name,
            "teamId": item.team_id,
            "memberId": item.member_id,
            "clusterId": item.cluster_id,
            "factors": [
                {
                    "factor": f["factor"],
                    "quantity": float(f["quantity"]),
                    "rate": float(f["rate"]),
                    "amount": float(f["amount"]),
                }
                for f in item.factors
            ],
            "amount": float(item.amount),
        }
        for item in window.items.order_by("-amount", "workload_name", "id")
    ]
    return {
        "submissionId": window.id,
        "cloudAccountId": window.account.cloud_account_id,
        "periodStart": window.period_start,
        "periodEnd": window.period_end,
        "currency": "USD",
        "totalAmount": float(window.amount),
        "items": items,
    }
