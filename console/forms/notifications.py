"""Notification forms: the lists' queries, row actions, channel fields per type with write-only secrets (rules.py:
the rule form)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.utils import ErrorDict

from console.client.models.notifications import CHANNEL_TYPES, Channel
from console.forms.base import PlatformForm, set_choices
from console.forms.lists import ID, MarkerQuery

SEVERITIES = [("critical", "Critical"), ("error", "Error"), ("warning", "Warning"), ("info", "Info")]
MAX_HEADERS = 20
TYPE_FIELDS = {
    "email": ["email_target"],
    "slack": ["webhook_url"],
    "webhook": ["url", "signing_secret", "remove_signing_secret"],
    "pager_duty": ["integration_key", "severity", "events_url"],
    "rootly": ["token", "alert_source_url"],
}
DELIVERY_STATUSES = ("pending", "delivering", "delivered", "failed", "skipped")


class DeliveryQuery(MarkerQuery):
    """History: ?channel=…&rule=…&status=failed&marker=…; the channel and rule names come from the platform."""

    channel = forms.RegexField(regex=ID, required=False, label="Channel")
    rule = forms.RegexField(regex=ID, required=False, label="Rule")
    status = forms.ChoiceField(
        required=False, label="Status", choices=[(value, value.capitalize()) for value in DELIVERY_STATUSES]
    )

    def filters(self) -> dict[str, Any]:
        return {"channel_id": self.value("channel"), "rule_id": self.value("rule"), "status": self.value("status")}


class EnabledForm(PlatformForm):
    """A row's switch (enable or disable a channel or rule); a refusal is shown at the row."""

    enabled = forms.BooleanField(required=False)


def owner_field(noun: str) -> forms.ChoiceField:
    """Who owns a new channel or rule: the organization, a team the caller manages, or the caller."""
    return forms.ChoiceField(
        label="Owner",
        help_text=f"Who manages this {noun}. It cannot change later.",
        error_messages={"required": f"Choose who owns the {noun}."},
    )


def ownership(owner: str) -> dict[str, str]:
    """A create body's owner fields for an owner choice: "org" (none), "team:<id>" or "member:<id>"."""
    kind, _, owner_id = owner.partition(":")
    return {"team": {"teamId": owner_id}, "member": {"memberId": owner_id}}.get(kind, {})


class NotificationForm(PlatformForm):
    """A long form (its errors are also listed at the top: components/error_summary.html); some presses ("Add
    header", "Find") re-render it as typed without saving or judging anything (`refreshing`)."""

    refreshing = False

    def full_clean(self):
        if self.refreshing:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()


@dataclass(frozen=True)
class HeaderRow:
    index: int
    name: str
    value: str
    focus: bool = False  # the row just added: its name field takes the focus


class ChannelForm(NotificationForm):
    """Create or edit one channel; only the fields of `channel_type` exist on an instance."""

    # The platform's fieldErrors (§1.6) on the request body; "name" and "enabled" need no entry.
    wire_fields = {
        "teamId": "owner",
        "memberId": "owner",
        "config": None,
        "config.memberId": "email_target",
        "config.teamId": "email_target",
        "config.webhookUrl": "webhook_url",
        "config.url": "url",
        "config.signingSecret": "signing_secret",
        "config.headers": None,  # the header rows are not one field: their errors show above the form
        "config.integrationKey": "integration_key",
        "config.severity": "severity",
        "config.eventsUrl": "events_url",
        "config.token": "token",
        "config.alertSourceUrl": "alert_source_url",
    }
    conflict_field = "name"
    max_headers = MAX_HEADERS
    header_removed = False

    name = forms.CharField(max_length=255, error_messages={"required": "Give the channel a name."})
    owner = owner_field("channel")
    enabled = forms.BooleanField(required=False, initial=True, label="Enabled")
    email_target = forms.ChoiceField(
        label="Send to",
        help_text="One member, or every member of one team.",
        error_messages={"required": "Choose who receives the mail."},
    )
    webhook_url = forms.CharField(
        label="Slack webhook URL",
        max_length=2048,
        help_text="An incoming-webhook URL from your Slack app.",
        error_messages={"required": "Paste the incoming-webhook URL from your Slack app."},
    )
    url = forms.CharField(
        label="URL",
        max_length=2048,
        help_text="We POST each event here as JSON.",
        error_messages={"required": "Enter the URL to send events to."},
    )
    signing_secret = forms.CharField(
        label="Signing secret",
        required=False,
        min_length=16,
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="16 to 256 characters. Requests then carry LakeSail-Signature: sha256=<HMAC of the body>.",
    )
    remove_signing_secret = forms.BooleanField(required=False, label="Remove the signing secret")
    integration_key = forms.CharField(
        label="Integration key",
        min_length=32,
        max_length=32,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="The 32-character Events API v2 key of your PagerDuty service.",
        error_messages={"required": "Paste the integration key of your PagerDuty service."},
    )
    severity = forms.ChoiceField(choices=SEVERITIES, initial="error")
    events_url = forms.CharField(
        label="Endpoint override", required=False, max_length=2048, help_text="Leave empty for PagerDuty's own."
    )
    token = forms.CharField(
        label="Token",
        max_length=512,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="A Rootly API token allowed to create alerts.",
        error_messages={"required": "Paste a Rootly API token."},
    )
    alert_source_url = forms.CharField(
        label="Alert source URL", required=False, max_length=2048, help_text="Leave empty for Rootly's default."
    )

    def __init__(
        self,
        *args,
        channel_type: str,
        owners: list[tuple[str, str]],
        targets: list[tuple[str, list[tuple[str, str]]]] | None = None,
        channel: Channel | None = None,
        **kwargs,
    ):
        if channel is not None and not kwargs.get("data"):
            kwargs["initial"] = initial_of(channel)
        super().__init__(*args, **kwargs)
        self.channel_type = channel_type
        self.channel = channel
        keep = {"name", "owner", "enabled", *TYPE_FIELDS[channel_type]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        set_choices(self.fields["owner"], owners)
        if channel is not None:
            self.fields["owner"].disabled = True
            set_choices(self.fields["owner"], [(channel.owner_key, dict(owners).get(channel.owner_key, "Owner"))])
            self.fields["owner"].help_text = "Ownership is fixed when a channel is created."
            self._secrets_are_optional(channel)
        elif channel_type == "webhook":
            del self.fields["remove_signing_secret"]
        if "email_target" in self.fields:
            set_choices(self.fields["email_target"], [("", "Choose a member or a team"), *(targets or [])])
        self.header_rows = self._header_rows(channel)

    @property
    def type_label(self) -> str:
        return CHANNEL_TYPES[self.channel_type][0]

    def _secrets_are_optional(self, channel: Channel) -> None:
        """On edit a write-only secret left empty keeps its stored value; say what is stored."""
        config = channel.config
        if "signing_secret" in self.fields:
            state = "set" if config.signing_secret_set else "not set"
            self.fields["signing_secret"].help_text = f"Currently {state}. Type a new one to replace it."
            self.fields["signing_secret"].label = "New signing secret"
            if not config.signing_secret_set:
                del self.fields["remove_signing_secret"]
        if "webhook_url" in self.fields:
            self.fields["webhook_url"].required = False
            masked = config.webhook_url or "a Slack URL"
            self.fields["webhook_url"].help_text = f"Stored as {masked}. Leave empty to keep it."
            self.fields["webhook_url"].label = "New Slack webhook URL"
        if "integration_key" in self.fields:
            self.fields["integration_key"].required = False
            last4 = config.integration_key_last4 or "????"
            self.fields["integration_key"].help_text = f"Stored key ends in …{last4}. Leave empty to keep it."
        if "token" in self.fields:
            self.fields["token"].required = False
            last4 = config.token_last4 or "????"
            self.fields["token"].help_text = f"Stored token ends in …{last4}. Leave empty to keep it."

    def _header_rows(self, channel: Channel | None) -> list[HeaderRow]:
        """The typed rows (header_count of them), else the stored headers, else one empty row."""
        if self.channel_type != "webhook":
            return []
        if self.is_bound:
            count = min(as_int(self.data.get("header_count")), MAX_HEADERS)
            pairs = [
                (self.data.get(f"header_name_{i}", ""), self.data.get(f"header_value_{i}", "")) for i in range(count)
            ]
        else:
            pairs = list((channel.config.headers if channel else {}).items()) or [("", "")]
        return [HeaderRow(i, name, value) for i, (name, value) in enumerate(pairs)]

    def edit_headers(self, action: str) -> None:
        """ "add_header" or "remove_header:N": change the rows as typed, and save (and judge) nothing yet."""
        self.refreshing = True
        pairs = [(row.name, row.value) for row in self.header_rows]
        index = as_int(action.removeprefix("remove_header:")) if action.startswith("remove_header:") else None
        if index is not None and index < len(pairs):
            del pairs[index]
        elif action == "add_header" and len(pairs) < MAX_HEADERS:
            pairs.append(("", ""))
        self.header_removed = index is not None  # the focus goes to "Add header", the pressed button is gone
        added = len(pairs) - 1 if action == "add_header" else None
        self.header_rows = [HeaderRow(i, name, value, i == added) for i, (name, value) in enumerate(pairs)]
        if self.data.get("signing_secret") and "signing_secret" in self.fields:
            self.fields["signing_secret"].help_text = "Type the secret again: a secret is never sent back to the page."

    def clean(self):
        cleaned = super().clean()
        if self.channel_type == "webhook":
            headers = {}
            for row in self.header_rows:
                key, value = row.name.strip(), row.value
                if key:
                    headers[key] = value
                elif value.strip():
                    self.add_error(None, "Each header with a value needs a name.")
            cleaned["headers"] = headers
        return cleaned

    def to_body(self) -> dict[str, Any]:
        """The POST (create) or PATCH (edit) body."""
        data = self.cleaned_data
        config = self._config(data)
        body: dict[str, Any] = {"name": data["name"], "enabled": bool(data.get("enabled")), "config": config}
        if self.channel is None:
            body |= {"type": self.channel_type, **ownership(data["owner"])}
        return body

    def _config(self, data) -> dict[str, Any]:
        kind = self.channel_type
        if kind == "email":
            target_kind, _, target_id = data["email_target"].partition(":")
            return {
                "memberId": target_id if target_kind == "member" else None,
                "teamId": target_id if target_kind == "team" else None,
            }
        if kind == "slack":
            return {"webhookUrl": data["webhook_url"].strip()} if data.get("webhook_url") else {}
        if kind == "webhook":
            config: dict[str, Any] = {"url": data["url"].strip(), "headers": data.get("headers", {})}
            if data.get("remove_signing_secret"):
                config["signingSecret"] = None
            elif data.get("signing_secret"):
                config["signingSecret"] = data["signing_secret"]
            return config
        if kind == "pager_duty":
            config = {"severity": data["severity"], "eventsUrl": data.get("events_url") or None}
            if data.get("integration_key"):
                config["integrationKey"] = data["integration_key"]
            return config
        config = {"alertSourceUrl": data.get("alert_source_url") or None}
        if data.get("token"):
            config["token"] = data["token"]
        return config


def initial_of(channel: Channel) -> dict[str, Any]:
    """Form values of a stored channel; write-only secrets are never among them."""
    config = channel.config
    target = f"member:{config.member_id}" if config.member_id else f"team:{config.team_id}" if config.team_id else ""
    return {
        "name": channel.name,
        "owner": channel.owner_key,
        "enabled": channel.enabled,
        "email_target": target,
        "url": config.url or "",
        "severity": config.severity or "error",
        "events_url": config.events_url or "",
        "alert_source_url": config.alert_source_url or "",
        # The Slack URL comes back masked ("…/services/…"); the user re-enters it to change it.
        "webhook_url": "",
    }


def as_int(value: Any) -> int:
    """A non-negative whole number from a form value, 0 when it is not one."""
    text = str(value or "")
    return int(text) if text.isdigit() else 0
