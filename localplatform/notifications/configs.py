"""Channel configurations (contract §2.7 ChannelConfig): one typed model per channel type.

A model validates and normalises what a client sends (each problem a `config.<field>` field error),
splits the result into the public part kept in Channel.config and the write-only secret (encrypted,
crypto.py), and masks the public part for callers who may view the channel but not manage it.
Destination URLs and custom headers follow the outbound guard (localplatform/outbound.py).
"""

from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from localplatform import outbound
from localplatform.errors import invalid
from localplatform.identity.models import Member, Organization, Team, TeamMember
from localplatform.ids import is_valid_id

SLACK_PREFIX = "https://hooks.slack.com/services/"
# Set by the webhook sender itself (§4.2): custom headers may not override them.
RESERVED_HEADERS = frozenset({"content-type", "user-agent", "lakesail-delivery-id", "lakesail-event-type"})
HIDDEN = "…"


def refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("config", message)


def strip_spaces(value: Any) -> Any:
    return value.strip(" ") if isinstance(value, str) else value


def destination(value: str) -> str:
    try:
        return outbound.check_url(value)
    except outbound.OutboundError as error:
        raise refuse(error.message) from None


def slack_only(value: str) -> str:
    if not outbound.local_mode() and not value.startswith(SLACK_PREFIX):
        raise refuse(f"Enter a Slack incoming-webhook URL ({SLACK_PREFIX}…).")
    return value


def an_id(value: str) -> str:
    if not is_valid_id(value):
        raise refuse("Enter a valid id.")
    return value


def header_name(name: str) -> str:
    lower = name.lower()
    if lower in RESERVED_HEADERS or lower.startswith("lakesail-"):
        raise refuse("This header is set by LakeSail and cannot be overridden.")
    problem = outbound.header_name_problem(name)
    if problem:
        raise refuse(problem)
    return name


def header_value(value: str) -> str:
    problem = outbound.header_value_problem(value)
    if problem:
        raise refuse(problem)
    return value


def printable(low: int, high: int, what: str):
    """A check for a secret that is sent in a header or shown in part: printable ASCII, low..high long."""

    def check(value: str) -> str:
        if not low <= len(value) <= high or not all(" " < char <= "~" for char in value):
            raise refuse(f"Enter {what} of {low} to {high} printable ASCII characters.")
        return value

    return check


Url = Annotated[str, BeforeValidator(strip_spaces), AfterValidator(destination)]
SlackUrl = Annotated[str, BeforeValidator(strip_spaces), AfterValidator(slack_only), AfterValidator(destination)]
Id = Annotated[str, AfterValidator(an_id)]
HeaderName = Annotated[str, AfterValidator(header_name)]
HeaderValue = Annotated[str, AfterValidator(header_value)]


def redact_url(url: Any) -> Any:
    """scheme://host[:port]/… : the origin only, without credentials, path or query."""
    if not isinstance(url, str):
        return url
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return HIDDEN
    shown = f"[{host}]" if ":" in host else host
    origin = f"{parts.scheme}://{shown}" + (f":{port}" if port else "")
    return origin + "/" + HIDDEN if (parts.path not in ("", "/") or parts.query or parts.fragment) else origin


class ChannelConfig(BaseModel):
    """What every channel type's configuration has in common."""

    model_config = ConfigDict(extra="forbid")
    secret: ClassVar[str | None] = None  # the write-only field, kept when an update omits it (§3.21.6)

    def split(self) -> tuple[dict, dict[str, str]]:
        """(the public config as stored and shown to managers, the secrets to encrypt)."""
        raise NotImplementedError

    @staticmethod
    def masked(public: dict) -> dict:
        """The public config as shown to those who may view but not manage the channel."""
        return dict(public)


class EmailConfig(ChannelConfig):
    memberId: Id | None = None
    teamId: Id | None = None

    @model_validator(mode="after")
    def one_target(self, info: ValidationInfo) -> "EmailConfig":
        owner_member = (info.context or {}).get("member_id")
        if owner_member and self.memberId is None and self.teamId is None:
            self.memberId = owner_member  # a personal email channel notifies its member (§3.21.3)
        if (self.memberId is None) == (self.teamId is None):
            raise refuse("Choose exactly one target: a member (config.memberId) or a team (config.teamId).")
        return self

    def target_errors(self, organization: Organization, team_id: str | None, member_id: str | None) -> dict:
        """Email targets by ownership (§3.21): org-owned any member or team; team-owned its team or one of
        its members; member-owned only its own member."""
        if self.memberId is not None:
            if not Member.objects.filter(id=self.memberId, organization=organization).exists():
                return {"config.memberId": "No such member in this organization."}
            if member_id and self.memberId != member_id:
                return {"config.memberId": "A personal email channel can only notify its own member."}
            if team_id and not TeamMember.objects.filter(team_id=team_id, member_id=self.memberId).exists():
                return {"config.memberId": "A team's email channel can only notify the team or one of its members."}
            return {}
        if not Team.objects.filter(id=self.teamId, organization=organization).exists():
            return {"config.teamId": "No such team in this organization."}
        if member_id:
            return {"config.teamId": "A personal email channel can only notify its own member."}
        if team_id and self.teamId != team_id:
            return {"config.teamId": "A team's email channel can only notify its own team."}
        return {}

    def split(self) -> tuple[dict, dict[str, str]]:
        return {"memberId": self.memberId, "teamId": self.teamId}, {}


def mask_slack(url: str) -> str:
    """Everything after '/services/' (Slack's secret path) becomes '…'; other URLs keep only their origin."""
    if "/services/" in url:
        return url.split("/services/", 1)[0] + "/services/" + HIDDEN
    return redact_url(url)


class SlackConfig(ChannelConfig):
    secret = "webhookUrl"
    webhookUrl: SlackUrl

    def split(self) -> tuple[dict, dict[str, str]]:
        return {"webhookUrl": mask_slack(self.webhookUrl)}, {"webhookUrl": self.webhookUrl}

    @staticmethod
    def masked(public: dict) -> dict:
        return {"webhookUrl": redact_url(public.get("webhookUrl"))}


class WebhookConfig(ChannelConfig):
    secret = "signingSecret"
    url: Url
    signingSecret: Annotated[str, Field(min_length=16, max_length=256)] | None = None
    headers: Annotated[dict[HeaderName, HeaderValue], BeforeValidator(lambda v: {} if v is None else v)] = Field(
        default_factory=dict, max_length=50
    )

    def split(self) -> tuple[dict, dict[str, str]]:
        secrets = {"signingSecret": self.signingSecret} if self.signingSecret else {}
        return {"url": self.url, "signingSecretSet": bool(self.signingSecret), "headers": dict(self.headers)}, secrets

    @staticmethod
    def masked(public: dict) -> dict:
        headers = public.get("headers")
        hidden = {name: HIDDEN for name in headers} if isinstance(headers, dict) else {}
        return {**public, "url": redact_url(public.get("url")), "headers": hidden}


class PagerDutyConfig(ChannelConfig):
    secret = "integrationKey"
    integrationKey: Annotated[str, AfterValidator(printable(32, 32, "the integration key"))]
    severity: Literal["critical", "error", "warning", "info"]
    eventsUrl: Url | None = None

    def split(self) -> tuple[dict, dict[str, str]]:
        public = {
            "integrationKeyLast4": self.integrationKey[-4:],
            "severity": self.severity,
            "eventsUrl": self.eventsUrl,
        }
        return public, {"integrationKey": self.integrationKey}

    @staticmethod
    def masked(public: dict) -> dict:
        return {**public, "eventsUrl": redact_url(public.get("eventsUrl"))}


class RootlyConfig(ChannelConfig):
    secret = "token"
    token: Annotated[str, AfterValidator(printable(1, 512, "a token"))]
    alertSourceUrl: Url | None = None

    def split(self) -> tuple[dict, dict[str, str]]:
        return {"tokenLast4": self.token[-4:], "alertSourceUrl": self.alertSourceUrl}, {"token": self.token}

    @staticmethod
    def masked(public: dict) -> dict:
        return {**public, "alertSourceUrl": redact_url(public.get("alertSourceUrl"))}


MODELS: dict[str, type[ChannelConfig]] = {
    "email": EmailConfig,
    "slack": SlackConfig,
    "webhook": WebhookConfig,
    "pager_duty": PagerDutyConfig,
    "rootly": RootlyConfig,
}


def validate(type_: str, raw: Any, stored_secrets: dict[str, str], member_id: str | None) -> ChannelConfig:
    """The typed config for a channel type; 422 with `config.*` field errors.

    The stored secret stands in for an omitted write-only field; `member_id` is a personal channel's owner.
    """
    model = MODELS[type_]
    if not isinstance(raw, dict):
        raise invalid({"config": "Send an object."})
    data = dict(raw)
    if model.secret and model.secret not in data and model.secret in stored_secrets:
        data[model.secret] = stored_secrets[model.secret]
    try:
        return model.model_validate(data, context={"member_id": member_id})
    except ValidationError as error:
        raise invalid(field_errors(error)) from None


def field_errors(error: ValidationError) -> dict[str, str]:
    """pydantic's errors as `config.<path>` field errors: `config.headers.X-Env`, `config.token`."""
    result: dict[str, str] = {}
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"] if part != "[key]")
        message = {"missing": "required", "extra_forbidden": "unknown field"}.get(item["type"], item["msg"])
        result.setdefault(f"config.{path}" if path else "config", message)
    return result


def masked(type_: str, public: dict) -> dict:
    """The public config of a channel type as read-only viewers see it."""
    return MODELS.get(type_, ChannelConfig).masked(public)
