from django.db import transaction

from localplatform.events import emit, event_committed
from localplatform.events.models import Event


def test_an_event_is_announced_only_after_commit(transactional_db):
    heard = []

    def listener(event, **kwargs):
        heard.append(event.type)

    event_committed.connect(listener)
    try:
        with transaction.atomic():
            emit("ORG1", "team.created", "team", "TEAM1", "Growth", data={"teamId": "TEAM1"})
            assert heard == []
        assert heard == ["team.created"]
        try:
            with transaction.atomic():
                emit("ORG1", "team.deleted", "team", "TEAM1", "Growth", data={})
                raise RuntimeError
        except RuntimeError:
            pass
        assert heard == ["team.created"]
        assert list(Event.objects.values_list("type", flat=True)) == ["team.created"]
    finally:
        event_committed.disconnect(listener)


def test_payload_has_the_webhook_shape(db):
    event = emit("ORG1", "member.joined", "member", "MEM1", "Ann Lee", data={"memberId": "MEM1"})
    payload = event.payload()
    assert payload["resource"] == {"type": "member", "id": "MEM1", "name": "Ann Lee"}
    assert payload["occurredAt"].endswith("Z") and payload["type"] == "member.joined"
