"""organization: settings of the organization in context (contract §3.14)."""

from console.client.base import Platform, parse
from console.client.models.organization import OrganizationSettings


def describe_settings(platform: Platform) -> OrganizationSettings:
    """GET /org/settings"""
    return parse(OrganizationSettings, platform.call("GET", "/org/settings"))
