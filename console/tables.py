"""The table every list screen renders ({% table_card table %}, console/templatetags/console.py).

A view builds a Table from its ListQuery and the page it got from the client; the template renders the
card: optional toolbar, caption, sortable headers (aria-sort, links that keep the rest of the query),
rows from one row partial, the pager (page numbers or a marker's "Next"), and the empty or
filtered-empty state. Header and pager links are plain links with the same hx-get, so the table works
without JavaScript, and every link has a stable id so htmx puts focus back where it was after the swap.

    table = Table(
        id="member-table", caption="Members", query=query, rows=page.rows, total=page.total,
        row="console/members/list.html#member-row",
        columns=[Column("Name", sort="name"), Column("Email", sort="email"), Column("Roles")],
        empty=Empty("No members", "Nobody is in this organization yet.", "people"),
    )
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any

from django.urls import reverse

from console.client.models.common import Lookup
from console.forms.lists import ListQuery


@lru_cache(maxsize=64)
def link_prefix(url_name: str) -> str:
    """The path of `url_name` up to its trailing id ("/members/"), so rows build links without a reverse() each.

    For URL patterns that end with one <id:...> segment; a row writes {{ prefix }}{{ row.id }}.
    """
    path = reverse(url_name, args=["0"])
    assert path.endswith("/0"), f"{url_name} does not end with its id"
    return path[:-1]


@dataclass(frozen=True)
class RowLink:
    """A path with each row's id in it, reversed once per table: {{ table.extra.remove_link|with_id:row.member.id }}."""

    prefix: str
    suffix: str

    def with_id(self, row_id: str) -> str:
        return f"{self.prefix}{row_id}{self.suffix}"


def row_link(url_name: str, *args: str) -> RowLink:
    """`url_name` with `args` and a last <id:...> argument that each row fills in (a {% url %} per row costs more)."""
    zero, one = reverse(url_name, args=[*args, "0"]), reverse(url_name, args=[*args, "1"])
    at = next(i for i, (a, b) in enumerate(zip(zero, one, strict=True)) if a != b)
    return RowLink(zero[:at], zero[at + 1 :])


@dataclass(frozen=True)
class Column(Lookup):
    label: str
    sort: str = ""  # the sort key when the column is sortable
    css: str = ""  # class of the header cell ("num", "actions")


@dataclass(frozen=True)
class Empty(Lookup):
    """What an empty list says, with an optional next step (only when the user may take it)."""

    title: str
    text: str = ""
    icon: str = "inbox"
    action_url: str = ""
    action_label: str = ""


@dataclass(frozen=True)
class Header(Lookup):
    column: Column
    id: str = ""
    url: str = ""  # "" when the column is not sortable
    aria_sort: str = ""  # "ascending", "descending" or ""
    icon: str = ""
    hint: str = ""  # for screen readers: what activating the header does


@dataclass(frozen=True)
class PageLink(Lookup):
    label: str
    url: str
    id: str
    current: bool = False
    gap: bool = False


@dataclass(frozen=True)
class Pager(Lookup):
    summary: str  # "1 to 50 of 2,000", with an en dash
    previous: str = ""  # URLs; "" when there is none (marker paging: back to the first page)
    next: str = ""
    pages: tuple[PageLink, ...] = ()


@dataclass
class Table(Lookup):
    id: str  # element id and htmx target; the screen's partial that renders the table has the same name
    caption: str
    columns: Sequence[Column]
    rows: Sequence[Any]
    row: str  # "template.html#partial" of one <tr>; it gets the row as {{ row }}
    query: ListQuery
    total: int | None = None  # page-numbered lists: the number of matches
    next_marker: str | None = None  # marker-paged lists: where the next page starts
    empty: Empty = field(default_factory=lambda: Empty("Nothing here yet"))
    filtered_empty: Empty | None = None  # when filters hide every row (a link that clears them is added)
    select: str = ""  # bulk selection: the row checkboxes' name ("" for none); the row partial draws them
    toolbar: str = ""  # "template.html#partial" drawn above the table while it has rows (a bulk bar)
    extra: dict[str, Any] = field(default_factory=dict)  # what the row partial needs besides the row: {{ extra }}
    noun: tuple[str, str] = ("item", "items")  # for the count: "1 member", "40 members"

    @property
    def count_text(self) -> str:
        """ "40 members", "3 members match"; empty for marker-paged lists, which have no total."""
        if self.total is None:
            return ""
        noun = self.noun[0] if self.total == 1 else self.noun[1]
        verb = (" matches" if self.total == 1 else " match") if self.query.filtered else ""
        return f"{self.total:,} {noun}{verb}"

    @property
    def announcement(self) -> str:
        """What the live region says after a swap: "13 members match, sorted by email, descending, page 2"."""
        parts = [self.count_text or f"{len(self.rows):,} {self.noun[0] if len(self.rows) == 1 else self.noun[1]} shown"]
        sort = self.query.sort_value
        label = next((column.label for column in self.columns if sort and column.sort == sort.lstrip("-")), "")
        if label:
            parts.append(f"sorted by {label.lower()}" + (", descending" if sort.startswith("-") else ""))
        if not self.query.marker_paging and self.query.page_number > 1:
            parts.append(f"page {self.query.page_number}")
        return ", ".join(parts)

    @cached_property
    def headers(self) -> list[Header]:
        current = self.query.sort_value
        headers = []
        for column in self.columns:
            if not column.sort:
                headers.append(Header(column))
                continue
            key = column.sort
            if current == key:
                aria, to, icon, hint = "ascending", f"-{key}", "sort-up", ", sorted ascending; sort descending"
            elif current == f"-{key}":
                aria, to, icon, hint = "descending", key, "sort-down", ", sorted descending; sort ascending"
            else:
                aria, to, icon, hint = "", key, "arrow-down-up", ", sort"
            url = "?" + self.query.query(sort=to, page=None, marker=None)
            headers.append(Header(column, f"{self.id}-sort-{key}", url, aria, icon, hint))
        return headers

    @cached_property
    def pager(self) -> Pager | None:
        if self.query.marker_paging:
            return self._marker_pager()
        if self.total is None:
            return None
        return self._number_pager(self.total)

    @property
    def empty_state(self) -> Empty:
        """The empty state; when filters hide every row, one that offers to clear them."""
        if not self.query.filtered:
            return self.empty
        empty = self.filtered_empty or Empty("Nothing matches", "Try another search, or clear the filters.", "search")
        if empty.action_url:
            return empty
        return replace(empty, action_url=self.clear_url, action_label=empty.action_label or "Clear filters")

    @property
    def clear_url(self) -> str:
        """This list without its filters (the sort stays)."""
        return "?" + self.query.query(**dict.fromkeys(self.query.filter_names), page=None, marker=None) or "?"

    def _number_pager(self, total: int) -> Pager:
        limit, page = self.query.page_size, self.query.page_number
        pages = max(1, math.ceil(total / limit))
        first, last = (min(total, (page - 1) * limit + 1), min(total, page * limit)) if total else (0, 0)
        summary = f"{first:,}\u2013{last:,} of {total:,}" if total else "No results"

        def url(number: int) -> str:
            return "?" + self.query.query(page=number if number > 1 else None)

        links: list[PageLink] = []
        shown = sorted({1, pages, *range(max(1, page - 1), min(pages, page + 1) + 1)})
        for number in shown:
            if links and number - int(links[-1].label) > 1:
                links.append(PageLink("…", "", f"{self.id}-gap-{number}", gap=True))
            links.append(PageLink(str(number), url(number), f"{self.id}-page-{number}", current=number == page))
        return Pager(
            summary,
            previous=url(page - 1) if page > 1 else "",
            next=url(page + 1) if page < pages else "",
            pages=tuple(links) if pages > 1 else (),
        )

    def _marker_pager(self) -> Pager | None:
        marker = self.query.value("marker")
        if not marker and not self.next_marker:
            return None
        return Pager(
            f"{len(self.rows):,} shown",
            previous="?" + self.query.query(marker=None) if marker else "",
            next="?" + self.query.query(marker=self.next_marker) if self.next_marker else "",
        )
