"""Networks (contract §3.16): the list query and the create form."""

from django import forms

from console.forms.base import PlatformForm, set_choices
from console.forms.lists import MarkerQuery


class NetworkQuery(MarkerQuery):
    page_size = 50


class NetworkForm(PlatformForm):
    """A network in one of the active cloud accounts; provisioning is a separate step."""

    wire_fields = {"config.cidr": "cidr", "config": "cidr"}
    conflict_field = "name"
    conflict_message = "Another network already has this name."

    connection_id = forms.ChoiceField(label="Cloud account")
    name = forms.CharField(max_length=255, label="Name", widget=forms.TextInput(attrs={"autocomplete": "off"}))
    region = forms.CharField(
        max_length=32, required=False, label="Region", help_text="Leave empty for the account's region."
    )
    cidr = forms.CharField(
        max_length=18,
        initial="10.0.0.0/16",
        label="CIDR block",
        help_text="A private IPv4 range from /16 to /24, e.g. 10.0.0.0/16.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    def __init__(self, *args, accounts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["connection_id"], accounts)
