"""Template context every console page gets: theme, navigation, who is signed in, deployment mode.

Must work for any request, including error pages rendered without a session or a platform client.
"""

from dataclasses import dataclass
from functools import lru_cache, partial

from django.conf import settings
from django.core.signals import setting_changed
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.autoreload import file_changed
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from console.sessions import read_identity
from console.views.access import RELATIONS_KEY

SIDEBAR = "console/components/sidebar.html"
TOPBAR = "console/components/topbar.html"
# Stand-ins for what differs on every request, in the top bar rendered once per person and theme. Escaped
# text can never contain them (its "<" is always escaped), so only these places are replaced.
CSRF_SLOT = mark_safe("<!--csrf-token-->")
NEXT_SLOT = mark_safe("<!--next-path-->")
THEME_COOKIE = "theme"
THEMES = ("light", "dark", "system")
THEME_LABELS = {"light": ("Light", "sun"), "dark": ("Dark", "moon-stars"), "system": ("System", "circle-half")}
THEME_OPTIONS = tuple({"value": v, "label": THEME_LABELS[v][0], "icon": THEME_LABELS[v][1]} for v in THEMES)


@dataclass(frozen=True)
class NavItem:
    """One sidebar entry. `match` lists URL-name prefixes that mark it current (its own URL name by default)."""

    label: str
    url_name: str
    icon: str
    match: tuple[str, ...] = ()
    relation: str = ""  # shown only to those who hold it (when the session knows their permissions)


@dataclass(frozen=True)
class NavSection:
    label: str  # "" for the unlabelled top section
    items: tuple[NavItem, ...]


INFRA = "CanViewInfrastructure"

# The sidebar. A new screen area adds its entry here (and nowhere else); areas that do not exist yet
# have no entry, so the navigation never shows a dead link.
NAVIGATION: tuple[NavSection, ...] = (
    NavSection("", (NavItem("Dashboard", "dashboard", "speedometer2"),)),
    NavSection(
        "Organization",
        (
            NavItem("Members", "member_list", "people", match=("member", "invitation")),
            NavItem(
                "Teams",
                "team_list",
                "diagram-3",
                match=("team_list", "team_create", "team_detail", "team_settings", "team_delete", "team_member"),
            ),
            NavItem("Roles", "role_list", "shield-lock", match=("role", "team_role", "permission")),
        ),
    ),
    NavSection(
        "Infrastructure",
        (
            NavItem(
                "Cloud accounts", "connection_list", "cloud", match=("connection",), relation="CanViewInfrastructure"
            ),
            NavItem("Networks", "network_list", "diagram-2", match=("network",), relation="CanViewInfrastructure"),
            NavItem("Clusters", "cluster_list", "hdd-stack", match=("cluster",), relation="CanViewInfrastructure"),
        ),
    ),
    NavSection(
        "Workloads",
        (
            NavItem("Notebooks", "notebook_list", "journal-code", match=("notebook",)),
            NavItem("Sessions", "session_list", "terminal", match=("session",)),
            NavItem("Compute profiles", "profile_list", "cpu", match=("profile",)),
            NavItem("Secrets", "secret_list", "key", match=("secret",)),
        ),
    ),
    NavSection(
        "Billing",
        (NavItem("Billing", "billing_overview", "receipt", match=("billing",), relation="CanViewBilling"),),
    ),
    NavSection(
        "Operations",
        (NavItem("Notifications", "notification_channel_list", "bell", match=("notification",)),),
    ),
    NavSection(
        "Settings",
        (
            NavItem("Organization", "organization_settings", "building"),
            NavItem(
                "Identity providers",
                "identity_provider_list",
                "key",
                match=("identity_provider",),
                relation="CanManageIdentityProviders",
            ),
        ),
    ),
)


def theme_choice(request) -> str:
    """The theme saved in the cookie: light, dark or system (the default)."""
    value = request.COOKIES.get(THEME_COOKIE, "")
    return value if value in THEMES else "system"


def _relations(request) -> frozenset[str] | None:
    """The caller's permissions as the session caches them (console.views.access), None when not known yet."""
    cached = request.session.get(RELATIONS_KEY) if hasattr(request, "session") else None
    return frozenset(cached.get("relations", ())) if isinstance(cached, dict) else None


def _sidebar(request) -> str:
    match = getattr(request, "resolver_match", None)
    current: str = (match.url_name if match else None) or ""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _rendered_sidebar(current, _relations(request), get_script_prefix(), urlconf, not settings.LAKESAIL_API_URL)


@lru_cache(maxsize=256)
def _rendered_sidebar(current: str, relations, script_prefix: str, urlconf, local_platform: bool) -> str:
    """The sidebar's HTML for one screen and set of permissions: rendered once, then reused on every page (it
    was a third of the page's rendering; README "Speed")."""
    navigation = _sections(current, relations, script_prefix, urlconf)
    return render_to_string(SIDEBAR, {"navigation": navigation, "local_platform": local_platform})


def _topbar(request, identity, choice: str, csrf_token) -> SafeString:
    """The top bar with this request's CSRF token and path (the theme form's return) put in."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    local = not settings.LAKESAIL_API_URL
    html = _rendered_topbar(identity, choice, dev_mailbox(), local, get_script_prefix(), urlconf)
    return mark_safe(  # noqa: S308  (escaped values into HTML the template engine escaped)
        html.replace(CSRF_SLOT, escape(csrf_token)).replace(NEXT_SLOT, escape(request.get_full_path()))
    )


@lru_cache(maxsize=256)
def _rendered_topbar(identity, choice: str, mailbox: bool, local_platform: bool, script_prefix: str, urlconf) -> str:
    """The top bar's HTML for one person (the snapshot of GET /me) and theme: rendered once, then reused with
    each request's own values in the slots (README "Speed")."""
    context = {
        "identity": identity,
        "theme": theme_context(choice),
        "dev_mailbox": mailbox,
        "local_platform": local_platform,
        "csrf_token": CSRF_SLOT,
        "next_path": NEXT_SLOT,
    }
    return render_to_string(TOPBAR, context)


def _sections(current: str, relations: frozenset[str] | None, script_prefix: str, urlconf) -> tuple[dict, ...]:
    """The sidebar's entries for one screen and set of permissions."""
    sections = []
    for section in NAVIGATION:
        items = []
        for item in section.items:
            if item.relation and relations is not None and item.relation not in relations:
                continue  # not offered; the screen and the platform still refuse if reached
            try:
                url = reverse(item.url_name, urlconf=urlconf)
            except NoReverseMatch:
                continue
            prefixes = item.match or (item.url_name,)
            active = any(current == p or current.startswith(f"{p}_") for p in prefixes)
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
        if items:
            sections.append({"label": section.label, "items": tuple(items)})
    return tuple(sections)


def dev_mailbox() -> bool:
    """Whether the Dev mailbox exists: the embedded platform in the local profile, without SMTP (contract §7)."""
    return not settings.LAKESAIL_API_URL and bool(settings.LAKESAIL_LOCAL_MODE) and not settings.SMTP_HOST


def _identity(request):
    if getattr(request, "platform", None) is None or not hasattr(request, "session"):
        return None
    return read_identity(request.session)


def theme_context(choice: str) -> dict:
    """What the templates read about the theme: the choice, what the first paint uses, the menu's options."""
    return {
        "choice": choice,
        # "system" renders light; console.js switches to dark before the first paint when the OS asks.
        "initial": "light" if choice == "system" else choice,
        "options": THEME_OPTIONS,
    }


def console(request):
    choice = theme_choice(request)
    # A snapshot of GET /me taken at sign-in (console.sessions.Identity); None when signed out.
    identity = _identity(request)
    # One masked token for the whole page, top bar included (Django's own is made for the template's forms
    # only, and masking one costs tens of microseconds).
    csrf_token = SimpleLazyObject(partial(get_token, request))
    return {
        "theme": theme_context(choice),
        "csrf_token": csrf_token,
        # Called by the template where it shows them (signed-out pages never pay for them).
        "sidebar": partial(_sidebar, request),
        "topbar": partial(_topbar, request, identity, choice, csrf_token),
        "identity": identity,
        "local_platform": not settings.LAKESAIL_API_URL,
        # Links to the Dev mailbox appear only where it exists.
        "dev_mailbox": dev_mailbox(),
    }


def _forget_rendered(**kwargs) -> None:
    _rendered_sidebar.cache_clear()
    _rendered_topbar.cache_clear()


# The rendered sidebar and top bar name static files and read their templates: forget them when either may
# have changed.
setting_changed.connect(_forget_rendered, dispatch_uid="console.rendered")
file_changed.connect(_forget_rendered, dispatch_uid="console.rendered")
