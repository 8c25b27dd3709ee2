"""organization: settings of the organization in context (contract §3.14)."""

from pydantic.alias_generators import to_camel

from console.client.base import Platform, parse
from console.client.models.organization import OrganizationSettings


def describe_settings(platform: Platform) -> OrganizationSettings:
    """GET /org/settings"""
    return parse(OrganizationSettings, platform.call("GET", "/org/settings"))


def update_settings(platform: Platform, **changes) -> OrganizationSettings:
    """PATCH /org/settings: only the settings given (snake_case names of OrganizationSettings)."""
    body = {to_camel(name): value for name, value in changes.items()}
    return parse(OrganizationSettings, platform.call("PATCH", "/org/settings", body=body))
