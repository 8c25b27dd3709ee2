"""The UI foundation: strict CSP with nothing inline, vendored assets, components, template helpers, htmx."""

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, RequestContext, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils.timesince import timesince

from console.client.errors import ValidationFailed
from console.client.models.common import Member
from console.context_processors import NAVIGATION
from console.forms.base import PlatformForm
from console.forms.lists import ListQuery
from console.htmx import targets
from console.tables import Column, Empty, Table
from console.templatetags.console import clip, duration, elapsed, initials, percent_of, status_tone, timestamp

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
COMPONENTS = sorted((ROOT / "templates" / "console" / "components").glob("*.html"))


def render(source: str, request=None, **context) -> str:
    template = Template("{% load console %}" + source)
    if request is not None:
        return template.render(RequestContext(request, context))
    return template.render(Context(context))


# --- Content-Security-Policy and nothing inline ------------------------------------------------


def test_pages_carry_a_strict_csp(client, cast):
    response = client.get("/sign-in")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_signed_in_pages_carry_the_csp_too(signed_in, cast):
    response = signed_in(cast.member).get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_templates_exist():
    assert len(TEMPLATES) > 10


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_style_or_handler(path):
    source = path.read_text()
    scripts = re.findall(r"<script\b[^>]*>", source)
    assert all(" src=" in tag for tag in scripts), f"inline <script> in {path}"
    assert not re.search(r"<style\b", source), f"<style> in {path}"
    assert not re.search(r"\sstyle=", source), f"style attribute in {path}"
    assert not re.search(r"\son[a-z]+=", source), f"on* handler in {path}"
    assert not re.search(r"\shx-on[:-]", source), f"hx-on (evaluated script) in {path}"
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", source), f"external resource in {path}"


def test_htmx_is_configured_for_the_csp(client, cast):
    html = client.get("/sign-in").content.decode()
    assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html
    assert '"historyRestoreAsHxRequest": false' in html
    assert re.search(r'<script src="/static/django_htmx/htmx-2(\.min)?\.js"', html)
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


@pytest.mark.parametrize("name", ["bootstrap.min.css", "icons.svg"])
def test_vendored_assets_are_committed_without_source_maps(name):
    text = (ROOT / "static" / "vendor" / name).read_text()
    assert "sourceMappingURL" not in text


def test_every_icon_used_is_in_the_sprite():
    sprite = (ROOT / "static" / "vendor" / "icons.svg").read_text()
    available = set(re.findall(r'<symbol id="([a-z0-9-]+)"', sprite))
    used = set()
    for path in TEMPLATES:
        source = path.read_text()
        used |= set(re.findall(r'{% icon "([a-z0-9-]+)"', source))
        used |= set(re.findall(r'\bicon="([a-z0-9-]+)"', source))
    used |= {item.icon for section in NAVIGATION for item in section.items}
    used |= {"sun", "moon-stars", "circle-half"}  # the theme options
    assert used - available == set(), "add these to ICONS in bin/vendor and run it"


@pytest.mark.parametrize("path", COMPONENTS, ids=lambda p: p.name)
def test_components_open_with_the_variables_they_take(path):
    head = path.read_text().split("{% endcomment %}")[0]
    assert "{% comment %}" in head and ("Takes:" in head or "Takes" in head)


# --- Layout ---------------------------------------------------------------------------------------


def test_layout_landmarks_and_navigation(signed_in, cast):
    html = signed_in(cast.member).get("/").content.decode()
    assert '<a class="skip-link visually-hidden-focusable" href="#main">' in html
    assert '<main id="main"' in html and '<nav class="app-nav" aria-label="Main">' in html
    assert re.search(r'<a class="app-nav-link" href="/" aria-current="page">', html)
    assert 'id="toasts" class="toast-region" aria-live="polite"' in html
    assert 'action="/sign-out"' in html and 'action="/theme"' in html
    assert 'href="#"' not in html  # no dead links
    assert 'href="/dev-mailbox"' in html and 'href="/account"' in html  # user menu: Dev mailbox, My account


def test_messages_become_toasts(signed_in, cast):
    client = signed_in(cast.member)
    client.post("/sign-out")
    html = client.get("/sign-in").content.decode()
    assert re.search(r'<div class="toast show tone-success" role="status" data-autohide>', html)
    assert "You have signed out." in html


def test_sign_in_page_keeps_next_and_labels_fields(client, cast):
    html = client.get("/sign-in?next=/%3Fa%3D1").content.decode()
    assert '<input type="hidden" name="next" value="/?a=1">' in html
    assert '<label class="form-label" for="id_email">Email' in html
    assert 'autocomplete="current-password"' in html


def test_sign_in_errors_are_tied_to_their_fields(client, cast):
    html = client.post("/sign-in", {"email": "not-an-email", "password": ""}).content.decode()
    assert re.search(r'<input type="email" name="email" value="not-an-email"[^>]*aria-invalid="true"', html)
    assert 'aria-describedby="id_email_error"' in html and 'id="id_email_error"' in html
    assert 'aria-describedby="id_password_error"' in html


# --- Error pages -----------------------------------------------------------------------------------


def test_server_error_page_renders_from_an_empty_context():
    html = render_to_string("console/errors/server_error.html", {})
    assert "Something went wrong on our side" in html and 'href="/"' in html


def test_unavailable_partial_is_a_fragment():
    html = render_to_string(
        "console/errors/unavailable.html#retry",
        {
            "message": "Timed out.",
            "request_id": "req_1",
            "retry_url": "/?page=2",
            "retry_inline": True,
            "retry_target": "member-table",
        },
    )
    assert "<html" not in html and 'role="alert"' in html
    assert "Timed out." in html and "req_1" in html
    assert 'href="/?page=2" hx-get="/?page=2" hx-target="#member-table"' in html


def test_unavailable_page_has_the_retry_inline():
    html = render_to_string("console/errors/unavailable.html", {"message": "Down.", "retry_url": "/x"})
    assert "<html" in html and "The platform isn't responding" in html and 'href="/x"' in html


def test_rate_limited_page_says_when():
    html = render_to_string("console/errors/rate_limited.html", {"retry_after": 30})
    assert "Try again in 30 seconds." in html


# --- Components ---------------------------------------------------------------------------------------


class PeopleQuery(ListQuery):
    sorts = ("name", "email")
    page_size = 25
    status = forms.ChoiceField(required=False, label="Status", choices=[("active", "Active"), ("gone", "Gone")])


def people_table(request, rows, total):
    return Table(
        id="member-table",
        caption="Members",
        query=PeopleQuery(request.GET),
        rows=rows,
        total=total,
        row="console/components/test_row.html",
        columns=[Column("Name", sort="name"), Column("Email", sort="email"), Column("Members", css="num")],
        empty=Empty("No members yet", "Invite someone."),
        noun=("member", "members"),
    )


@pytest.fixture
def row_template(settings, tmp_path):
    (tmp_path / "console" / "components").mkdir(parents=True)
    (tmp_path / "console" / "components" / "test_row.html").write_text(
        "<tr><td>{{ row.name }}</td><td>{{ row.name }}@example.com</td><td class='num'>{{ row.count }}</td></tr>"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


def test_table_sorts_and_keeps_the_query_string(rf, row_template):
    request = rf.get("/members", {"status": "active", "sort": "name", "page": "2", "q": ""})
    html = render(
        "{% table_card table %}",
        request,
        table=people_table(request, [{"name": "Ada", "count": 3}], 60),
    )
    assert (
        '<div id="member-table" class="card table-card" data-table'
        ' data-announce="60 members match, sorted by name, page 2">' in html
    )
    assert '<th scope="col" class="" aria-sort="ascending">' in html
    # The other direction, keeping the filter, back to page 1, and no empty parameters.
    assert (
        'id="member-table-sort-name" href="?status=active&amp;sort=-name" hx-get="?status=active&amp;sort=-name"'
        in html
    )
    assert '<th scope="col" class="num">Members</th>' in html
    assert "Members matching the filters, 60 in all</caption>" in html
    assert "26\u201350 of 60" in html
    assert 'href="?status=active&amp;sort=name&amp;page=3"' in html
    assert 'href="?status=active&amp;sort=name"' in html  # page 1 has no page parameter
    assert 'hx-target="#member-table" hx-swap="outerHTML" hx-push-url="true"' in html
    assert 'id="member-table-page-2"' in html and 'aria-current="page"' in html  # focus survives the swap
    assert "Status: Active" in html and "Clear filters" in html  # the active filter as a chip
    # console.js clears the chip's field in the filter form (no page load); the link is the way without it.
    assert (
        '<a class="filter-chip" id="member-table-chip-status" href="?sort=name" data-clear-filter="status"'
        ' data-filters="member-table-filters">' in html
    )
    assert 'id="member-table-clear" href="?sort=name" data-clear-filter="status " data-filters=' in html
    assert 'role="region" aria-label="Members" data-swap-focus>' in html  # where focus goes if its control is gone


def test_table_announces_count_sort_and_page(rf, row_template):
    def announcement(**query):
        request = rf.get("/members", query)
        return people_table(request, [{"name": "Ada", "count": 3}], 1 if "q" in query else 60).announcement

    assert announcement() == "60 members, sorted by name"
    assert announcement(sort="-email", page="3") == "60 members, sorted by email, descending, page 3"
    assert announcement(q="ada") == "1 member matches, sorted by name"


def test_the_filter_form_sends_only_the_sort_the_url_asked_for(rf):
    assert PeopleQuery({}).sort_param == "" and PeopleQuery({}).sort_value == "name"
    assert PeopleQuery({"sort": "-email"}).sort_param == "-email"
    assert PeopleQuery({"sort": "password"}).sort_param == ""


def test_table_without_rows_is_an_empty_state(rf, row_template):
    request = rf.get("/members")
    html = render("{% table_card table %}", request, table=people_table(request, [], 0))
    assert "<table" not in html and "No members yet" in html and "Invite someone." in html
    request = rf.get("/members", {"status": "gone", "sort": "-name"})
    html = render("{% table_card table %}", request, table=people_table(request, [], 0))
    assert "Nothing matches" in html and 'href="?sort=-name">Clear filters' in html


def test_list_query_drops_malformed_values():
    query = PeopleQuery({"sort": "password", "page": "-3", "status": "nope", "q": "  ann  "})
    assert query.params() == {"limit": 25, "page": 1, "sort_by": "name", "sort_direction": "asc", "search": "ann"}
    assert query.filtered and [chip.label for chip in query.chips()] == ["Search"]
    assert PeopleQuery({"sort": "-email", "page": "4"}).params()["sort_direction"] == "desc"


class DemoForm(forms.Form):
    name = forms.CharField(help_text="As shown to others.")
    agree = forms.BooleanField()


def test_form_field_is_labelled_and_reports_errors():
    form = DemoForm({"name": ""})
    form.is_valid()
    html = render('{% include "console/components/form_field.html" with field=form.name %}', form=form)
    assert '<label class="form-label" for="id_name">Name</label>' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_name_help id_name_error"' in html
    assert '<div class="form-text" id="id_name_help">As shown to others.</div>' in html
    assert 'id="id_name_error">This field is required.</div>' in html


SUMMARY = '{% include "console/components/error_summary.html" with form=form id="demo-form" %}'


def test_error_summary_lists_every_field_error_with_a_link_and_takes_the_focus():
    html = render(SUMMARY, form=DemoForm({"name": ""}))  # rendering validates the bound form
    assert '<div class="error-summary" id="demo-form-errors" tabindex="-1" autofocus' in html
    assert "2 fields to correct</h2>" in html
    for field in ("name", "agree"):
        link = f'<a href="#id_{field}" data-field="{field}">{field.capitalize()}: This field is required.</a>'
        assert link in html
    assert "error-summary" not in render(SUMMARY, form=DemoForm())  # unbound (or valid): nothing shows
    assert "error-summary" not in render(SUMMARY, form=DemoForm({"name": "Ada", "agree": "on"}))


def test_form_field_keeps_the_value():
    form = DemoForm({"name": "Ada"})
    html = render('{% include "console/components/form_field.html" with field=form.name %}', form=form)
    assert 'value="Ada"' in html and "aria-invalid" not in html


def test_confirm_dialog():
    html = render(
        '{% include "console/components/confirm_dialog.html" with id="remove-ada" title="Remove Ada?" '
        'text="She loses access." action="/members/A1/remove" confirm_label="Remove member" danger=True %}',
        fields={"next": "/members"},
    )
    assert '<dialog class="console-dialog" id="remove-ada" role="dialog"' in html
    assert 'aria-labelledby="remove-ada-title"' in html and 'id="remove-ada-title"' in html
    assert 'action="/members/A1/remove"' in html and 'name="next" value="/members"' in html
    assert 'formmethod="dialog"' in html and "btn-danger" in html


def test_one_confirm_dialog_serves_every_row_through_confirm_button():
    dialog = render(
        '{% include "console/components/confirm_dialog.html" with id="remove-dialog" '
        'title="Remove {name} from {name}?" text=words confirm_label="Remove" danger=True %}',
        words="<b>{name}</b> leaves.",
    )
    # The first "{name}" of each is the row's name (console.js fills it); a second one is text, as is markup.
    assert '<h2 id="remove-dialog-title">Remove <span data-name-slot></span> from {name}?</h2>' in dialog
    assert '<p id="remove-dialog-text">&lt;b&gt;<span data-name-slot></span>&lt;/b&gt; leaves.</p>' in dialog
    button = Template(
        '{% load console %}{% confirm_button "remove-dialog" "/teams/T1/members/M1/remove" name "Remove" %}'
    ).render(Context({"name": "Ann <O'Neil>", "csrf_token": "tok"}))
    assert 'commandfor="remove-dialog" data-confirm-action="/teams/T1/members/M1/remove"' in button
    assert 'data-confirm-name="Ann &lt;O&#x27;Neil&gt;"' in button and "requires-js" in button
    assert '>Remove<span class="visually-hidden"> Ann &lt;O&#x27;Neil&gt;</span></button>' in button
    # Without JavaScript: the row's own form, with the page's CSRF token, posts at once.
    noscript = re.search(r"<noscript>(.*)</noscript>", button).group(1)
    assert '<form method="post" action="/teams/T1/members/M1/remove"' in noscript
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="tok">' in noscript and "Remove now" in noscript


def test_status_badge_and_stat_card():
    assert 'tone-success">Active</span>' in render('{% load console %}{% status_badge "active" %}')
    assert 'tone-warning">Pending</span>' in render('{% load console %}{% status_badge "pending" %}')
    assert 'tone-neutral">Not set up</span>' in render(
        '{% load console %}{% status_badge "off" label="Not set up" tone="neutral" %}'
    )
    html = render('{% include "console/components/stat_card.html" with label="Teams" value=0 icon="diagram-3" %}')
    assert '<p class="stat-card-label">Teams</p>' in html and '<p class="stat-card-value">0</p>' in html


MEMBER = {
    "id": "M1ANN",
    "organizationId": "ORG1",
    "userId": "U1ANN",
    "email": "ann@acme.test",
    "givenName": "Ann",
    "familyName": "O'Neil",
    "displayName": "Ann O'Neil",
    "joinedAt": "2026-01-02T03:04:05Z",
    "createdAt": "2026-01-02T03:04:05Z",
    "updatedAt": "2026-01-02T03:04:05Z",
}


def test_member_cell_links_the_name_and_marks_external_and_deactivated_people():
    member = Member.model_validate(
        {**MEMBER, "displayName": "Ann <b>O'Neil</b>", "accountType": "external", "status": "deactivated"}
    )
    html = Template("{% load console %}{% member_cell m '/members/' %}|{% member_cell m '/members/' status=True %}")
    plain, with_status = html.render(Context({"m": member})).split("|")
    assert '<span class="avatar" aria-hidden="true">A</span>' in plain  # initials of words only
    assert f'<a class="cell-primary" href="/members/{member.id}">Ann &lt;b&gt;O&#x27;Neil&lt;/b&gt;</a>' in plain
    assert "External" in plain and "Deactivated" not in plain  # the list's own Status column says it
    deactivated = '<span class="badge-status tone-neutral">Deactivated</span>'
    assert with_status.endswith(f"External</span> {deactivated}</div></div>")
    managed = member.model_copy(update={"account_type": "managed", "status": "active"})
    assert "External" not in Template("{% load console %}{% member_cell m '/m/' %}").render(Context({"m": managed}))


def test_loading_indicator_is_hidden_until_a_request():
    html = render('{% loading id="busy" %}')
    assert 'class="loading-indicator htmx-indicator" id="busy" role="status"' in html and "Loading…" in html
    named = render("{% loading label %}", label="Loading <the> roles…")
    assert " id=" not in named and "<span>Loading &lt;the&gt; roles…</span>" in named


# --- Template helpers --------------------------------------------------------------------------------


def test_icon_tag():
    decorative = render('{% icon "people" %}')
    use = '<use href="/static/vendor/icons.svg#people"></use>'
    assert decorative == f'<svg class="bi" aria-hidden="true" focusable="false">{use}</svg>'
    labelled = render('{% icon "x-lg" label="Close" %}')
    assert 'role="img" aria-label="Close"' in labelled


def test_duration():
    assert duration(720) == "12 hours"
    assert duration(90) == "1 hour 30 minutes"
    assert duration(168, "hours") == "7 days"
    assert duration(30, "days") == "30 days"
    assert duration(None) == "—"


def test_timestamp():
    now = datetime.now(UTC)
    assert ">3\xa0hours ago</time>" in timestamp(now - timedelta(hours=3, minutes=2))
    assert 'datetime="2024-02-03T04:05:06Z"' in timestamp("2024-02-03T04:05:06Z")
    assert ">3 Feb 2024</time>" in timestamp(datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC))
    assert timestamp(None) == "—"


def test_timestamp_gives_the_exact_time_to_keyboard_touch_and_screen_readers():
    html = timestamp(datetime.now(UTC) - timedelta(hours=3, minutes=2))
    exact = re.search(r'data-exact="([^"]+)"', html).group(1)
    assert exact.endswith(" UTC")  # the tooltip (CSS, on hover and on focus: a tap focuses)
    assert 'tabindex="0"' in html  # reachable with Tab
    assert f'aria-label="3\xa0hours ago ({exact})"' in html  # read out with both
    assert "title=" not in html  # no second, mouse-only tooltip


@pytest.mark.parametrize(
    ("ahead", "text"),
    [
        (timedelta(days=7, seconds=-30), "in 7\xa0days"),  # a 7-day invitation seen a moment later
        (timedelta(days=6, hours=11), "in 6\xa0days"),
        (timedelta(days=6, hours=13), "in 7\xa0days"),
        (timedelta(hours=23, minutes=40), "in 1\xa0day"),
        (timedelta(hours=2, minutes=50), "in 3\xa0hours"),
        (timedelta(minutes=59, seconds=50), "in 1\xa0hour"),
        (timedelta(minutes=4, seconds=40), "in 5\xa0minutes"),
        (timedelta(seconds=20), "just now"),
    ],
)
def test_future_times_round_to_the_nearest_unit(ahead, text):
    assert f">{text}</time>" in timestamp(datetime.now(UTC) + ahead)


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(days=6, hours=23), "6\xa0days ago"),  # whole units, counted down as timesince does
        (timedelta(days=1, hours=23), "1\xa0day ago"),
        (timedelta(hours=23, minutes=59), "23\xa0hours ago"),
        (timedelta(hours=1), "1\xa0hour ago"),
        (timedelta(minutes=59, seconds=50), "59\xa0minutes ago"),
        (timedelta(minutes=1, seconds=5), "1\xa0minute ago"),
        (timedelta(seconds=50), "just now"),
    ],
)
def test_past_times_count_whole_units(ago, text):
    assert f">{text}</time>" in timestamp(datetime.now(UTC) - ago)


def test_past_spans_are_worded_as_djangos_timesince_words_them():
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    for seconds in range(60, 7 * 24 * 3600, 7 * 61):
        assert elapsed(seconds) == timesince(now - timedelta(seconds=seconds), now, depth=1), seconds


def test_times_beyond_a_week_are_dates():
    moment = datetime.now(UTC) + timedelta(days=8)
    assert f">{moment.strftime('%-d %b %Y')}</time>" in timestamp(moment)


def test_a_date_is_the_same_element_whatever_the_time_zone_or_style():
    moment = datetime(2024, 2, 3, 23, 30, tzinfo=UTC)
    elsewhere = moment.astimezone(timezone(timedelta(hours=5)))  # 4 Feb there; shown in UTC
    expected = (
        '<time datetime="2024-02-03T23:30:00Z" data-exact="3 Feb 2024, 23:30 UTC" tabindex="0" '
        'aria-label="3 Feb 2024, 23:30 UTC">3 Feb 2024</time>'
    )
    assert timestamp(moment, "date") == timestamp(elsewhere, "date") == timestamp(elsewhere) == expected
    recent = datetime.now(UTC) - timedelta(minutes=5)
    assert f">{recent.strftime('%-d %b %Y')}</time>" in timestamp(recent, "date")
    assert ">5\xa0minutes ago</time>" in timestamp(recent)


def test_clip_shortens_long_text_only():
    assert clip("Experiments and funnels", 23) == "Experiments and funnels"
    assert clip("Experiments and funnels", 12) == "Experiments…"
    assert clip("Café" + "\u0301" * 3, 4) == "Café\u0301\u0301\u0301"  # combining marks are not characters
    assert clip("anything", 0) == ""


def test_small_filters():
    assert initials("Olivia Owner") == "OO" and initials("Ada") == "A" and initials("") == "?"
    assert percent_of(1, 3) == "33.3" and percent_of(0, 3) == "0" and percent_of(5, 0) == "0"
    assert percent_of(1, 1000) == "1.5"  # a non-zero bar stays visible
    assert status_tone("failed") == "danger" and status_tone("whatever") == "neutral"


# --- htmx helper -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"HX-Request": "true", "HX-Target": "overview"}, True),
        ({"HX-Request": "true", "HX-Target": "main"}, False),
        ({"HX-Request": "true", "HX-Target": "overview", "HX-Boosted": "true"}, False),
        ({"HX-Request": "true", "HX-Target": "overview", "HX-History-Restore-Request": "true"}, False),
        ({}, False),
    ],
)
def test_targets(headers, expected):
    from django_htmx.middleware import HtmxDetails

    request = RequestFactory().get("/", headers=headers)
    request.htmx = HtmxDetails(request)
    assert targets(request, "overview") is expected


class MarkerQuery(ListQuery):
    marker_paging = True
    searchable = False
    status = forms.ChoiceField(required=False, label="Status", choices=[("failed", "Failed")])


def test_marker_lists_have_no_search_and_chips_start_over():
    query = MarkerQuery({"q": "ignored", "status": "failed", "marker": "abc"})
    assert "q" not in query.fields and not query.search
    assert query.params() == {"limit": 50, "marker": "abc"}
    assert [chip.remove_url for chip in query.chips()] == ["?"]  # the marker belonged to the filtered list


class HeaderForm(PlatformForm):
    url = forms.CharField(required=False)
    headers = forms.CharField(required=False)
    wire_fields = {"config.url": "url", "config.headers": "headers"}


def test_platform_errors_land_on_the_field_of_the_nearest_known_path():
    form = HeaderForm({})
    assert form.is_valid()
    form.add_platform_error(
        ValidationFailed("No.", field_errors={"config.headers.X-Team": "not ASCII", "config.url": "no", "other": "?"})
    )
    assert form.errors == {"headers": ["not ASCII"], "url": ["no"], "__all__": ["?"]}
