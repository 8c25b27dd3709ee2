"""One attempt to deliver a payload to a channel, per channel type (contract §4.2, §4.3).

Every sender returns an `Outcome`; none raises for delivery problems. HTTP goes through the outbound guard
(localplatform/outbound.py), whose messages name the host only: never a URL path (a Slack webhook path is a
secret), credentials, nor anything that tells what a refused address runs.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from http import HTTPStatus

from django.core.mail import EmailMessage

from localplatform import outbound
from localplatform.identity.models import Member, TeamMember
from localplatform.notifications import catalog, logs
from localplatform.notifications.models import Channel

TIMEOUT_SECONDS = 10.0  # §4.2: an answer within 10 s, everything included
USER_AGENT = "LakeSail-Notifications/1"
PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue"
ROOTLY_URL = "https://api.rootly.com/v1/alerts"
RESOLVING_EVENTS = frozenset({"job_run.succeeded", "session.closed"})
SECRET_MISSING = "The channel's secret is missing: enter it again."


@dataclass
class Outcome:
    delivered: bool
    response_status: int | None
    message: str
    permanent: bool = False  # retrying cannot help until the channel's configuration changes


class NoRecipients(Exception):
    """An email channel whose target has no active recipient: the delivery is skipped (§4.4)."""


def body_bytes(payload: dict) -> bytes:
    """The WebhookPayload as compact UTF-8 JSON: exactly the bytes that are signed and sent."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def summary(payload: dict) -> str:
    """'<label>: <resource.name> — <status/statusMessage>' (§4.3)."""
    data = payload.get("data") or {}
    text = f"{catalog.label(payload['type'])}: {payload['resource']['name']}"
    detail = data.get("statusMessage") or data.get("message") or data.get("status")
    return f"{text} — {detail}" if detail else text


def send(
    channel: Channel, secrets: dict[str, str], delivery_id: str, payload: dict, *, timeout: float = TIMEOUT_SECONDS
) -> Outcome:
    """Deliver once, within `timeout` seconds; the caller records the outcome."""
    config = channel.config or {}
    if channel.type == Channel.EMAIL:
        return send_email(channel, payload)
    if channel.type == Channel.SLACK:
        if not secrets.get("webhookUrl"):
            return Outcome(False, None, SECRET_MISSING, permanent=True)
        return post(secrets["webhookUrl"], body_bytes({"text": summary(payload)}), timeout=timeout)
    if channel.type == Channel.WEBHOOK:
        body = body_bytes(payload)
        headers = {"LakeSail-Delivery-Id": delivery_id, "LakeSail-Event-Type": payload["type"]}
        if secrets.get("signingSecret"):
            headers["LakeSail-Signature"] = signature(secrets["signingSecret"], body)
        custom = config.get("headers") or {}
        return post(config.get("url"), body, headers, user_headers=custom, timeout=timeout)
    if channel.type == Channel.PAGER_DUTY:
        if not secrets.get("integrationKey"):
            return Outcome(False, None, SECRET_MISSING, permanent=True)
        event = {
            "routing_key": secrets["integrationKey"],
            "event_action": "resolve" if payload["type"] in RESOLVING_EVENTS else "trigger",
            "dedup_key": payload["resource"]["id"],
            "payload": {
                "summary": summary(payload)[:1024],
                "severity": config.get("severity", "error"),
                "source": "lakesail",
                "custom_details": payload.get("data") or {},
            },
        }
        return post(config.get("eventsUrl") or PAGERDUTY_URL, body_bytes(event), timeout=timeout)
    if channel.type == Channel.ROOTLY:
        if not secrets.get("token"):
            return Outcome(False, None, SECRET_MISSING, permanent=True)
        headers = {"Authorization": f"Bearer {secrets['token']}"}
        return post(config.get("alertSourceUrl") or ROOTLY_URL, body_bytes(payload), headers, timeout=timeout)
    return Outcome(False, None, "Unknown channel type.", permanent=True)


def post(url, body: bytes, headers: dict | None = None, *, user_headers: dict | None = None, timeout: float) -> Outcome:
    """POST through the outbound guard, no redirects; explain the answer, or why there is none, safely."""
    headers = {**(headers or {}), "Content-Type": "application/json", "User-Agent": USER_AGENT}
    try:
        with logs.sending():
            reply = outbound.post(url, content=body, headers=headers, user_headers=user_headers, timeout=timeout)
    except outbound.OutboundError as error:
        prefix = "The channel's configuration is not valid. " if isinstance(error, outbound.InvalidDestination) else ""
        return Outcome(False, None, prefix + error.message, permanent=error.permanent)
    status, host = reply.status, reply.where
    answer = f"HTTP {status} {reason_phrase(status)}".strip()
    if 200 <= status < 300:
        return Outcome(True, status, f"Delivered: {host} answered {answer}.")
    if 300 <= status < 400:
        return Outcome(False, status, f"{answer} from {host}: redirects are not followed.")
    return Outcome(False, status, f"{answer} from {host}.")


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# --- Email ---------------------------------------------------------------------------------------


def email_recipients(channel: Channel) -> list[str]:
    """The primary addresses of the target: the member if active, or the team's active explicit members."""
    target_member = channel.config.get("memberId")
    target_team = channel.config.get("teamId")
    if target_member:
        members = Member.objects.filter(
            id=target_member, organization_id=channel.organization_id, status=Member.ACTIVE
        ).select_related("user")
        return [m.user.email for m in members if m.user.is_active]
    if target_team:
        rows = TeamMember.objects.filter(
            team_id=target_team, team__organization_id=channel.organization_id, member__status=Member.ACTIVE
        ).select_related("member__user")
        return sorted({row.member.user.email for row in rows if row.member.user.is_active})
    return []


def email_text(payload: dict) -> str:
    lines = [summary(payload), ""]
    for key, value in (payload.get("data") or {}).items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else ("—" if value is None else value)
        lines.append(f"{key}: {shown}")
    lines += [
        "",
        f"Event: {payload['type']} ({payload['id']}) at {payload['occurredAt']}",
        f"Resource: {payload['resource']['type']} {payload['resource']['id']}",
    ]
    return "\n".join(lines) + "\n"


def send_email(channel: Channel, payload: dict) -> Outcome:
    recipients = email_recipients(channel)
    if not recipients:
        raise NoRecipients("The email channel's target has no active recipient.")
    subject = f"[LakeSail] {catalog.label(payload['type'])}: {payload['resource']['name']}"
    text = email_text(payload)
    sent = 0
    try:
        for address in recipients:  # one message per recipient (§4.3)
            sent += EmailMessage(subject=subject, body=text, to=[address]).send()
    except Exception as error:  # smtplib errors are OSError subclasses; other backends raise their own
        return Outcome(False, None, f"Mail not sent ({type(error).__name__}) after {sent} of {len(recipients)}.")
    noun = "recipient" if len(recipients) == 1 else "recipients"
    return Outcome(True, None, f"Mail sent to {len(recipients)} {noun}.")
