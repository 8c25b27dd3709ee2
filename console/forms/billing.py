"""Billing (contract §3.22): the overview's query (account, date range, grouping, zero-usage windows, paging)."""

from datetime import UTC, date, datetime, time, timedelta

from django import forms

from console.forms.lists import MarkerQuery

BY = (("day", "By day"), ("hour", "By hour"))
STACK = (("team", "By team"), ("type", "By workload type"))
LONGEST = {"day": 366, "hour": 31}  # days a chart may cover


class BillingQuery(MarkerQuery):
    """?account=…&start=2026-11-06&end=2026-12-05&by=day&stack=team&zero=1&marker=… (end inclusive, UTC days)."""

    account = forms.CharField(required=False, max_length=12, label="Account")
    start = forms.DateField(required=False, label="From")
    end = forms.DateField(required=False, label="To")
    by = forms.ChoiceField(required=False, choices=BY, label="Bars")
    stack = forms.ChoiceField(required=False, choices=STACK, label="Split")
    zero = forms.BooleanField(required=False, label="Show hours without usage")

    def chips(self) -> list:
        """None: the range form above the table is where these are set and seen."""
        return []

    @property
    def days(self) -> tuple[date, date]:
        """The range asked for, or the last 30 days; a reversed or too long range is put right."""
        today = datetime.now(UTC).date()
        end = self.value("end") or today
        start = self.value("start") or end - timedelta(days=29)
        if start > end:
            start, end = end, start
        longest = LONGEST[self.grouping]
        if (end - start).days >= longest:
            start = end - timedelta(days=longest - 1)
        return start, end

    @property
    def span(self) -> tuple[datetime, datetime]:
        start, end = self.days
        return datetime.combine(start, time(), UTC), datetime.combine(end + timedelta(days=1), time(), UTC)

    @property
    def grouping(self) -> str:
        return self.value("by") or "day"

    @property
    def split(self) -> str:
        return self.value("stack") or "team"
