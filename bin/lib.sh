# Shared shell functions for bin/run and bin/test. Source it; do not run it.
# shellcheck shell=bash

# The repository root, whatever directory the command was started from.
LAKESAIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$LAKESAIL_ROOT/.venv"
VENV_PY="$VENV/bin/python"
# Written after a successful install: the pyproject.toml hash and the extras installed.
INSTALL_STAMP="$VENV/.lakesail-install-stamp"

if [ -t 1 ]; then _bold=$'\033[1m' _red=$'\033[31m' _off=$'\033[0m'; else _bold="" _red="" _off=""; fi
say() { printf '%s==> %s%s\n' "$_bold" "$*" "$_off"; }
die() { printf '%serror:%s %s\n' "$_red" "$_off" "$*" >&2; exit 1; }

# True when the interpreter at $1 runs and is Python >= 3.12.
_python_ok() {
  [ -n "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

# Prints the path of a Python >= 3.12: pyenv's installed versions by path (the bare pyenv
# shims fail unless a version is selected), then python3.13 / python3.12 / python3 on PATH.
find_python() {
  local root candidate
  root="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"
  candidate="$(ls -d "$root"/versions/3.1[2-9]*/bin/python3.1? 2>/dev/null | sort -V | tail -1)"
  if _python_ok "$candidate"; then echo "$candidate"; return 0; fi
  for candidate in python3.14 python3.13 python3.12 python3; do
    candidate="$(command -v "$candidate" 2>/dev/null)" || continue
    if _python_ok "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

# Creates .venv if missing (or broken) and installs the project into it, editable, with the
# extras named in $1 (e.g. "dev"). Re-installs only when pyproject.toml or the extras change.
ensure_venv() {
  local extras="${1:-}" python hash want
  if ! _python_ok "$VENV_PY"; then
    python="$(find_python)" || die "Python 3.12 or newer is required and none was found.
  Install one (for example 'pyenv install 3.12'; Debian 12's own python3 is 3.11) so that it is
  under \$(pyenv root)/versions or on PATH as python3.12 or python3.13, and run this again."
    [ -d "$VENV" ] && { say "Replacing $VENV (its Python is missing or older than 3.12)"; rm -rf "$VENV"; }
    say "Creating $VENV with $python ($("$python" --version 2>&1))"
    "$python" -m venv "$VENV" || die "could not create $VENV with $python (Debian: apt-get install python3-venv)"
    rm -f "$INSTALL_STAMP"
  fi
  hash="$(sha256sum "$LAKESAIL_ROOT/pyproject.toml" | cut -d' ' -f1)"
  # A venv installed with more extras than asked for is still up to date.
  if [ -f "$INSTALL_STAMP" ] && [ "$(sed -n 1p "$INSTALL_STAMP")" = "$hash" ]; then
    local have
    have="$(sed -n 2p "$INSTALL_STAMP")"
    if [ -z "$extras" ] || [[ ",$have," == *",$extras,"* ]]; then return 0; fi
  fi
  want="."
  [ -n "$extras" ] && want=".[$extras]"
  say "Installing the project into .venv (pip install -e '$want')"
  (cd "$LAKESAIL_ROOT" && "$VENV_PY" -m pip install --quiet --disable-pip-version-check -e "$want") \
    || die "pip install -e '$want' failed (see above)"
  printf '%s\n%s\n' "$hash" "$extras" >"$INSTALL_STAMP"
}

# Installs the npm packages of package-lock.json (npm ci) unless exactly that lock is installed already:
# the OpenID Connect provider the SSO tests and bin/oidc-provider run (and bin/vendor's libraries).
ensure_node_modules() {
  local stamp="$LAKESAIL_ROOT/node_modules/.lakesail-lock-hash" hash
  hash="$(sha256sum "$LAKESAIL_ROOT/package-lock.json" | cut -d' ' -f1)"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && return 0
  command -v npm >/dev/null || { echo "npm is required (Debian: apt-get install -y npm)" >&2; return 1; }
  (cd "$LAKESAIL_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  echo "$hash" >"$stamp"
}
