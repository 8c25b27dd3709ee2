"""Secrets (contract §3.17): the list query, the create and edit forms, and the form that replaces a value.

A value goes to the platform and is never drawn again: its input never renders what was typed, so a refused
form comes back without it and asks for it again (the one exception to "nothing typed is lost").
"""

from django import forms

from console.forms.base import PlatformForm, set_choices
from console.forms.lists import ListQuery

NAME_HELP = "Letters, digits, dots, dashes and underscores, starting with a letter. Unique in the organization."
VALUE_AGAIN = "For safety the value is never sent back to your browser: enter it again."


class SecretQuery(ListQuery):
    searchable = False
    page_size = 50


def value_field(label: str = "Value") -> forms.CharField:
    return forms.CharField(
        max_length=65536,
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}, render_value=False),
        help_text="Stored encrypted. Nobody can read it back here or through the API; only workloads receive it.",
    )


def teams_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Shared with teams",
        error_messages={"required": "Share it with at least one team."},
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="Compute profiles of these teams can use it. Only teams where you manage secrets are listed.",
    )


class SecretValueMixin:
    """A form with a value: after a refusal the value is gone from the page, and the form says so."""

    @property
    def value_lost(self) -> bool:
        form: forms.Form = self  # type: ignore[assignment]
        return form.is_bound and bool(form.data.get("value")) and bool(form.errors)


class SecretForm(SecretValueMixin, PlatformForm):
    """A new secret: name, description, value and the teams it is shared with."""

    conflict_field = "name"
    conflict_message = "Another secret already has this name."
    wire_fields = {"teamIds": "team_ids", "metadata": None}

    name = forms.CharField(
        max_length=255, label="Name", help_text=NAME_HELP, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    description = forms.CharField(
        required=False, max_length=2000, label="Description", widget=forms.Textarea(attrs={"rows": 2})
    )
    value = value_field()
    team_ids = teams_field()

    def __init__(self, *args, teams: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["team_ids"], teams)


class SecretEditForm(PlatformForm):
    """A secret's name, description and teams (PATCH); the value has its own form."""

    conflict_field = "name"
    conflict_message = "Another secret already has this name."
    wire_fields = {"teamIds": "team_ids", "metadata": None}

    name = forms.CharField(
        max_length=255, label="Name", help_text=NAME_HELP, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    description = forms.CharField(
        required=False, max_length=2000, label="Description", widget=forms.Textarea(attrs={"rows": 2})
    )
    team_ids = teams_field()

    def __init__(self, *args, teams: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["team_ids"], teams)


class SecretValueForm(SecretValueMixin, PlatformForm):
    """PUT .../value: the next version; it also clears a revocation."""

    value = value_field("New value")
