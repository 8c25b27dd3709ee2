"""Notebooks and sessions (contract §3.18, §3.19): list queries, the new-notebook and new-session forms."""

from django import forms

from console.forms.base import PlatformForm
from console.forms.lists import ListQuery, MarkerQuery

TIMEOUTS = (
    (300, "5 minutes"),
    (900, "15 minutes"),
    (1800, "30 minutes"),
    (3600, "1 hour"),
    (7200, "2 hours"),
    (14400, "4 hours"),
    (28800, "8 hours"),
    (86400, "24 hours"),
)
SESSION_STATUSES = (("pending", "Pending"), ("active", "Active"), ("idle", "Idle"), ("closed", "Closed"),
                    ("failed", "Failed"))  # fmt: skip
ENDPOINTS = (("spark_connect", "Spark Connect"), ("marimo", "Notebook (Marimo)"))


class NotebookQuery(ListQuery):
    searchable = False
    page_size = 50


class SessionQuery(MarkerQuery):
    team = forms.CharField(required=False, max_length=20, label="Team")  # choices learned from the platform: options
    endpoint = forms.ChoiceField(required=False, label="Type", choices=ENDPOINTS)
    status = forms.ChoiceField(required=False, label="Status", choices=SESSION_STATUSES)

    def __init__(self, data=None, teams=()):
        super().__init__(data)
        self.options["team"] = list(teams)

    def filters(self) -> dict:
        return {"team_id": self.value("team"), "endpoint_type": self.value("endpoint"), "status": self.value("status")}


class NotebookForm(PlatformForm):
    """A new notebook: its compute profile, who it is shared with, and when it stops by itself."""

    conflict_field = "name"
    conflict_message = "You already have a notebook with this name."
    wire_fields = {
        "workloadConfigId": "workload_config_id",
        "teamIds": "team_ids",
        "idleTimeoutSeconds": "idle_timeout_seconds",
        "detachedTimeoutSeconds": "detached_timeout_seconds",
    }

    name = forms.CharField(max_length=255, label="Name", widget=forms.TextInput(attrs={"autocomplete": "off"}))
    description = forms.CharField(required=False, max_length=2000, label="Description", widget=forms.Textarea(
        attrs={"rows": 2}))  # fmt: skip
    workload_config_id = forms.ChoiceField(
        label="Compute profile", help_text="Where it runs and with what: the driver size, environment and secrets."
    )
    team_ids = forms.MultipleChoiceField(
        required=False,
        label="Share with teams",
        widget=forms.CheckboxSelectMultiple,
        help_text="Members of these teams can open it; those who may manage notebooks there can start and stop it.",
    )
    idle_timeout_seconds = forms.TypedChoiceField(
        label="Stop when idle for", choices=TIMEOUTS, coerce=int, initial=3600,
        help_text="Idle: nobody has it open and no Spark query ran in the last 5 minutes.",
    )  # fmt: skip
    detached_timeout_seconds = forms.TypedChoiceField(
        label="Stop when left computing for", choices=TIMEOUTS, coerce=int, initial=14400,
        help_text="Detached: nobody has it open but its Spark queries are still running.",
    )  # fmt: skip

    def __init__(self, *args, profiles=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workload_config_id"].choices = [("", "Choose a compute profile"), *profiles]
        self.fields["team_ids"].choices = list(teams)


class SessionForm(PlatformForm):
    """A new Spark Connect session on a compute profile of one team."""

    wire_fields = {"workloadConfigId": "workload_config_id", "teamId": "workload_config_id",
                   "idleTimeoutSeconds": "idle_timeout_seconds"}  # fmt: skip

    workload_config_id = forms.ChoiceField(label="Compute profile", help_text="The session runs in its team.")
    name = forms.CharField(required=False, max_length=255, label="Name", help_text="Leave empty for a dated name.",
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))  # fmt: skip
    idle_timeout_seconds = forms.TypedChoiceField(
        label="Close when idle for", choices=TIMEOUTS, coerce=int, initial=1800,
        help_text="Idle: no Spark request for 5 minutes.",
    )  # fmt: skip

    def __init__(self, *args, profiles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workload_config_id"].choices = [("", "Choose a compute profile"), *profiles]
