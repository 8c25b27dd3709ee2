"""Compute profiles, the API's workload configs (contract §3.20): the list query and the create/edit form.

The form is flat (one input per SailConfig value, environment variables as numbered rows: e0_name, e0_source...)
and builds the `config.sail` body; `field_for` puts the platform's errors ("config.sail.environment[1].name",
"config.sail.compute.worker") on the inputs they are about.
"""

import contextlib
import re
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError

from console.client.models.workloads import SailConfig
from console.forms.base import PlatformForm, set_choices
from console.forms.lists import ID, MarkerQuery

MODES = (("standalone", "Standalone: the driver alone"), ("cluster", "Cluster: a driver and a worker group"))
CAPACITY = (("on_demand", "On-demand"), ("spot", "Spot"))
SOURCES = (("literal", "Value"), ("secret", "Secret"))
BLANK_ROWS = 3  # empty environment rows offered below the existing ones (no JavaScript adds rows)
MAX_ROWS = 100  # the platform's limit on environment variables
# Instance types offered in the driver and worker fields: (type, vCPUs, memory GiB).
INSTANCE_SIZES = (("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16))
INSTANCE_TYPES: dict[str, tuple[int, int]] = {
    f"{family}.{size}": (vcpus, vcpus * per_vcpu)
    for family, per_vcpu in (("c8g", 2), ("m7g", 4), ("r7g", 8))
    for size, vcpus in INSTANCE_SIZES
}
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,127}$")
ENV_ROW = re.compile(r"^config\.sail\.environment\[(\d+)\](?:\.(\w+))?")
ENV_FIELDS = {"name": "name", "source": "source", "value": "value", "secretId": "secret"}


def instance_size(instance_type: str) -> str:
    """ "4 vCPU, 8 GiB" for an instance type we know, else ""."""
    known = INSTANCE_TYPES.get(instance_type)
    return f"{known[0]} vCPU, {known[1]} GiB" if known else ""


class ProfileQuery(MarkerQuery):
    """?teamId=…&marker=…: the platform keeps the profiles whose cluster that team may use."""

    teamId = forms.RegexField(regex=ID, required=False, label="Team")  # the URL says teamId, as the API does

    def __init__(self, data=None, teams=()):
        super().__init__(data)
        self.options["teamId"] = list(teams)

    def filters(self) -> dict:
        return {"team_id": self.value("teamId")}


class EnvRow:
    """The inputs of environment row `index`, for the template."""

    def __init__(self, form: forms.Form, index: int):
        self.form, self.index = form, index

    def __getitem__(self, key: str):
        return self.form[f"e{self.index}_{key}"]

    @property
    def errors(self) -> list[str]:
        return [e for key in ("name", "source", "value", "secret") for e in self[key].errors]


class ProfileForm(PlatformForm):
    """A compute profile. `editing`: the team and cluster are fixed, so they are not fields."""

    conflict_field = "name"
    conflict_message = "Another compute profile already has this name."
    wire_fields = {
        "teamId": "team_id",
        "clusterId": "cluster_id",
        "workloadType": None,
        "config.sail.executionMode": "execution_mode",
        "config.sail.maxRetries": "max_retries",
        "config.sail.compute.driver": "driver_instance_type",
        "config.sail.compute.worker.instanceType": "worker_instance_type",
        "config.sail.compute.worker.maxNodes": "worker_max_nodes",
        "config.sail.compute.worker.capacityType": "worker_capacity",
        "config.sail.compute.worker": "worker_instance_type",
        "config.sail.libraries": "libraries",
        "config.sail.settings": "settings",
        "config.sail.environment": None,
        "config": None,
    }

    name = forms.CharField(max_length=255, label="Name", widget=forms.TextInput(attrs={"autocomplete": "off"}))
    description = forms.CharField(
        required=False, max_length=2000, label="Description", widget=forms.Textarea(attrs={"rows": 2})
    )
    team_id = forms.ChoiceField(label="Team", help_text="The team that owns it; its members can use it.")
    cluster_id = forms.ChoiceField(label="Cluster", help_text="It must be linked to the team above.")
    execution_mode = forms.ChoiceField(label="Execution mode", choices=MODES, initial="standalone")
    driver_instance_type = forms.CharField(
        max_length=32,
        label="Driver instance type",
        initial="c8g.2xlarge",
        widget=forms.TextInput(attrs={"list": "instance-types", "autocomplete": "off", "spellcheck": "false"}),
        help_text="An EC2 type such as c8g.xlarge (compute), m7g.xlarge (general) or r7g.xlarge (memory).",
    )
    worker_instance_type = forms.CharField(
        required=False,
        max_length=32,
        label="Worker instance type",
        widget=forms.TextInput(attrs={"list": "instance-types", "autocomplete": "off", "spellcheck": "false"}),
    )
    worker_max_nodes = forms.IntegerField(required=False, min_value=1, max_value=1000, initial=2, label="Max nodes")
    worker_capacity = forms.ChoiceField(choices=CAPACITY, initial="on_demand", label="Capacity")
    max_retries = forms.IntegerField(
        min_value=0, max_value=10, initial=3, label="Max retries", help_text="How often a failed start is retried."
    )
    libraries = forms.CharField(
        required=False,
        label="Python libraries",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "class": "font-monospace"}),
        help_text="One pip requirement per line, e.g. pandas==2.2.3.",
    )
    settings = forms.CharField(
        required=False,
        label="Spark and Sail settings",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "class": "font-monospace"}),
        help_text="One key=value per line, e.g. spark.sql.shuffle.partitions=64.",
    )
    env_rows = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ROWS + BLANK_ROWS)

    def __init__(
        self,
        *args,
        teams: Sequence[tuple[str, str]] = (),
        clusters: Sequence[tuple[str, str]] = (),
        secrets: Sequence[tuple[str, str]] = (),
        rows: int = BLANK_ROWS,
        editing: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["team_id"], self.fields["cluster_id"]
        else:
            set_choices(self.fields["team_id"], [("", "Choose a team"), *teams])
            set_choices(self.fields["cluster_id"], [("", "Choose a cluster"), *clusters])
        if self.is_bound:  # as many rows as were sent
            with contextlib.suppress(TypeError, ValueError):
                rows = int(self.data.get("env_rows", rows))
        self.row_count = max(0, min(rows, MAX_ROWS + BLANK_ROWS))
        self.fields["env_rows"].initial = self.row_count
        secret_choices = [("", "Choose a secret"), *secrets]
        for index in range(self.row_count):
            self.fields[f"e{index}_name"] = forms.CharField(required=False, max_length=128, label="Name")
            self.fields[f"e{index}_source"] = forms.ChoiceField(choices=SOURCES, initial="literal", label="Source")
            self.fields[f"e{index}_value"] = forms.CharField(required=False, max_length=65536, label="Value")
            self.fields[f"e{index}_secret"] = forms.ChoiceField(required=False, choices=secret_choices, label="Secret")
        self.sent: list[int] = []  # the environment rows sent, in order: wire index -> row

    @classmethod
    def initial_of(cls, sail: SailConfig) -> dict:
        """The form's initial values from a stored config (editing)."""
        worker = sail.compute.worker
        initial = {
            "execution_mode": sail.execution_mode,
            "max_retries": sail.max_retries,
            "driver_instance_type": sail.compute.driver.instance_type,
            "worker_instance_type": worker.instance_type if worker else "",
            "worker_max_nodes": worker.max_nodes if worker else 2,
            "worker_capacity": worker.capacity_type if worker else "on_demand",
            "libraries": "\n".join(sail.libraries.python),
            "settings": "\n".join(f"{key}={value}" for key, value in sail.settings.items()),
        }
        for index, var in enumerate(sail.environment):
            initial[f"e{index}_name"] = var.name
            initial[f"e{index}_source"] = var.source
            initial[f"e{index}_value"] = var.value or ""
            initial[f"e{index}_secret"] = var.secret_id or ""
        return initial

    @property
    def env(self) -> list[EnvRow]:
        return [EnvRow(self, index) for index in range(self.row_count)]

    def clean_libraries(self) -> list[str]:
        lines = (line.strip() for line in self.cleaned_data["libraries"].splitlines())
        return [line for line in lines if line and not line.startswith("#")]

    def clean_settings(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["settings"].splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise ValidationError(f"Line {number} is not key=value: {line[:60]}")
            found[key.strip()] = value.strip()
        return found

    def clean(self):
        data = super().clean()
        if data.get("execution_mode") == "cluster":
            if not data.get("worker_instance_type"):
                self.add_error("worker_instance_type", "Cluster mode needs a worker instance type.")
            if not data.get("worker_max_nodes"):
                self.add_error("worker_max_nodes", "Cluster mode needs a maximum number of workers.")
        for index in range(self.row_count):
            name = data.get(f"e{index}_name")
            if name and not ENV_NAME.match(name):
                self.add_error(f"e{index}_name", "Use upper-case letters, digits and underscores; not a digit first.")
            elif data.get(f"e{index}_source") == "secret" and name and not data.get(f"e{index}_secret"):
                self.add_error(f"e{index}_secret", "Choose the secret this variable takes its value from.")
            elif not name and (data.get(f"e{index}_value") or data.get(f"e{index}_secret")):
                self.add_error(f"e{index}_name", "Name this variable, or clear its row.")
        return data

    def sail(self, base: SailConfig | None = None) -> dict:
        """The `config.sail` to send; `base` (editing) keeps what the form does not show (disk settings)."""
        data = self.cleaned_data
        driver = {"instanceType": data["driver_instance_type"].strip()}
        if base:
            driver["ebsConfig"] = base.compute.driver.ebs_config.model_dump(by_alias=True)
        worker = None
        if data["execution_mode"] == "cluster":
            worker = {
                "instanceType": data["worker_instance_type"].strip(),
                "maxNodes": data["worker_max_nodes"],
                "capacityType": data["worker_capacity"],
            }
            if base and base.compute.worker:
                worker["ebsConfig"] = base.compute.worker.ebs_config.model_dump(by_alias=True)
        environment = []
        self.sent = []
        for index in range(self.row_count):
            name = data.get(f"e{index}_name")
            if not name:
                continue
            if data[f"e{index}_source"] == "secret":
                environment.append({"name": name, "source": "secret", "secretId": data[f"e{index}_secret"]})
            else:
                environment.append({"name": name, "source": "literal", "value": data[f"e{index}_value"]})
            self.sent.append(index)
        return {
            "executionMode": data["execution_mode"],
            "maxRetries": data["max_retries"],
            "compute": {"driver": driver, "worker": worker},
            "libraries": {"python": data["libraries"]},
            "environment": environment,
            "settings": data["settings"],
        }

    def field_for(self, path: str) -> str | None:
        """config.sail.environment[1].name -> the name input of the row sent second."""
        found = ENV_ROW.match(path)
        if not found:
            return super().field_for(path)
        position, key = int(found[1]), found[2] or "name"
        if position >= len(self.sent) or key not in ENV_FIELDS:
            return None
        return f"e{self.sent[position]}_{ENV_FIELDS[key]}"
