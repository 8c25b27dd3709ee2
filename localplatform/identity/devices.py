"""Readable device names for logins ("Firefox on macOS") from the user agent."""

from functools import lru_cache

from ua_parser import parse


@lru_cache(maxsize=1024)
def describe_device(user_agent: str) -> str | None:
    """ "Browser on OS", or None when the user agent says nothing useful."""
    if not user_agent:
        return None
    result = parse(user_agent)
    browser = result.user_agent.family if result.user_agent else None
    system = result.os.family if result.os else None
    if browser in (None, "Other") and system in (None, "Other"):
        return None
    if system in (None, "Other"):
        return browser
    if browser in (None, "Other"):
        return system
    return f"{browser} on {system}"
