"""Settings for the console and the embedded local platform, all read from the environment.

Every variable is documented in .env.example. Misconfiguration fails loudly at start-up.
"""

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A .env file in the project root is read if present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("LAKESAIL_TESTING", default=False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; in DEBUG, a generated key persisted under var/."""
    key = env.str("SECRET_KEY", default="")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set it in the environment or in .env "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# The local profile (contract §7): the Dev mailbox, and outbound requests from the platform to loopback
# addresses and plain http:// URLs (demo receivers, tests). On by default only with DEBUG; a deployment
# with DEBUG off refuses it, because it opens an unauthenticated mailbox and the machine's own ports.
LAKESAIL_LOCAL_MODE = env.bool("LAKESAIL_LOCAL_MODE", default=DEBUG)
if LAKESAIL_LOCAL_MODE and not DEBUG and not TESTING:
    raise ImproperlyConfigured(
        "LAKESAIL_LOCAL_MODE=true needs DEBUG=true: it exposes the Dev mailbox without a token and lets the "
        "platform call loopback addresses. Unset it for a deployment."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Platform API (the one seam) ---------------------------------------------------------
# Unset: the embedded local platform, reached in-process through a WSGI transport.
# Set: real HTTP to that base URL (e.g. https://platform.lakesail.com/api/v1).
LAKESAIL_API_URL = env.str("LAKESAIL_API_URL", default="").rstrip("/")
LAKESAIL_API_TIMEOUT = env.float("LAKESAIL_API_TIMEOUT", default=10.0)
if LAKESAIL_API_TIMEOUT <= 0:
    raise ImproperlyConfigured("LAKESAIL_API_TIMEOUT must be a positive number of seconds.")
if LAKESAIL_API_URL and not LAKESAIL_API_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("LAKESAIL_API_URL must be an http:// or https:// URL ending in /api/v1.")
# Public origin of this deployment (mail links, DPoP htu behind a proxy). Empty: the request's origin.
LAKESAIL_PUBLIC_BASE_URL = env.str("LAKESAIL_PUBLIC_BASE_URL", default="").rstrip("/")
# Password of the demo organization's users created by `manage.py seed_demo`.
LAKESAIL_DEMO_PASSWORD = env.str("LAKESAIL_DEMO_PASSWORD", default="acme-demo-password")

# --- Applications ------------------------------------------------------------------------
# The embedded local platform (localplatform/, mounted at /api/v1) is installed unless the console is
# deployed on its own against a remote platform: LAKESAIL_API_URL set and LAKESAIL_EMBEDDED_PLATFORM=false.
LAKESAIL_EMBEDDED_PLATFORM = env.bool("LAKESAIL_EMBEDDED_PLATFORM", default=True)
if not LAKESAIL_EMBEDDED_PLATFORM and not LAKESAIL_API_URL:
    raise ImproperlyConfigured(
        "LAKESAIL_EMBEDDED_PLATFORM=false needs LAKESAIL_API_URL: the console must be told which platform to call."
    )
INSTALLED_APPS = [
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "console",
]
PLATFORM_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "localplatform.identity",
    "localplatform.events",
    # Accounts: sign-up, email addresses, password reset, login codes, MFA on django-allauth's models.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "localplatform.accounts",
    "localplatform.notifications",
    "localplatform.sso",
    "localplatform.infra",
    "localplatform.workloads",
    "localplatform.billing",
    "django_tasks_db",
]
if LAKESAIL_EMBEDDED_PLATFORM:
    INSTALLED_APPS = PLATFORM_APPS[:2] + INSTALLED_APPS + PLATFORM_APPS[2:]
# What the in-process transport calls: the platform's own WSGI app (its middleware and URLs only).
LAKESAIL_EMBEDDED_WSGI = "localplatform.api.wsgi.application"

MIDDLEWARE = [
    # First, so that whatever fails below it on a platform route (even the HTTPS redirect) is an Error object.
    "localplatform.api.middleware.PlatformApiMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "console.middleware.CsrfCookieOnceMiddleware",  # right below it: the cookie is not re-sent with every page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "console.middleware.HtmxVaryMiddleware",
    "console.middleware.PlatformMiddleware",
    "console.enrollment.MfaEnrollmentMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]
if not LAKESAIL_EMBEDDED_PLATFORM:
    MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith(("localplatform.", "allauth."))]

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.messages.context_processors.messages",
                "console.context_processors.console",
            ],
            "builtins": ["django_htmx.templatetags.django_htmx"],
        },
    },
]

# --- Database ----------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lakesail.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The local platform's users. The console itself has no user model: its identity is the platform's.
AUTH_USER_MODEL = "identity.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
# Password reset links live 1 hour (§3.1.11); email verification links 24 h, single use (§3.1.13).
PASSWORD_RESET_TIMEOUT = 3600
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 1
ACCOUNT_EMAIL_SUBJECT_PREFIX = "LakeSail: "
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"length": 6, "numeric": True, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 5
# TOTP per §3.8: SHA-1, 6 digits, 30 s, one step either way; 10 recovery codes shown as xxxx-xxxx.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LakeSail"
MFA_TOTP_PERIOD = 30
MFA_TOTP_DIGITS = 6
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
MFA_RECOVERY_CODE_DIGITS = 8
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Sessions, cookies, security -----------------------------------------------------------
# Tokens live only in the server-side session (database); the browser holds the session id.
SESSION_ENGINE = "console.sessions"
SESSION_COOKIE_NAME = "lakesail_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie: the token is rendered into hx-headers.
CSRF_FAILURE_VIEW = "console.views.errors.csrf_failure"  # a page (or a toast) that says what happened
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# HSTS preload is opt-in (hard to undo once browsers ship the list): leaving it off is a choice, not a warning.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# A strict Content-Security-Policy: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Mail --------------------------------------------------------------------------------
# SMTP_HOST sends for real. Without it, the local profile keeps every message in the local platform's
# outbox ("Dev mailbox", GET /_local/outbox); outside it, mail is dropped (nobody may read sign-in codes
# and reset links) and `manage.py check --deploy` reports the error (localplatform/accounts/checks.py).
SMTP_HOST = env.str("SMTP_HOST", default="")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LakeSail <no-reply@lakesail.local>")
if SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": env.int("SMTP_PORT", default=587),
                "username": env.str("SMTP_USER", default=""),
                "password": env.str("SMTP_PASSWORD", default=""),
                "use_tls": env.bool("SMTP_STARTTLS", default=True),
                "timeout": 10,
            },
        }
    }
elif LAKESAIL_LOCAL_MODE:
    MAILERS = {"default": {"BACKEND": "localplatform.accounts.mail.OutboxBackend"}}
else:
    MAILERS = {"default": {"BACKEND": "localplatform.accounts.mail.UnconfiguredBackend"}}

# --- Background work: Django's tasks framework; `manage.py db_worker` runs the database queue ----
# Tests run tasks in-process (immediate backend); the retry test switches to the database backend.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
    }
}
# Notification delivery retries (§4.4): seconds to wait before the 2nd, 3rd, ... attempt.
# The simulated AWS of the infrastructure area (contract §7): every stage's duration is divided by this.
LAKESAIL_SIM_SPEED = env.float("LAKESAIL_SIM_SPEED", default=1.0)
# Workloads (contract §7): where runners keep their state, the host name their ports are reached by, and a
# divisor for every lifecycle timer (presence, compute activity, idle and detached timeouts) so tests can shorten them.
LAKESAIL_WORKLOAD_DIR = env.path("LAKESAIL_WORKLOAD_DIR", default=VAR_DIR / "workloads")
LAKESAIL_WORKLOAD_HOST = env.str("LAKESAIL_WORKLOAD_HOST", default="127.0.0.1")
LAKESAIL_WORKLOAD_TIME_SCALE = env.float("LAKESAIL_WORKLOAD_TIME_SCALE", default=1.0)
# How often an open notebook's page tells the platform someone is looking (contract §3.18.9: about every 60 s).
LAKESAIL_HEARTBEAT_SECONDS = env.float("LAKESAIL_HEARTBEAT_SECONDS", default=60.0)
LAKESAIL_NOTIFY_RETRY_DELAYS = env.list("LAKESAIL_NOTIFY_RETRY_DELAYS", cast=int, default=[60, 300, 1800])

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# --- Logging: never log tokens; request ids tie console and platform lines together --------
# Every handler masks tokens (console/logs.py): /invitations/<token> paths, ?token=/?key=/?code= query values,
# Bearer values. Django's own handlers are replaced, so none writes unmasked: "django" logs through the root
# handler, "django.server" (runserver's request lines) through its own. gunicorn's logs: gunicorn.conf.py.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "console.logs.RedactTokens"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"level": LOG_LEVEL},  # listed so that Django's default handlers are dropped
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # httpx logs every request URL at INFO; the console's own call log (console.client) is the one line per call.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
# Error pages and reports hide variables that look like secrets (tokens, passwords, keys).
DEFAULT_EXCEPTION_REPORTER_FILTER = "console.debug.SecretHidingReporterFilter"
