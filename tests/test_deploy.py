"""Production readiness: `check --deploy` is clean with production settings, misconfiguration fails
loudly at start-up, and every variable settings.py reads is documented in .env.example.

Django runs in a subprocess so each case gets a fresh settings module. The subprocess ignores the
repository's .env (a developer's local .env must not change what these tests see) and starts from
an environment with none of the settings' variables (pytest-env sets test values for them).
"""

import ast
import gc
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "console" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"
# What a deployment sets; everything else (SECURE_SSL_REDIRECT, HSTS, secure cookies...) at its default.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "prod-" + "k3y-" * 12 + "not-a-real-secret",  # 58 characters
    "ALLOWED_HOSTS": "console.example.com",
    "DATABASE_URL": "postgres://lakesail@db.example.com:5432/lakesail",
    "SMTP_HOST": "smtp.example.com",
}
# Set for the test run by pytest-env; never in a deployment.
TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
# manage.py, with environ.Env.read_env made a no-op so that the repository's .env is not read.
MANAGE_WITHOUT_DOTENV = (
    "import runpy, sys, environ; environ.Env.read_env = lambda *args, **kwargs: None; "
    "sys.argv = ['manage.py', *sys.argv[1:]]; runpy.run_path('manage.py', run_name='__main__')"
)


def settings_variables() -> list[str]:
    """Names of the environment variables settings.py reads: env("NAME") and env.<type>("NAME", ...)."""
    names = []
    for node in ast.walk(ast.parse(SETTINGS.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        func = node.func
        is_env_call = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
        )
        if is_env_call and isinstance(node.args[0].value, str):
            names.append(node.args[0].value)
    return sorted(set(names))


def manage(*args: str, **overrides: str) -> subprocess.CompletedProcess[str]:
    """Runs manage.py with an environment free of the settings' variables, plus `overrides`."""
    unwanted = {*settings_variables(), *TEST_ONLY}
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", MANAGE_WITHOUT_DOTENV, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_reads_variables():
    """The parser below finds what it should (a guard against a silently empty list)."""
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"} <= set(settings_variables())


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_without_mail_settings_check_deploy_fails_and_the_outbox_is_absent(tmp_path):
    """DEBUG off and no SMTP_HOST: `check --deploy` reports the error, and the Dev mailbox answers 404."""
    env = {name: value for name, value in PRODUCTION.items() if name != "SMTP_HOST"}
    check = manage("check", "--deploy", **env)
    assert check.returncode != 0
    assert "lakesail.E001" in check.stderr and "Mail is not configured" in check.stderr, check.stderr
    # The same settings serving requests, on a throwaway SQLite file (nothing leaves this machine).
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    served = manage("shell", "--no-imports", "-c", OUTBOX_REQUESTS, **env)
    assert served.returncode == 0, served.stderr
    assert served.stdout.split() == ["404", "404", "localplatform.accounts.mail.UnconfiguredBackend"]


# Asks the configured site for the Dev mailbox, as a browser of the deployment would.
OUTBOX_REQUESTS = (
    "from django.conf import settings; from django.test import Client; "
    "client = Client(HTTP_HOST='console.example.com'); "
    "print(client.get('/_local/outbox', secure=True).status_code); "
    "print(client.get('/_local/outbox/ANY', secure=True).status_code); "
    "print(settings.MAILERS['default']['BACKEND'])"
)


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY is required when DEBUG is off"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS is required when DEBUG is off"),
    ],
)
def test_start_up_fails_loudly_without_required_settings(missing, message):
    env = {name: value for name, value in PRODUCTION.items() if name != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr, result.stderr


def test_short_secret_key_is_refused():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "SECRET_KEY must be at least" in result.stderr, result.stderr


def test_every_settings_variable_is_documented_in_env_example():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE))
    undocumented = [name for name in settings_variables() if name not in documented]
    assert not undocumented, f".env.example does not document: {', '.join(undocumented)}"


def test_gunicorn_workers_keep_start_up_objects_out_of_the_garbage_collector():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    before = gc.get_freeze_count()
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
