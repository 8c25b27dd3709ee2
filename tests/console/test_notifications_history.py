"""History: one delivery's page and drawer panel (§3.21.14) with Copy payload, and Redeliver now (§3.21.15)."""

import json
import re

import httpx
import pytest

from localplatform.identity.services import directory, teams
from localplatform.notifications.models import Delivery
from tests.client.support import faults, on, writes_fail
from tests.console import test_notifications
from tests.console.test_dashboard import text_of
from tests.console.test_notifications import HTMX, as_person, calls_of, channel_named, create_channel, form_alert_shown

owner, receiver = test_notifications.owner, test_notifications.receiver  # the fixtures, shared

LIST = "http://testserver/notifications/history"


def failed_delivery(client, receiver, name: str = "Hook", **fields) -> Delivery:
    """A channel test to a receiver answering 500: a `failed` delivery with one attempt."""
    receiver.statuses = [500, *receiver.statuses[1:]]
    create_channel(client, "webhook", name=name, url=receiver.url, header_count="0", **fields)
    client.post(f"/notifications/channels/{channel_named(name).id}/test")
    return Delivery.objects.get(channel_id=channel_named(name).id)


def panel(client, delivery: Delivery, *, verb: str = "get", current: str = LIST):
    """The delivery panel as History's drawer asks for it (or its Redeliver now form posts)."""
    headers = {**HTMX, "HX-Target": "delivery-detail", "HX-Current-URL": current}
    url = f"/notifications/history/{delivery.id}" + ("/redeliver" if verb == "post" else "")
    return getattr(client, verb)(url, headers=headers)


def test_history_rows_open_the_drawer_or_the_delivery_page(owner, receiver):
    delivery = failed_delivery(owner, receiver)
    html = owner.get("/notifications/history").content.decode()
    link = re.search(rf'<a [^>]*id="delivery-{delivery.id}-details"[^>]*>', html).group(0)
    url = f"/notifications/history/{delivery.id}"
    assert f'href="{url}"' in link and f'hx-get="{url}"' in link  # no ?channel=: the delivery has its own URL
    assert 'data-dialog="delivery-drawer"' in link and 'hx-target="#delivery-detail"' in link
    assert 'hx-preserve="true"' in link  # kept across table refreshes, so focus can come back to it
    assert re.search(r'<dialog id="delivery-drawer"[^>]*aria-labelledby="delivery-title"', html)
    assert re.search(r'<button [^>]*commandfor="delivery-drawer"[^>]*autofocus>', html)


def test_a_delivery_is_one_call_with_copy_payload_and_redeliver_now(owner, receiver):
    delivery = failed_delivery(owner, receiver)
    page = owner.get(f"/notifications/history/{delivery.id}")
    path = f"/notifications/deliveries/{delivery.id}"
    assert calls_of(page) == [f"GET {path}"]
    html = page.content.decode()
    assert "<h1>Hook</h1>" in html and "Redeliver now" in html and "as attempt 2" in html
    assert f'data-copy-target="payload-{delivery.id}"' in html and "Copy payload" in html
    assert re.search(rf'<pre [^>]*id="payload-{delivery.id}"', html)
    assert f'id="delivery-id">{delivery.id}</code>' in html and 'data-copy-target="delivery-id"' in html
    assert "<template>" not in html  # the page has no row to refresh
    drawer = panel(owner, delivery)
    assert calls_of(drawer) == [f"GET {path}"]
    fragment = drawer.content.decode()
    assert fragment.lstrip().startswith('<section id="delivery-detail"') and "<html" not in fragment
    # in History's drawer, the row behind it follows the panel
    assert f'<td id="delivery-{delivery.id}-status" hx-swap-oob="true">' in fragment
    assert f'<td id="delivery-{delivery.id}-attempts" class="num" hx-swap-oob="true">' in fragment


def test_redeliver_sends_again_and_the_panel_polls_until_delivered(owner, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500, 204]
    delivery = failed_delivery(owner, receiver)
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs the new attempt after the answer
        response = panel(owner, delivery, verb="post")
        assert len(receiver.requests) == 1
    path = f"/notifications/deliveries/{delivery.id}"
    assert calls_of(response) == [f"POST {path}/redeliver", f"GET {path}"]
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="delivery-detail"')
    assert 'hx-trigger="every 3s"' in html and "Pending" in html  # in flight: the panel polls
    assert 'id="delivery-title" tabindex="-1" autofocus' in html  # the pressed button may go: focus the heading
    assert "Redelivering “notification.test” now" in html  # the toast, out of band
    assert len(receiver.requests) == 2
    done = panel(owner, delivery).content.decode()
    assert "hx-trigger" not in done and "Delivered" in done and "Redeliver now" not in done
    attempts = re.findall(r'<tr><td class="num">(\d)</td>.*?<td class="num">(\d+)</td><td>', done)
    assert attempts == [("1", "500"), ("2", "204")]
    # the same payload again (PostgreSQL's jsonb may order the stored payload's keys anew)
    assert json.loads(receiver.requests[0].body) == json.loads(receiver.requests[1].body)


def test_redeliver_without_javascript_comes_back_to_the_delivery_page(owner, receiver):
    delivery = failed_delivery(owner, receiver)
    response = owner.post(f"/notifications/history/{delivery.id}/redeliver")
    assert response.status_code == 302 and response["Location"] == f"/notifications/history/{delivery.id}"
    text = text_of(owner.get(response["Location"]))
    assert "Redelivering “notification.test” now" in text and "Pending" in text
    assert Delivery.objects.get(id=delivery.id).status == "pending"


def test_a_delivered_delivery_is_refused_in_place(owner, receiver):
    create_channel(owner, "webhook", name="Fine", url=receiver.url, header_count="0")
    owner.post(f"/notifications/channels/{channel_named('Fine').id}/test")
    delivery = Delivery.objects.get(status="delivered")
    assert "Redeliver now" not in owner.get(f"/notifications/history/{delivery.id}").content.decode()
    refused = panel(owner, delivery, verb="post")  # e.g. the page was older than the delivery
    assert refused.status_code == 422
    html = refused.content.decode()
    assert html.lstrip().startswith('<section id="delivery-detail"')
    assert form_alert_shown(html, "delivery-redeliver") and "A delivered delivery cannot be redelivered." in html
    refused = owner.post(f"/notifications/history/{delivery.id}/redeliver")  # without JavaScript: a message
    assert "Not redelivered. A delivered delivery cannot be redelivered." in text_of(owner.get(refused["Location"]))


def test_a_disabled_channel_says_how_to_redeliver(owner, receiver):
    delivery = failed_delivery(owner, receiver)
    owner.post(f"/notifications/channels/{delivery.channel_id}/enabled", {"enabled": "false"})
    html = owner.get(f"/notifications/history/{delivery.id}").content.decode()
    assert "Redeliver now" not in html and "The channel is disabled." in html and "to redeliver" in html
    refused = panel(owner, delivery, verb="post")
    assert refused.status_code == 422 and "The channel is disabled. Enable it to redeliver." in refused.content.decode()


def test_too_many_redeliveries_are_refused_in_place(owner, receiver):
    delivery = failed_delivery(owner, receiver)
    for _ in range(10):  # a pending delivery may be pushed again: 10 a minute per channel (§3.21.15)
        assert panel(owner, delivery, verb="post").status_code == 200
    refused = panel(owner, delivery, verb="post")
    assert refused.status_code == 422
    html = refused.content.decode()
    assert form_alert_shown(html, "delivery-redeliver") and re.search(
        r"Too many attempts\. Try again in \d+ second", html
    )


def test_who_may_look_and_who_may_redeliver(owner, receiver, cast, auditor):
    delivery = failed_delivery(owner, receiver)
    auditor_client = as_person(auditor)
    html = auditor_client.get(f"/notifications/history/{delivery.id}").content.decode()
    assert "Copy payload" in html and "Redeliver now" not in html  # views organization channels, manages none
    assert auditor_client.post(f"/notifications/history/{delivery.id}/redeliver").status_code == 403
    forbidden = panel(auditor_client, delivery, verb="post")
    assert forbidden.status_code == 403 and "console:message" in forbidden["HX-Trigger"]  # a toast, the panel stays
    member = as_person(cast.member)
    assert member.get(f"/notifications/history/{delivery.id}").status_code == 404
    assert member.post(f"/notifications/history/{delivery.id}/redeliver").status_code == 404
    assert owner.post("/notifications/history/AAAAAAAAAA/redeliver").status_code == 404
    assert Delivery.objects.get(id=delivery.id).status == "failed"


def test_a_team_admin_redelivers_their_teams_deliveries(cast, receiver, signed_in):
    teams.replace_roles(cast.team, cast.member.member, [directory.role("team_admin")])
    member = signed_in(cast.member)
    delivery = failed_delivery(member, receiver, owner=f"team:{cast.team.id}")
    member.get(f"/notifications/history/{delivery.id}")  # warm the session's role relations
    page = member.get(f"/notifications/history/{delivery.id}")
    # describe, then GET /me/teams: a team's channel is managed by the team's admins
    assert calls_of(page) == [f"GET /notifications/deliveries/{delivery.id}", "GET /me/teams"]
    assert "Redeliver now" in page.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_platform_down_while_looking_at_a_delivery(owner, receiver, htmx):
    delivery = failed_delivery(owner, receiver)
    headers = {**HTMX, "HX-Target": "delivery-detail"} if htmx else {}
    with faults(on(f"/notifications/deliveries/{delivery.id}", httpx.ConnectError("refused"))):
        response = owner.get(f"/notifications/history/{delivery.id}", headers=headers)
    assert response.status_code == 503 and ("<html" not in response.content.decode()) == htmx


def test_platform_down_on_redeliver_keeps_the_panel_and_says_so(owner, receiver):
    delivery = failed_delivery(owner, receiver)
    with faults(writes_fail):
        response = panel(owner, delivery, verb="post")
    assert response.status_code == 422
    html = response.content.decode()
    assert form_alert_shown(html, "delivery-redeliver") and "nothing was saved" in html
    path = f"/notifications/deliveries/{delivery.id}"
    assert calls_of(response) == [f"POST {path}/redeliver", f"GET {path}"]
    assert "Redeliver now" in html and Delivery.objects.get(id=delivery.id).status == "failed"
