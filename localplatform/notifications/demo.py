"""Demo notification content for `manage.py seed_demo`, created through the same services as real content."""

import secrets
from collections.abc import Callable
from types import SimpleNamespace

from localplatform.identity.models import Member, Organization, Team
from localplatform.identity.services.permissions import Access
from localplatform.notifications import pipeline, services
from localplatform.notifications.models import Channel, Rule

# Local receivers a developer can start on the ports reserved for them (nothing listens by default,
# so these channels show how a failing destination looks until one does).
WEBHOOK_URL = "http://127.0.0.1:8179/lakesail-webhook"
SLACK_URL = "http://127.0.0.1:8178/services/T0DEMO/B0DEMO/demo-slack-path"


def seed(organization: Organization, owner: Member, count: Callable[[str], None]) -> None:
    """Add the demo channels and rules that are missing (idempotent by name)."""
    actor = SimpleNamespace(organization=organization, member=owner, access=Access.of(owner))
    existing = set(
        Channel.objects.filter(organization_id=organization.id, deleted_at=None).values_list("name", flat=True)
    )

    def channel(name: str, **fields) -> Channel:
        found = Channel.objects.filter(organization_id=organization.id, name=name, deleted_at=None).first()
        if found:
            return found
        count("notification channels")
        return services.create_channel(actor, name=name, enabled=True, **fields)

    inbox = channel("Owner's inbox", type="email", team_id=None, member_id=None, config={"memberId": owner.id})
    if "Owner's inbox" not in existing:
        pipeline.send_test(actor, inbox)  # one delivered test mail (Dev mailbox) in the history
    channels = [inbox.id]
    team = Team.objects.filter(organization=organization, name="Data Platform").first()
    team_channels: list[str] = []
    if services.local_mode():
        webhook = channel(
            "Audit webhook (local receiver)",
            type="webhook",
            team_id=None,
            member_id=None,
            config={"url": WEBHOOK_URL, "signingSecret": secrets.token_urlsafe(32), "headers": {"X-Source": "demo"}},
        )
        channels.append(webhook.id)
        if team is not None:
            slack = channel(
                "#data-platform (local Slack receiver)",
                type="slack",
                team_id=team.id,
                member_id=None,
                config={"webhookUrl": SLACK_URL},
            )
            team_channels.append(slack.id)

    def rule(name: str, **fields) -> None:
        if Rule.objects.filter(organization_id=organization.id, name=name, deleted_at=None).exists():
            return
        count("notification rules")
        services.create_rule(actor, {"name": name, **fields})

    rule(
        "Membership changes",
        description="Every member who joins, leaves or changes roles.",
        eventTypes=["member.any"],
        scopeType="organization",
        channelIds=channels,
    )
    rule(
        "Identity provider changes",
        description="SSO configuration changes, for the security review.",
        eventTypes=["identity_provider.created", "identity_provider.deleted", "identity_provider.secret_rotated"],
        scopeType="organization",
        channelIds=[inbox.id],
    )
    if team is not None and team_channels:
        rule(
            "Data Platform roster",
            description="Who joins and leaves the Data Platform team.",
            eventTypes=["team.member_added", "team.member_removed"],
            scopeType="team",
            teamId=team.id,
            channelIds=team_channels,
        )
