"""The query string of a list screen: search, filters, sort with direction, page (or marker), all in the URL.

A screen subclasses ListQuery, declares its filter fields, the sortable keys and the page size, and reads
`form.params()` for the client call. A malformed value is dropped (the list shows as if it were absent),
so an edited or stale URL never breaks the page.

    class MemberQuery(ListQuery):
        sorts = ("name", "email")
        role = forms.RegexField(regex=ID, required=False, label="Role")

    query = MemberQuery(request.GET)
    page = list_members(request.platform, **query.params())
"""

from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.forms.forms import DeclarativeFieldsMetaclass

ID = r"^[A-Z0-9]{1,20}$"  # a platform id (contract §1.2)
KEPT = ("q", "sort")  # what a chip's "remove" link keeps besides the other filters


@dataclass(frozen=True)
class Select:
    """A filter drawn as a <select>: the field, its options (value, label) and the current value."""

    name: str
    label: str
    options: list[tuple[str, str]]
    value: str


@dataclass(frozen=True)
class Chip:
    """One active filter, shown above the list with a link that removes it."""

    name: str  # the query field, so console.js can clear it in the filter bar instead of loading the page
    label: str
    value: str
    remove_url: str


class ListQuery(metaclass=DeclarativeFieldsMetaclass):
    """?q=…&<filters>&sort=-name&page=2 (or &marker=… for marker-paged lists).

    Fields are declared as on a form and cleaned the same way, but this is not a Form: nothing is rendered
    from it, so its fields are shared by every instance, not deep-copied for each request as a Form's are
    (that copy was most of the cost of a list screen's query, on every page). Do not change them per
    instance: a filter's choices learned from the platform go in `options`.
    """

    base_fields: ClassVar[dict[str, forms.Field]]  # set by the metaclass: the declared fields, in order
    sorts: ClassVar[tuple[str, ...]] = ()  # sortable keys; "-key" sorts descending
    default_sort: ClassVar[str] = ""  # the first of `sorts` when empty
    page_size: ClassVar[int] = 50
    marker_paging: ClassVar[bool] = False  # lists paged by an opaque marker (§1.8) instead of a number
    searchable: ClassVar[bool] = True  # `q` is sent as the operation's `search` filter

    q = forms.CharField(required=False, max_length=200, label="Search")
    sort = forms.CharField(required=False, max_length=64)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)
    marker = forms.CharField(required=False, max_length=512)

    def __init__(self, data: Any = None) -> None:
        self.data = data if data is not None else {}
        self.options: dict[str, list[tuple[str, str]]] = {}  # a filter's choices learned from the platform
        unused = {"page" if self.marker_paging else "marker", *(() if self.searchable else ("q",))}
        self.fields = {name: field for name, field in self.base_fields.items() if name not in unused}
        self.cleaned_data: dict[str, Any] = {}
        self.errors: dict[str, list[str]] = {}  # malformed values, which the list then ignores
        for name, field in self.fields.items():
            try:
                self.cleaned_data[name] = field.clean(field.widget.value_from_datadict(self.data, {}, name))
            except ValidationError as error:
                self.errors[name] = error.messages

    # --- values --------------------------------------------------------------------------------

    def value(self, name: str) -> Any:
        """The cleaned value of a field, or None when it is absent or malformed."""
        if name in self.errors:
            return None
        value = self.cleaned_data.get(name)
        return value if value not in ("", None) else None

    @property
    def search(self) -> str | None:
        return (self.value("q") or "").strip() or None if "q" in self.fields else None

    @property
    def sort_value(self) -> str:
        """The sort as the URL carries it: "name" or "-name"."""
        value = self.value("sort") or ""
        if value.lstrip("-") in self.sorts:
            return value
        return self.default_sort or (self.sorts[0] if self.sorts else "")

    @property
    def sort_param(self) -> str:
        """The sort the URL asked for ("" when it asked for none): the filter form sends only that along."""
        value = self.value("sort") or ""
        return value if value.lstrip("-") in self.sorts else ""

    @property
    def filter_names(self) -> list[str]:
        """The fields that narrow the list (every declared field but the paging and sorting ones)."""
        return [name for name in self.fields if name not in ("sort", "page", "marker")]

    @property
    def filtered(self) -> bool:
        return any(self.value(name) for name in self.filter_names)

    @property
    def page_number(self) -> int:
        return self.value("page") or 1

    # --- for the client call -----------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for the client's filters; subclasses map their fields here."""
        return {}

    def params(self) -> dict[str, Any]:
        """Keyword arguments of the list operation: paging, sort, search and the screen's filters."""
        params: dict[str, Any] = {"limit": self.page_size}
        if self.marker_paging:
            params["marker"] = self.value("marker")
        else:
            params["page"] = self.page_number
        if self.sorts:
            sort = self.sort_value
            params["sort_by"] = sort.lstrip("-")
            params["sort_direction"] = "desc" if sort.startswith("-") else "asc"
        if self.searchable and self.search:
            params["search"] = self.search
        params.update(self.filters())
        return params

    # --- for the template ---------------------------------------------------------------------------

    def query(self, **changes: Any) -> str:
        """This query string with some values changed (None removes one); empty values are left out."""
        order = [*self.filter_names, *(name for name in ("sort", "page", "marker") if name in self.fields)]
        values = {name: self.data.get(name) for name in order if self.value(name) is not None}
        values.update(changes)
        return urlencode({name: value for name, value in values.items() if value not in (None, "")})

    def selects(self) -> list[Select]:
        """The filters other than the search, as selects: the field's own choices, or `options[name]`."""
        selects = []
        for name in self.filter_names:
            if name == "q":
                continue
            field = self.fields[name]
            options = self.options.get(name) or [
                (str(v), str(label)) for v, label in getattr(field, "choices", ()) if v
            ]
            any_label = f"Any {str(field.label).lower()}"
            selects.append(Select(name, str(field.label), [("", any_label), *options], str(self.value(name) or "")))
        return selects

    def chips(self) -> list[Chip]:
        """The active filters, each with the URL of this list without it."""
        chips = []
        for name in self.filter_names:
            value = self.value(name)
            if value is None:
                continue
            field = self.fields[name]
            choices: list[tuple[str, str]] = self.options.get(name) or list(getattr(field, "choices", []))
            shown = dict(choices).get(value, value)
            chips.append(
                Chip(
                    name, str(field.label or name), str(shown), "?" + self.query(**{name: None}, page=None, marker=None)
                )
            )
        return chips


class MarkerQuery(ListQuery):
    """?marker=…: a list the platform pages by marker (§1.8) and that neither sorts nor searches."""

    marker_paging = True
    searchable = False
    page_size = 50
