"""System checks of the accounts app: `manage.py check --deploy` fails when mail cannot leave the process."""

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def mail_is_configured(app_configs, **kwargs) -> list[Error]:
    """A deployment sends mail over SMTP: sign-up, sign-in codes, resets and invitations depend on it."""
    if settings.SMTP_HOST:
        return []
    where = (
        "it stays in the Dev mailbox, which anyone can read (LAKESAIL_LOCAL_MODE is on)"
        if settings.LAKESAIL_LOCAL_MODE
        else "it is dropped"
    )
    return [
        Error(
            f"Mail is not configured: SMTP_HOST is unset, so no mail leaves this process; {where}.",
            hint="Set SMTP_HOST (with SMTP_PORT, SMTP_USER, SMTP_PASSWORD and DEFAULT_FROM_EMAIL).",
            id="lakesail.E001",
        )
    ]
