"""The fixed event-type catalogue of contract §2.7.

Code reads this module (so a database flush in tests cannot lose it); the data migration mirrors it
into the `EventType` table for anyone reading the database directly.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventType:
    key: str
    resource_type: str
    label: str
    description: str
    expands_to: tuple[str, ...] = field(default=())

    @property
    def is_shortcut(self) -> bool:
        return bool(self.expands_to)


def _e(key: str, label: str, description: str, expands_to: tuple[str, ...] = ()) -> EventType:
    return EventType(key, key.split(".")[0], label, description, expands_to)


EVENT_TYPES: tuple[EventType, ...] = (
    _e("job_run.started", "Job run started", "A job run entered running."),
    _e("job_run.succeeded", "Job run succeeded", "A job run finished successfully."),
    _e("job_run.failed", "Job run failed", "A job run failed."),
    _e("job_run.cancelled", "Job run cancelled", "A job run was cancelled."),
    _e("job_run.timeout", "Job run timed out", "A job run exceeded its timeout."),
    _e(
        "job_run.terminal",
        "Job run finished (any status)",
        "Any terminal status: succeeded, failed, cancelled or timeout.",
        ("job_run.succeeded", "job_run.failed", "job_run.cancelled", "job_run.timeout"),
    ),
    _e(
        "job_run.unsuccessful",
        "Job run unsuccessful",
        "A job run failed, was cancelled or timed out.",
        ("job_run.failed", "job_run.cancelled", "job_run.timeout"),
    ),
    _e("notebook.running", "Notebook running", "A notebook finished starting and is running."),
    _e("notebook.stopped", "Notebook stopped", "A notebook stopped."),
    _e("notebook.failed", "Notebook failed", "A notebook failed."),
    _e("session.active", "Session active", "A session became active for the first time."),
    _e("session.closed", "Session closed", "A session was closed."),
    _e("session.failed", "Session failed", "A session failed."),
    _e("session.terminal", "Session ended", "A session closed or failed.", ("session.closed", "session.failed")),
    _e("cluster.provisioned", "Cluster provisioned", "A cluster finished provisioning."),
    _e("cluster.failed", "Cluster failed", "A cluster operation failed."),
    _e("cluster.destroyed", "Cluster destroyed", "A cluster was destroyed."),
    _e("network.provisioned", "Network provisioned", "A network finished provisioning."),
    _e("network.failed", "Network failed", "A network operation failed."),
    _e("network.destroyed", "Network destroyed", "A network was destroyed."),
    _e("connection.verified", "Connection verified", "A cloud connection was verified or synced."),
    _e("connection.failed", "Connection failed", "A cloud connection failed verification or sync."),
    _e("secret.revoked", "Secret revoked", "A secret was revoked."),
    _e("member.joined", "Member joined", "A member joined the organization."),
    _e("member.removed", "Member removed", "A member left or was removed from the organization."),
    _e("member.roles_changed", "Member roles changed", "A member's organization roles were replaced."),
    _e(
        "member.any",
        "Any membership change",
        "A member joined, was removed, or had their roles changed.",
        ("member.joined", "member.removed", "member.roles_changed"),
    ),
    _e("invitation.created", "Invitation sent", "An invitation was sent."),
    _e("invitation.accepted", "Invitation accepted", "An invitation was accepted."),
    _e("invitation.expired", "Invitation expired", "An invitation expired unaccepted."),
    _e("team.created", "Team created", "A team was created."),
    _e("team.deleted", "Team deleted", "A team was deleted."),
    _e("team.member_added", "Team member added", "A member was added to a team."),
    _e("team.member_removed", "Team member removed", "A member was removed from a team."),
    _e("identity_provider.created", "Identity provider configured", "An identity provider was configured."),
    _e("identity_provider.deleted", "Identity provider removed", "An identity provider was removed."),
    _e(
        "identity_provider.secret_rotated",
        "Identity provider secret rotated",
        "An identity provider's client secret was rotated.",
    ),
)

BY_KEY: dict[str, EventType] = {event_type.key: event_type for event_type in EVENT_TYPES}
CONCRETE_KEYS: frozenset[str] = frozenset(t.key for t in EVENT_TYPES if not t.is_shortcut)
TEST_EVENT = "notification.test"


def label(key: str) -> str:
    """The human label of an event type ("Member joined"); the test event has its own."""
    if key == TEST_EVENT:
        return "Test notification"
    event_type = BY_KEY.get(key)
    return event_type.label if event_type else key


def load(apps) -> None:
    """Mirror the catalogue into the database (idempotent): the data migration."""
    model = apps.get_model("notifications", "EventType")
    for position, event_type in enumerate(EVENT_TYPES):
        model.objects.update_or_create(
            key=event_type.key,
            defaults={
                "resource_type": event_type.resource_type,
                "label": event_type.label,
                "description": event_type.description,
                "expands_to": list(event_type.expands_to),
                "position": position,
            },
        )
    model.objects.exclude(key__in=list(BY_KEY)).delete()
