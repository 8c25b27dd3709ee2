"""Template helpers for console screens: icons, times and durations, badges, sorting, paging, form widgets.

Load with {% load console %}.
"""

import html
from datetime import UTC, datetime
from functools import lru_cache

from django import forms, template
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.autoreload import file_changed
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import Truncator

from console.htmx import MESSAGES_TEMPLATE, targets

register = template.Library()
OPERATION_PANEL = "console/components/operation_panel.html"


def format_html(format_string: str, *args) -> SafeString:
    """django.utils.html.format_html for plain values: each argument escaped unless already safe.

    Django's wraps every escape for lazy strings and took five times as long; these tags run for every row.
    """
    return SafeString(format_string.format(*(a if isinstance(a, SafeData) else html.escape(str(a)) for a in args)))


@register.simple_tag
def loading(label: str = "Loading…", id: str = "") -> SafeString:
    """A loading indicator for htmx requests, hidden until one is in flight.

    {% loading "Searching…" id="find-loading" %}: `id` lets an hx-indicator point at it. A tag, not an include:
    team rows draw one each.
    """
    return _loading(str(label), str(id))


@lru_cache(maxsize=256)
def _loading(label: str, id: str) -> SafeString:
    element_id = format_html(' id="{}"', id) if id else ""
    return format_html(
        '<span class="loading-indicator htmx-indicator"{} role="status">'
        '<span class="spinner-border" aria-hidden="true"></span><span>{}</span></span>',
        element_id,
        label,
    )


@register.simple_tag
def icon(name: str, label: str = "", css: str = ""):
    """An icon from the vendored sprite; decorative unless it gets a label."""
    return _icon(sprite_url(), str(name), str(label), str(css))


@lru_cache(maxsize=512)
def _icon(sprite: str, name: str, label: str, css: str) -> SafeString:
    classes = f"bi {css}".strip()
    href = f"{sprite}#{name}"
    if label:
        svg = '<svg class="{}" role="img" aria-label="{}" focusable="false"><use href="{}"></use></svg>'
        return format_html(svg, classes, label, href)
    svg = '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>'
    return format_html(svg, classes, href)


@register.filter
def with_id(link, row_id) -> str:
    """A row's URL from its table's console.tables.RowLink: {{ table.extra.remove_link|with_id:row.member.id }}."""
    return link.with_id(row_id)


@register.filter(is_safe=True)
def clip(value, length) -> str:
    """Django's truncatechars for text that mostly fits: short text is returned as it is, without the walk over
    every character that truncatechars makes first (~20 us a row)."""
    text, length = str(value), int(length)
    return text if length > 0 and len(text) <= length else Truncator(text).chars(length)


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        return parse_datetime(value)
    return None


@register.filter
def timestamp(value, style: str = "relative"):
    """<time>: relative within a week ("3 hours ago", "in 7 days"), else a date; the exact UTC time is its tooltip.

    The element is focusable and named with both, so keyboard, touch and screen-reader users reach the exact
    time too (docs/glossary.md, "Time"); the tooltip is CSS over data-exact (console.css).
    """
    moment = _as_datetime(value)
    if moment is None:
        return "—"
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    if style != "date":
        now = timezone.now()
        seconds = (moment - now).total_seconds()
        if abs(seconds) < 7 * 24 * 3600:
            return _relative(moment.astimezone(UTC), now, seconds)
    return _dated(moment)


@lru_cache(maxsize=2048)
def _dated(moment: datetime) -> SafeString:
    """The <time> of a moment shown as its date: the same for every row and request, so made once (lists show
    the same days over and over)."""
    iso, date, full = _parts(moment.astimezone(UTC))
    return format_html(
        '<time datetime="{}" data-exact="{}" tabindex="0" aria-label="{}">{}</time>', iso, full, full, date
    )


def _relative(moment: datetime, now: datetime, seconds: float) -> SafeString:
    iso, _, full = _parts(moment)
    if abs(seconds) < 60:
        text = "just now"
    elif seconds < 0:
        text = f"{elapsed(-seconds)} ago"
    else:
        text = f"in {rounded(seconds)}"
    return format_html(
        '<time datetime="{}" data-exact="{}" tabindex="0" aria-label="{}">{}</time>',
        iso,
        full,
        f"{text} ({full})",
        text,
    )


@lru_cache(maxsize=4096)
def _parts(moment: datetime) -> tuple[str, str, str]:
    """(ISO 8601, "6 Dec 2026", "6 Dec 2026, 01:38 UTC") of a UTC moment, made once per moment (three strftime
    calls a row otherwise)."""
    date = moment.strftime("%-d %b %Y")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ"), date, f"{date}, {moment:%H:%M} UTC"


def elapsed(seconds: float) -> str:
    """A past span in its largest whole unit, as Django's timesince(depth=1) words it: 5 h 59 min -> "5 hours".

    Spans under a week only (older times are dates). timesince itself translates every unit name on every call,
    a quarter of a team row's drawing."""
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        count = int(seconds // size)
        if count:
            return f"{count}\xa0{name}{'' if count == 1 else 's'}"
    return "0\xa0minutes"


def rounded(seconds: float) -> str:
    """A future span to the nearest unit: 6 days 23 hours -> "7 days", 50 minutes -> "50 minutes"."""
    name, count = "day", round(seconds / 86400)
    if round(seconds / 3600) < 24:
        name, count = ("minute", round(seconds / 60)) if round(seconds / 60) < 60 else ("hour", round(seconds / 3600))
    return f"{count}\xa0{name}{'' if count == 1 else 's'}"


_UNITS = (("day", 24 * 60), ("hour", 60), ("minute", 1))


@register.filter
def duration(value, unit: str = "minutes"):
    """A whole number of seconds, minutes, hours or days in words: 720 minutes -> "12 hours", 36 hours -> "1 day
    12 hours", 3600|duration:"seconds" -> "1 hour"."""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return "—"
    minutes = amount // 60 if unit == "seconds" else amount * {"minutes": 1, "hours": 60, "days": 24 * 60}[unit]
    parts = []
    for name, size in _UNITS:
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    return " ".join(parts[:2]) or "0 minutes"


@register.filter
def price(value) -> str:
    """A unit price in dollars with up to nine decimals and no trailing zeros: 0.000012 -> "$0.000012"."""
    try:
        return "$" + f"{float(value):.9f}".rstrip("0").rstrip(".")
    except (TypeError, ValueError):
        return "—"


@register.filter
def stopwatch(seconds) -> str:
    """A running time to the second: 45 -> "45 s", 252 -> "4 min 12 s", 3725 -> "1 h 2 min"."""
    try:
        total = max(int(seconds), 0)
    except (TypeError, ValueError):
        return "—"
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}\xa0h {minutes}\xa0min"
    return f"{minutes}\xa0min {secs}\xa0s" if minutes else f"{secs}\xa0s"


@register.simple_tag(takes_context=True)
def operation_panel(context, operation) -> SafeString:
    """An Operation's live progress panel (components/operation_panel.html): {% operation_panel operation %}.

    It polls console/views/operations.py while the operation runs and stops when it ends."""
    if operation is None:
        return SafeString("")
    return SafeString(render_to_string(OPERATION_PANEL, panel_context(operation), context.get("request")))


def panel_context(operation) -> dict:
    return {
        "operation": operation,
        "elapsed": operation.elapsed_seconds(timezone.now()),
        "poll_url": reverse("operation_progress", args=[operation.id]),
    }


@register.filter
def initials(name) -> str:
    """Up to two initials for an avatar: "Olivia Owner" -> "OO"."""
    words = [word for word in str(name or "").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


@register.filter
def percent_of(value, maximum) -> str:
    """value as a percentage of maximum (0..100) for SVG widths; a non-zero value stays visible."""
    try:
        value, maximum = float(value), float(maximum)
    except (TypeError, ValueError):
        return "0"
    if maximum <= 0 or value <= 0:
        return "0"
    share = min(100.0, value * 100 / maximum)
    return f"{max(share, 1.5):.1f}"


# Status value -> badge tone; one table for every resource that has a lifecycle.
_TONES = {
    "success": {
        "active",
        "accepted",
        "succeeded",
        "ready",
        "running",
        "verified",
        "enabled",
        "delivered",
        "yes",
        "healthy",
        "passed",
    },
    "warning": {
        "pending",
        "detached",
        "delivering",
        "provisioning",
        "starting",
        "stopping",
        "retrying",
        "expiring",
        "updating",
        "destroying",
        "degraded",
    },
    "danger": {"failed", "failing", "error", "disabled", "revoked", "unhealthy"},
    "info": {"draft", "queued", "invited", "idle"},
}


@register.simple_tag
def status_badge(status, label: str = "", tone: str = ""):
    """A status pill with a coloured dot: {% status_badge member.status %}; label and tone are optional."""
    text = str(label or status or "")
    return format_html(
        '<span class="badge-status tone-{}">{}</span>', tone or status_tone(status), text[:1].upper() + text[1:]
    )


@lru_cache(maxsize=1)
def sprite_url() -> str:
    """The icon sprite's URL: the same for the life of the process (the manifest does not change under it)."""
    return static("vendor/icons.svg")


@register.simple_tag
def document_assets() -> SafeString:
    """The icon, stylesheets and scripts of every page's head (components/assets.html), rendered once per process:
    static file URLs do not change under it, and their lookups were a tenth of a page's rendering."""
    return _document_assets()


@lru_cache(maxsize=1)
def _document_assets() -> SafeString:
    return render_to_string("console/components/assets.html")


@register.simple_tag(takes_context=True)
def toasts(context) -> SafeString:
    """The page's toast region (components/messages.html) with this request's messages. Most pages have none,
    and then the region is the same HTML every time: rendered once per process, like the head's assets."""
    if context.get("messages"):
        return SafeString(context.template.engine.get_template(MESSAGES_TEMPLATE).render(context))
    return _empty_toasts()


@lru_cache(maxsize=1)
def _empty_toasts() -> SafeString:
    return SafeString(render_to_string(MESSAGES_TEMPLATE, {"messages": ()}))


def _forget_static(**kwargs) -> None:
    sprite_url.cache_clear()
    _document_assets.cache_clear()
    _empty_toasts.cache_clear()


setting_changed.connect(_forget_static, dispatch_uid="console.static")
file_changed.connect(_forget_static, dispatch_uid="console.static")


@register.filter
def status_tone(status) -> str:
    """The badge tone for a status value: success, warning, danger, info or neutral."""
    key = str(status or "").lower()
    for tone, values in _TONES.items():
        if key in values:
            return tone
    return "neutral"


@register.filter
def fields_with_errors(form: forms.Form) -> list[forms.BoundField]:
    """The form's fields that have errors, in the form's order (components/error_summary.html)."""
    return [field for field in form if field.errors] if form else []


@register.simple_tag
def field_widget(field: forms.BoundField, **attrs):
    """A form field's widget with Bootstrap classes and its help and error ids in aria-describedby.

    Extra attributes are the tag's keywords, underscores for hyphens: aria_label="Name" -> aria-label="Name"."""
    attrs = {name.replace("_", "-"): value for name, value in attrs.items()}
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        css += " is-invalid"
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    attrs["class"] = f"{css} {attrs.pop('css', '')}".strip()
    return field.as_widget(attrs=attrs)


CHECKED = mark_safe(" checked")
DEFAULT_MARK = mark_safe(' <span class="role-choice-default">(default)</span>')


@register.simple_tag
def role_choice(
    name: str,
    id: str,
    roles,
    chosen=None,
    legend: str = "",
    hide_legend: bool = False,
    default_id=None,
    describe: bool = False,
    hint: str = "",
    errors=None,
):
    """One team role, chosen with radios: a member has exactly one role per team.

    name: the field's name; id: prefix of the inputs' ids, unique on the page; roles: the team-role
    catalogue; chosen: the checked role id; hide_legend: the legend is for screen readers only; default_id:
    the team's default role, marked "(default)"; describe: each role's description under its name; hint:
    text under the choices; errors: the field's errors. Python, not an included template: a team page has
    one per row, and the include took a third of the page's time.
    """
    described = " ".join(part for part, shown in ((f"{id}-hint", hint), (f"{id}-error", errors)) if shown)
    invalid = " is-invalid" if errors else ""
    option = (
        '<div class="form-check"><input class="form-check-input{}" type="radio" name="{}" value="{}" id="{}-{}"{}>'
        '<label class="form-check-label" for="{}-{}">{}{}</label>{}</div>'
    )
    options = SafeString(
        "".join(
            format_html(
                option,
                invalid,
                name,
                role.id,
                id,
                role.key,
                CHECKED if role.id == chosen else "",
                id,
                role.key,
                role.name,
                DEFAULT_MARK if role.id == default_id else "",
                format_html('<div class="form-text mt-0">{}</div>', role.description)
                if describe and role.description
                else "",
            )
            for role in roles
        )
    )
    error_text = " ".join(map(str, errors or ()))
    return format_html(
        '<fieldset class="role-choice"{}><legend class="{}">{}</legend>{}{}{}</fieldset>',
        format_html(' aria-describedby="{}"', described) if described else "",
        "visually-hidden" if hide_legend else "form-label",
        legend,
        options,
        format_html('<div class="form-text" id="{}-hint">{}</div>', id, hint) if hint else "",
        format_html('<div class="invalid-feedback d-block" id="{}-error" role="alert">{}</div>', id, error_text)
        if errors
        else "",
    )


@register.simple_tag
def role_pills(roles):
    """A row's roles as pills, break-glass ones marked, or "No role". A tag, not a {% for %}: it runs for every row."""
    if not roles:
        return NO_ROLE
    pill = '<span class="role-pill{}">{}</span> '
    return SafeString("".join(format_html(pill, BREAK_GLASS if role.break_glass else "", role.name) for role in roles))


@register.simple_tag
def team_links(summaries, path: str):
    """Links to teams (TeamSummary list), comma-separated, or a dash; `path` is the team link prefix (link_prefix)."""
    if not summaries:
        return NO_TEAM
    return SafeString(", ".join(format_html('<a href="{}{}">{}</a>', path, s.team.id, s.team.name) for s in summaries))


@register.simple_tag(takes_context=True)
def confirm_button(context, dialog: str, action: str, name: str, label: str, icon: str = "trash") -> SafeString:
    """A row's button for its list's one confirm dialog: {% confirm_button "remove-dialog" url name "Remove" %}.

    The dialog is components/confirm_dialog.html with id `dialog`; console.js points its form at `action` and
    writes `name` into its name slots before it opens. Without JavaScript the button is hidden and a form posts
    `action` at once ("Remove now"). A tag rather than markup in the row: it is drawn in every row.
    """
    return format_html(
        '<button type="button" class="btn btn-outline-danger btn-sm danger-action requires-js" command="show-modal" '
        'commandfor="{}" data-confirm-action="{}" data-confirm-name="{}">{}{}<span class="visually-hidden"> {}</span>'
        '</button><noscript><form method="post" action="{}" class="d-inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="btn btn-danger btn-sm">{} now<span class="visually-hidden"> {}</span></button>'
        "</form></noscript>",
        dialog,
        action,
        name,
        _icon(sprite_url(), str(icon), "", ""),
        label,
        name,
        action,
        context.get("csrf_token", ""),
        label,
        name,
    )


@register.simple_tag
def row_form(url: str, cell: str, label: str, loading: str = "Loading…") -> SafeString:
    """A row's Change control for a form that opens in the row: {% row_form url cell label loading %}.

    Opening it loads `url` into element `cell` (htmx; the answer is that element with the form open, in an open
    <details class="inline-form"> whose summary has the id "<cell>-change", so focus stays on it); without
    JavaScript it is a link to `url`, the form on its own page. `label` says what changes, for screen readers
    ("the team role of Mia Member"). A tag, not markup in the row: lists draw it in every row, and the form
    itself only when it is opened.
    """
    pencil = _icon(sprite_url(), "pencil", "", "")
    return format_html(
        '<details class="inline-form requires-js" hx-get="{}" hx-trigger="toggle once" hx-target="#{}" '
        'hx-swap="outerHTML">\n<summary id="{}-change" class="btn btn-link btn-sm p-0">{}Change'
        '<span class="visually-hidden"> {}</span></summary>\n{}\n</details>\n<noscript><a class="btn btn-link '
        'btn-sm p-0" href="{}">{}Change<span class="visually-hidden"> {}</span></a></noscript>',
        url,
        cell,
        cell,
        pencil,
        label,
        _loading(str(loading), ""),
        url,
        pencil,
        label,
    )


@register.filter
def name_slot(text) -> SafeString:
    """Confirm-dialog words whose first "{name}" is where each row's name goes (console.js fills it in)."""
    escaped = str(text) if isinstance(text, SafeData) else html.escape(str(text))
    return SafeString(escaped.replace("{name}", "<span data-name-slot></span>", 1))


@register.simple_tag
def member_cell(member, path: str, status: bool = False) -> SafeString:
    """A person's cell in a list's row: initials, their name linking to their page (`path`: link_prefix of
    member_detail), and an External pill; with status=True also a Deactivated badge, for lists without a status
    column. A tag rather than markup in the row partials: a table draws it in every row, and as markup its
    lookups and conditions cost more than the rest of a Members row."""
    marks = EXTERNAL if member.account_type == "external" else ""
    if status and member.status == "deactivated":
        marks += DEACTIVATED
    return format_html(
        '<div class="member-cell"><span class="avatar" aria-hidden="true">{}</span>'
        '<div class="min-w-0"><a class="cell-primary" href="{}{}">{}</a>{}</div></div>',
        initials(member.display_name),
        path,
        member.id,
        member.display_name,
        marks,
    )


BREAK_GLASS = " is-break-glass"
EXTERNAL = mark_safe(' <span class="role-pill ms-1">External</span>')
DEACTIVATED = SafeString(" " + status_badge("deactivated", tone="neutral"))  # the status_badge tag's own markup
NO_ROLE = mark_safe('<span class="cell-secondary">No role</span>')
NO_TEAM = mark_safe('<span class="cell-secondary">—</span>')


@register.simple_tag(takes_context=True)
def filter_bar(context, table, label: str, placeholder: str = "") -> SafeString:
    """The filters of a list screen, above its table: {% filter_bar table label="members" placeholder="…" %}.

    `table` is the console.tables.Table (its query is the ListQuery; filters swap #<table.id>); `label` is what
    the list is ("Search members", "Filter members"); `placeholder` the search box's hint. The search (as you
    type), every select and the sort are sent together; without JavaScript the form is a plain GET with an
    Apply button. The count and the sort field are refreshed with each swap ({% table_card %} sends them
    out of band). The count is not read out itself (aria-live off): after a swap the page's live region says
    it, with the sort. Built here rather than in a template: it is on every list page, and as an include its
    thirty-odd lookups cost more than the table's rows.
    """
    query, tid, path = table.query, table.id, context["request"].path
    parts = [
        format_html(
            '<form id="{}-filters" class="filter-bar" method="get" action="{}" role="search" aria-label="Filter {}"\n'
            '      hx-get="{}" hx-target="#{}" hx-swap="outerHTML" hx-push-url="true" '
            'hx-trigger="change from:(#{}-filters select), submit" hx-indicator="#{}-loading">\n',
            tid,
            path,
            label,
            path,
            tid,
            tid,
            tid,
        )
    ]
    if query.searchable:
        parts.append(
            format_html(
                '  <div class="filter-search">\n'
                '    <label class="visually-hidden" for="{}-q">Search {}</label>\n    {}\n'
                '    <input type="search" class="form-control form-control-sm" id="{}-q" name="q" value="{}" '
                'placeholder="{}  ( / )" autocomplete="off" data-page-search\n'
                '           hx-get="{}" hx-trigger="input changed delay:300ms, search" hx-target="#{}" '
                'hx-swap="outerHTML" hx-push-url="true" hx-include="#{}-filters" hx-indicator="#{}-loading">\n'
                "  </div>\n",
                tid,
                label,
                icon("search"),
                tid,
                query.search or "",
                placeholder,
                path,
                tid,
                tid,
                tid,
            )
        )
    for select in query.selects():
        options = "".join(
            format_html('<option value="{}"{}>{}</option>', value, " selected" if value == select.value else "", text)
            for value, text in select.options
        )
        parts.append(
            format_html(
                '  <label class="visually-hidden" for="{}-{}">{}</label>\n'
                '  <select class="form-select form-select-sm" id="{}-{}" name="{}">\n    {}\n  </select>\n',
                tid,
                select.name,
                select.label,
                tid,
                select.name,
                select.name,
                SafeString(options),
            )
        )
    if query.sorts:
        parts.append(
            format_html('  <input type="hidden" id="{}-sort" name="sort" value="{}">\n', tid, query.sort_param)
        )
    parts.append(
        format_html(
            '  <noscript><button type="submit" class="btn btn-outline-secondary btn-sm">Apply</button></noscript>\n'
            '  {}\n  <p id="{}-count" class="filter-count" role="status" aria-live="off">{}</p>\n</form>',
            _loading("Loading…", f"{tid}-loading"),
            tid,
            table.count_text,
        )
    )
    return SafeString("".join(parts))


SWAP = 'hx-target="#{}" hx-swap="outerHTML" hx-push-url="true"'  # a header or pager link: swap the table


@register.simple_tag(takes_context=True)
def table_card(context, table) -> SafeString:
    """The table of every list screen: {% table_card table %} (`table`: a console.tables.Table).

    The card holds the active-filter chips, the toolbar (table.toolbar, a "template#partial", while there are
    rows), the scrollable region with the caption, the header row, the rows (table.row, a "template#partial"
    drawn with {{ row }}, {{ table }} and {{ extra }}: table.extra) and the pager; or the empty state. The
    caller's partial named table.id wraps it, so an htmx request aimed at #<table.id> gets just the card, with
    the filter bar's count and sort field out of band. Header and pager links are plain links with the same
    hx-get and a stable id (htmx refocuses it after the swap; when the focused control is gone, console.js
    focuses the [data-swap-focus] region); data-announce is what the page's live region says after a swap.
    console.js copies each header's visible text onto its column's cells (data-label): on a phone the rows
    become cards labelled with it. Built here rather than as an include: every list page draws it, and its
    forty-odd lookups and conditions cost about as much as the rows.
    """
    tid, query = table.id, table.query
    parts: list[str] = [
        format_html('<div id="{}" class="card table-card" data-table data-announce="{}">\n', tid, table.announcement)
    ]
    if targets(context["request"], tid):  # the filter bar around the table follows the swap
        parts.append(format_html('<span hx-swap-oob="innerHTML:#{}-count">{}</span>\n', tid, table.count_text))
        if query.sorts:
            parts.append(
                format_html(
                    '<input type="hidden" id="{}-sort" name="sort" value="{}" hx-swap-oob="true">\n',
                    tid,
                    query.sort_param,
                )
            )
    chips = query.chips()
    if chips:
        parts.append(_chips(tid, chips, table.clear_url))
    if table.rows:
        if table.toolbar:
            parts.append(context.template.engine.get_template(table.toolbar).render(context))
        caption = format_html(
            "{}{}{}",
            table.caption,
            " matching the filters" if query.filtered else "",
            f", {table.total} in all" if table.total is not None else "",
        )
        parts.append(
            format_html(
                '<div class="table-responsive" tabindex="0" role="region" aria-label="{}" data-swap-focus>\n'
                '<table class="table table-console table-hover">\n<caption class="visually-hidden">{}</caption>\n'
                "<thead>\n{}\n</thead>\n<tbody>\n{}\n</tbody>\n</table>\n</div>\n{}",
                table.caption,
                caption,
                _table_head(table),
                _table_rows(context, table),
                _table_pager(table),
            )
        )
    else:
        empty = table.empty_state
        state = {"title": empty.title, "text": empty.text, "icon": empty.icon}
        state.update(action_url=empty.action_url, action_label=empty.action_label)
        with context.push(state):
            parts.append(context.template.engine.get_template(EMPTY_STATE).render(context))
    parts.append("\n</div>")
    return SafeString("".join(parts))


EMPTY_STATE = "console/components/empty_state.html"


def _chips(tid: str, chips, clear_url: str) -> SafeString:
    """The active filters above the table, each a link that removes it, and one that clears them all."""
    links = "".join(
        format_html(
            '<a class="filter-chip" id="{}-chip-{}" href="{}" data-clear-filter="{}" data-filters="{}-filters">'
            '{}: {}{}<span class="visually-hidden"> (remove this filter)</span></a>',
            tid,
            chip.name,
            chip.remove_url,
            chip.name,
            tid,
            chip.label,
            chip.value,
            icon("x-lg"),
        )
        for chip in chips
    )
    return format_html(
        '<div class="filter-chips" aria-label="Active filters" role="group">\n'
        '<span class="filter-chips-label">Filtered by</span>\n{}\n'
        '<a class="filter-chips-clear" id="{}-clear" href="{}" data-clear-filter="{}" data-filters="{}-filters">'
        "Clear filters</a>\n</div>\n",
        SafeString(links),
        tid,
        clear_url,
        "".join(f"{chip.name} " for chip in chips),
        tid,
    )


def _table_head(table) -> SafeString:
    """The header row of a table: a sortable column's header is a link
    with aria-sort and a hint of what activating it does, and a stable id for htmx to refocus after the swap."""
    cells: list[str] = []
    if table.select:
        cells.append(
            '<th scope="col" class="select-cell"><input class="form-check-input requires-js" type="checkbox" '
            'data-select-all aria-label="Select all on this page"></th>'
        )
    for header in table.headers:
        column = header.column
        if header.url:
            sort = format_html(' aria-sort="{}"', header.aria_sort) if header.aria_sort else ""
            link = format_html(
                '<a class="sort-link" id="{}" href="{}" hx-get="{}" '
                + SWAP
                + '>{}{}<span class="visually-hidden">{}</span></a>',
                header.id,
                header.url,
                header.url,
                table.id,
                column.label,
                icon(header.icon),
                header.hint,
            )
            cells.append(format_html('<th scope="col" class="{}"{}>\n{}\n</th>', column.css, sort, link))
        elif column.css == "actions":
            label = format_html('<span class="visually-hidden">{}</span>', column.label)
            cells.append(format_html('<th scope="col" class="{}">{}</th>', column.css, label))
        else:
            cells.append(format_html('<th scope="col" class="{}">{}</th>', column.css, column.label))
    return SafeString("<tr>\n" + "\n".join(cells) + "\n</tr>")


def _table_pager(table) -> SafeString:
    """The pager of a table: the summary ("1 to 50 of 2,000", with an en dash), previous and next,
    and page numbers (marker-paged lists: back to the first page, and next). Links keep the rest of the query
    and have stable ids."""
    pager = table.pager
    if not pager:
        return SafeString("")
    parts: list[str] = [
        format_html('<nav class="pagination-bar" aria-label="Pagination">\n<span>{}</span>\n', pager.summary)
    ]
    if pager.previous or pager.next:
        first = "First page" if table.query.marker_paging else "Previous page"
        parts.append('<ul class="pagination pagination-sm">\n')
        parts.append(_pager_end(table.id, pager.previous, "previous", "prev", "chevron-left", first, "Previous page"))
        for link in pager.pages:
            if link.gap:
                parts.append('<li class="page-item disabled"><span class="page-link">…</span></li>\n')
                continue
            current = ' aria-current="page"' if link.current else ""
            parts.append(
                format_html(
                    '<li class="page-item{}"><a class="page-link" id="{}" href="{}" hx-get="{}" '
                    + SWAP
                    + '{} aria-label="Page {}">{}</a></li>\n',
                    " active" if link.current else "",
                    link.id,
                    link.url,
                    link.url,
                    table.id,
                    SafeString(current),
                    link.label,
                    link.label,
                )
            )
        parts.append(_pager_end(table.id, pager.next, "next", "next", "chevron-right", "Next page", "Next page"))
        parts.append("</ul>\n")
    parts.append("</nav>")
    return SafeString("".join(parts))


def _pager_end(table_id: str, url: str, name: str, rel: str, arrow: str, label: str, disabled_label: str) -> str:
    """The previous or next item of a pager: a link, or a disabled item when there is nowhere to go."""
    if not url:
        inner = format_html(
            '<span class="page-link">{}<span class="visually-hidden">{}</span></span>', icon(arrow), disabled_label
        )
        return format_html('<li class="page-item disabled">\n{}\n</li>\n', inner)
    link = format_html(
        '<a class="page-link" id="{}-{}" href="{}" hx-get="{}" '
        + SWAP
        + ' rel="{}">{}<span class="visually-hidden">{}</span></a>',
        table_id,
        name,
        url,
        url,
        table_id,
        rel,
        icon(arrow),
        label,
    )
    return format_html('<li class="page-item">\n{}\n</li>\n', link)


def _table_rows(context, table) -> SafeString:
    """Every row of a table through its row partial (with {{ row }}, {{ table }} and {{ extra }}, the table's
    extra), found once for the table (an {% include %} in a {% for %} looks it up and pushes its state again for
    every row). The rows share one context level and one render state, as the iterations of a {% for %} do,
    rather than each setting up its own."""
    template = context.template.engine.get_template(table.row)
    rows = []
    with context.render_context.push_state(template), context.push(extra=table.extra):
        for row in table.rows:
            context["row"] = row
            rows.append(template.nodelist.render(context))
    return SafeString("".join(rows))
