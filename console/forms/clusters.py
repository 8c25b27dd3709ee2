"""Clusters (contract §3.5): the list query, the create form with its node groups, updates and team access."""

import re

from django import forms

from console.forms.base import PlatformForm, set_choices
from console.forms.lists import MarkerQuery

VERSIONS = (("1.31", "1.31 (latest)"), ("1.30", "1.30"), ("1.29", "1.29"))
CAPACITY = (("on_demand", "On-demand"), ("spot", "Spot"))
NODE_GROUP = re.compile(r"^nodeGroups\[(\d+)\](?:\.(\w+))?")
# The rows of the node-group table: the management group, the default compute group, and one more to add.
ROWS = (
    {"name": "management", "role": "management", "instance": "m7g.large", "min": 2, "desired": 2, "max": 3,
     "capacity": "on_demand"},
    {"name": "compute", "role": "compute", "instance": "c8g.2xlarge", "min": 0, "desired": 0, "max": 10,
     "capacity": "spot"},
    {"name": "", "role": "compute", "instance": "", "min": 0, "desired": 0, "max": 4, "capacity": "spot"},
)  # fmt: skip
FIELDS = {"name": "name", "instanceTypes": "instance", "minSize": "min", "desiredSize": "desired",
          "maxSize": "max", "capacityType": "capacity"}  # fmt: skip


class ClusterQuery(MarkerQuery):
    page_size = 50


class NodeGroupFields:
    """Field names of node-group row `index`: g0_name, g0_instance, ..."""

    def __init__(self, form: forms.Form, index: int):
        self.index, self.form = index, form
        self.role = ROWS[index]["role"]

    def __getitem__(self, key: str):
        return self.form[f"g{self.index}_{key}"]

    @property
    def title(self) -> str:
        return ("Management group", "Compute group", "Another compute group")[self.index]

    @property
    def optional(self) -> bool:
        return self.index == len(ROWS) - 1


class ClusterForm(PlatformForm):
    """A cluster in an active network: name, version, node groups, and the teams that may use it."""

    conflict_field = "name"
    conflict_message = "Another cluster already has this name."
    wire_fields = {"networkId": "network_id", "teamIds": "team_ids", "kubernetesVersion": "kubernetes_version"}

    name = forms.CharField(max_length=255, label="Name", widget=forms.TextInput(attrs={"autocomplete": "off"}))
    network_id = forms.ChoiceField(label="Network", help_text="Active networks only; the cluster takes its region.")
    kubernetes_version = forms.ChoiceField(label="Kubernetes version", choices=VERSIONS, initial="1.31")
    team_ids = forms.MultipleChoiceField(
        required=False,
        label="Teams that may use it",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, networks: list[tuple[str, str]], teams: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["network_id"], networks)
        set_choices(self.fields["team_ids"], teams)
        for index, row in enumerate(ROWS):
            last = index == len(ROWS) - 1
            self.fields[f"g{index}_name"] = forms.CharField(
                max_length=63, required=not last, initial=row["name"], label="Name"
            )
            self.fields[f"g{index}_instance"] = forms.CharField(
                max_length=32, required=False, initial=row["instance"], label="Instance type"
            )
            for key in ("min", "desired", "max"):
                self.fields[f"g{index}_{key}"] = forms.IntegerField(
                    min_value=0, max_value=1000, initial=row[key], label=key.capitalize()
                )
            self.fields[f"g{index}_capacity"] = forms.ChoiceField(
                choices=CAPACITY, initial=row["capacity"], label="Capacity"
            )
        self.fields["g1_keep"] = forms.BooleanField(required=False, initial=True, label="Include")
        self.sent: list[int] = []  # the rows sent, in order: wire index -> row

    @property
    def groups(self) -> list[NodeGroupFields]:
        return [NodeGroupFields(self, index) for index in range(len(ROWS))]

    def node_groups(self) -> list[dict]:
        """The node groups to send: the management row, the compute row unless left out, the extra row if named."""
        data, groups = self.cleaned_data, []
        self.sent = []
        for index, row in enumerate(ROWS):
            if index == 1 and not data.get("g1_keep"):
                continue
            if index == 2 and not data.get("g2_name"):
                continue
            groups.append(
                {
                    "name": data[f"g{index}_name"],
                    "role": row["role"],
                    "instanceTypes": [data[f"g{index}_instance"]] if data[f"g{index}_instance"] else [],
                    "minSize": data[f"g{index}_min"],
                    "maxSize": data[f"g{index}_max"],
                    "desiredSize": data[f"g{index}_desired"],
                    "capacityType": data[f"g{index}_capacity"],
                }
            )
            self.sent.append(index)
        return groups

    def field_for(self, path: str) -> str | None:
        """nodeGroups[1].maxSize -> the max field of the row sent second."""
        found = NODE_GROUP.match(path)
        if not found:
            return super().field_for(path)
        position, key = int(found[1]), found[2]
        if position >= len(self.sent) or key not in FIELDS:
            return None
        return f"g{self.sent[position]}_{FIELDS[key]}"


class ClusterTeamsForm(PlatformForm):
    wire_fields = {"teamIds": "team_ids"}
    team_ids = forms.MultipleChoiceField(
        label="Teams", widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
    )

    def __init__(self, *args, teams: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["team_ids"], teams)
