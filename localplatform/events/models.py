"""Platform events (contract §1.12): the state changes of the §2.7 catalogue, recorded as they happen."""

from django.db import models
from django.utils import timezone

from localplatform.ids import new_id


class Event(models.Model):
    id = models.CharField(max_length=20, primary_key=True, default=new_id, editable=False)
    organization_id = models.CharField(max_length=20, db_index=True)
    type = models.CharField(max_length=64)  # EventType key, e.g. "member.joined"
    resource_type = models.CharField(max_length=32)
    resource_id = models.CharField(max_length=20)
    resource_name = models.CharField(max_length=255)
    data = models.JSONField(default=dict)  # the WebhookPayload `data` (§4.1)
    # What rules match on (§3.21): the teams the subject is shared with, and its owner member.
    team_ids = models.JSONField(default=list)
    owner_member_id = models.CharField(max_length=20, null=True, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["organization_id", "occurred_at"])]

    def payload(self) -> dict:
        """The WebhookPayload of §4.1 for this event."""
        return {
            "id": self.id,
            "type": self.type,
            "occurredAt": self.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "organizationId": self.organization_id,
            "resource": {"type": self.resource_type, "id": self.resource_id, "name": self.resource_name},
            "data": self.data,
        }
