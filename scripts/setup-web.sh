#!/usr/bin/env bash
# Browser-side packages for the widget (socket.io-client) and its accessibility check (axe-core),
# exactly as locked in package-lock.json. Run by `make setup`; the web process serves them, so
# a visitor's browser never loads anything from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  echo "npm (Node.js 18 or newer) is needed for the website widget: sudo apt-get install nodejs npm" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
