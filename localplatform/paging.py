"""Page-style slicing (contract §1.8) for services: the count of all matches and one page of them."""

from django.db.models import QuerySet


def page_of(queryset: QuerySet, page: int, limit: int) -> tuple[int, list]:
    """Count all matches and return page `page` (from 1) of `limit` rows of an already ordered queryset."""
    total = queryset.count()
    start = (page - 1) * limit
    if limit == 0 or start >= total:
        return total, []
    return total, list(queryset[start : start + limit])
