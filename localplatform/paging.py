"""Slicing lists for services (contract §1.8): page style (the count and one page) and marker style (newest first)."""

from datetime import datetime

from django.db.models import Q, QuerySet

Position = tuple[datetime, str]  # (createdAt, id) of the last row of the previous marker page


def page_of(queryset: QuerySet, page: int, limit: int) -> tuple[int, list]:
    """Count all matches and return page `page` (from 1) of `limit` rows of an already ordered queryset."""
    total = queryset.count()
    start = (page - 1) * limit
    if limit == 0 or start >= total:
        return total, []
    return total, list(queryset[start : start + limit])


def newest_first(queryset: QuerySet, after: Position | None, limit: int) -> tuple[list, bool]:
    """Up to `limit` rows after `after`, newest first by (createdAt, id), and whether more follow."""
    queryset = queryset.order_by("-created_at", "-id")
    if after is not None:
        created, last_id = after
        queryset = queryset.filter(Q(created_at__lt=created) | Q(created_at=created, id__lt=last_id))
    if limit == 0:
        return [], False
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit
