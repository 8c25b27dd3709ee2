"""Page-style and marker-style pagination (contract §1.8): the query parameters and opaque markers.

Services slice the pages themselves (localplatform.paging.page_of).
"""

import hashlib
import json
from datetime import datetime
from typing import Literal

from django.core import signing
from ninja import Schema
from pydantic import Field

from localplatform.errors import PlatformError

MARKER_SALT = "lakesail.marker"
MARKER_MAX_AGE = 60 * 60 * 24


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=2_147_483_647)
    limit: int = Field(100, ge=0, le=100)
    sortDirection: Literal["asc", "desc"] = "asc"


class MarkerQuery(Schema):
    limit: int = Field(100, ge=0, le=100)
    marker: str | None = None


def _filters_digest(filters: dict) -> str:
    return hashlib.sha256(json.dumps(filters, sort_keys=True, default=str).encode()).hexdigest()[:16]


def encode_marker(position: list, filters: dict) -> str:
    """An opaque, signed marker holding the last row's sort position and the filters it belongs to."""
    return signing.dumps({"p": position, "f": _filters_digest(filters)}, salt=MARKER_SALT, compress=True)


def decode_marker(marker: str, filters: dict) -> list:
    """The position inside a marker; 400 when malformed, expired or sent with other filters."""
    try:
        data = signing.loads(marker, salt=MARKER_SALT, max_age=MARKER_MAX_AGE)
    except signing.BadSignature:
        raise PlatformError("invalid_request", "The marker is malformed or expired.") from None
    if data.get("f") != _filters_digest(filters):
        raise PlatformError("invalid_request", "The marker was issued for different filters.")
    return data["p"]


def marker_position(query: MarkerQuery) -> tuple[datetime, str] | None:
    """The (createdAt, id) position a newest-first list's marker holds; 400 when issued for other filters."""
    if not query.marker:
        return None
    created, last_id = decode_marker(query.marker, marker_filters(query))
    return datetime.fromisoformat(created), last_id


def marker_filters(query: MarkerQuery) -> dict:
    return query.model_dump(exclude={"limit", "marker"})


def marker_page(query: MarkerQuery, items: list, rows: list, more: bool, included: dict) -> dict:
    """MarkerPage of a newest-first list: `marker` only when more rows follow (§1.8)."""
    body: dict = {"items": items, "included": included}
    if more:
        body["marker"] = encode_marker([rows[-1].created_at.isoformat(), rows[-1].id], marker_filters(query))
    return body
