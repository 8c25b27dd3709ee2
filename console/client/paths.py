"""Small helpers for building operation paths and page queries."""

from urllib.parse import quote


def segment(value: str) -> str:
    """A path parameter, percent-encoded so it can never add a path segment."""
    return quote(str(value), safe="")


def page_params(page: int, limit: int, sort_by: str, sort_direction: str, **extra) -> dict[str, str | int]:
    """Page-style query parameters (§1.8); extra filters that are None or empty are left out."""
    params: dict[str, str | int] = {"page": page, "limit": limit, "sortBy": sort_by, "sortDirection": sort_direction}
    params.update({name: value for name, value in extra.items() if value not in (None, "")})
    return params
