#!/usr/bin/env bash
# Debian's Chromium for the end-to-end tests of the widget (Playwright drives it by path; no
# browser is ever downloaded by Playwright). Run by `make test` before the tests.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
install=(apt-get install -y -qq --no-install-recommends chromium)
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && "${install[@]}"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo "${install[@]}"
else
  echo "The widget's browser tests need Debian's chromium: sudo apt-get install chromium" >&2
  exit 1
fi
