#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs the pinned requirements.
# Idempotent: does nothing when the installed requirements are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

works() {  # a pyenv shim is on PATH even when its version is not active: run it to be sure
  "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1
}

find_python() {
  if command -v python3.10 >/dev/null 2>&1 && works "$(command -v python3.10)"; then
    command -v python3.10; return
  fi
  local roots=()
  if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root)"); fi
  roots+=("${PYENV_ROOT:-}" "$HOME/.pyenv" "/root/.pyenv" "/opt/pyenv")
  for root in "${roots[@]}"; do
    [ -n "$root" ] || continue
    for candidate in "$root"/versions/3.10*/bin/python3.10; do
      if [ -x "$candidate" ] && works "$candidate"; then echo "$candidate"; return; fi
    done
  done
  return 1
}

stamp=.venv/.requirements.sha256
wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  touch "$stamp"  # up to date: tell make so
  exit 0
fi

if ! python=$(find_python); then
  cat >&2 <<'MSG'
Python 3.10 was not found (Rasa 3.6 runs on Python 3.8-3.10; this project pins 3.10).
Install it, then run the command again. For example:
  - Debian/Ubuntu with deadsnakes:  sudo apt-get install python3.10 python3.10-venv
  - pyenv:                          pyenv install 3.10.13
The set-up looks for python3.10 on PATH and in pyenv's versions folder.
MSG
  exit 1
fi

echo "Setting up .venv with $python (this takes a few minutes the first time)"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  rm -rf .venv
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.0"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
echo "$wanted" > "$stamp"
