"""users: the calling identity (contract §3.3)."""

from console.client.account_models import MyTeams
from console.client.base import Platform, parse
from console.client.models import Me


def get_me(platform: Platform) -> Me:
    """GET /me"""
    return parse(Me, platform.call("GET", "/me"))


def list_my_teams(platform: Platform) -> MyTeams:
    """GET /me/teams"""
    return parse(MyTeams, platform.call("GET", "/me/teams"))
