"""Wire shapes shared by every router: ids, timestamps, inputs that refuse unknown fields."""

from datetime import UTC, datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, PlainSerializer, StringConstraints


def rfc3339(value: datetime) -> str:
    """UTC, second precision, Z suffix (§1.3)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Timestamp = Annotated[datetime, PlainSerializer(rfc3339, return_type=str)]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,20}$")]


class Input(Schema):
    """Base of every request body: unknown fields are a 422 (§1.1)."""

    model_config = ConfigDict(extra="forbid")


class Items[T](Schema):
    """A list without paging: `{ items }`."""

    items: list[T]


class Page[T](Schema):
    """Page style (§1.8): `{ total, items }`; list operations with `included` extend it."""

    total: int
    items: list[T]
