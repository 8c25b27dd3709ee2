"""Platform events. Domain services call `emit` (never views); subscribers listen to `event_committed`.

    from localplatform.events import emit
    emit(org_id, "member.joined", "member", member.id, member_name, data={...}, owner_member_id=member.id)

The event is stored in the caller's transaction; `event_committed` is sent only after that
transaction commits, so a rolled-back change notifies nobody.
"""

from django.db import transaction
from django.dispatch import Signal

# Sent with `event=<Event>` once the transaction that emitted it has committed.
event_committed = Signal()


def emit(
    organization_id: str,
    type: str,
    resource_type: str,
    resource_id: str,
    resource_name: str,
    *,
    data: dict,
    team_ids: list[str] | None = None,
    owner_member_id: str | None = None,
):
    """Record one event of the §2.7 catalogue and announce it after commit."""
    from localplatform.events.models import Event

    event = Event.objects.create(
        organization_id=organization_id,
        type=type,
        resource_type=resource_type,
        resource_id=resource_id,
        resource_name=resource_name[:255],
        data=data,
        team_ids=list(team_ids or []),
        owner_member_id=owner_member_id,
    )
    transaction.on_commit(lambda: event_committed.send(sender=Event, event=event))
    return event
