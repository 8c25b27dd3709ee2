"""billing: marketplace accounts, the rate card, hourly submission windows and their compositions (contract §3.22)."""

from datetime import datetime

from console.client.base import Platform, parse
from console.client.models.billing import AccountList, Costs, WindowPage, WorkloadComposition
from console.client.paths import segment


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def list_billable_accounts(platform: Platform) -> AccountList:
    """GET /billing"""
    return parse(AccountList, platform.call("GET", "/billing"))


def list_submission_windows(
    platform: Platform,
    cloud_account_id: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    include_zero_usage: bool = False,
    limit: int = 50,
    marker: str | None = None,
) -> WindowPage:
    """GET /billing/{cloudAccountId}"""
    params: dict = {"limit": limit, "includeZeroUsage": "true" if include_zero_usage else "false"}
    if start:
        params["from"] = stamp(start)
    if end:
        params["to"] = stamp(end)
    if marker:
        params["marker"] = marker
    return parse(WindowPage, platform.call("GET", f"/billing/{segment(cloud_account_id)}", params=params))


def summarize_costs(
    platform: Platform, cloud_account_id: str, *, start: datetime, end: datetime, by: str, group_by: str
):
    """GET /billing/{cloudAccountId}/costs (extension)"""
    params = {"from": stamp(start), "to": stamp(end), "by": by, "groupBy": group_by}
    return parse(Costs, platform.call("GET", f"/billing/{segment(cloud_account_id)}/costs", params=params))


def describe_submission_composition(platform: Platform, cloud_account_id: str, submission_id: str):
    """GET /billing/{cloudAccountId}/{submissionId}"""
    path = f"/billing/{segment(cloud_account_id)}/{segment(submission_id)}"
    return parse(WorkloadComposition, platform.call("GET", path))
