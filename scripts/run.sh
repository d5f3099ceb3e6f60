#!/usr/bin/env bash
# Starts the waiting-times service (8000), the action server (5055), the Rasa server (5005,
# REST + socket.io) and the web process (8080: team inbox, its API, handoff delivery) and waits.
# Ctrl-C stops them all. Called by `make run` after set-up and training.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
# Settings from .env, if there is one, for Rasa and this script too (the environment wins).
eval "$(.venv/bin/python -m bot export-env)"
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
ENDPOINTS=${ENDPOINTS:-endpoints.yml}
CORS=${WEGWIJZER_CORS_ORIGINS:-http://localhost:8080 http://127.0.0.1:8080}

WAITS_PORT=${WAITS_PORT:-8000}
WEB_PORT=${WEB_PORT:-8080}
export WEGWIJZER_WAITS_URL=${WEGWIJZER_WAITS_URL:-http://127.0.0.1:$WAITS_PORT}
# Regions, local teams, voorveld and scope come from the database (loaded from bot/knowledge/ on
# first start; `python -m bot load` after editing the files).
export WEGWIJZER_KNOWLEDGE_SOURCE=${WEGWIJZER_KNOWLEDGE_SOURCE:-database}

# Database tables and, on first start, the regional knowledge and example providers.
.venv/bin/python -m bot seed-demo
# Retention: old conversations, and handoffs closed longer ago than the retention period.
.venv/bin/python -m bot purge
# On first start: example inbox accounts for two local teams (passwords in var/, not printed).
.venv/bin/python -m bot demo-accounts
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/python -m bot serve-waits --port "$WAITS_PORT" > var/waiting-times.log 2>&1 &
pids+=($!)
# rasa-sdk listens on SANIC_HOST (its default is every interface): keep it on this machine.
SANIC_HOST=${SANIC_HOST:-127.0.0.1} .venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" > var/actions.log 2>&1 &
pids+=($!)
.venv/bin/python -m bot serve --port "$WEB_PORT" > var/web.log 2>&1 &
pids+=($!)
# shellcheck disable=SC2086
.venv/bin/rasa run --model models/wegwijzer.tar.gz --endpoints "$ENDPOINTS" --credentials credentials.yml \
  --port "$RASA_PORT" --interface 127.0.0.1 --cors $CORS > var/rasa.log 2>&1 &
pids+=($!)

echo "Starting (the model takes about 20 seconds to load; logs in var/rasa.log and var/actions.log)..."
for _ in $(seq 1 180); do
  if curl -fsS "http://127.0.0.1:$RASA_PORT/status" >/dev/null 2>&1 || \
     curl -fsS "http://127.0.0.1:$RASA_PORT/" >/dev/null 2>&1; then
    ready=1; break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A server stopped during start-up; see the logs in var/" >&2; exit 1; }
  done
  sleep 1
done
[ "${ready:-0}" = 1 ] || { echo "Rasa did not start within 3 minutes; see var/rasa.log" >&2; exit 1; }
cat <<MSG

Wegwijzer Jeugdhulp is running:
  Rasa server      http://127.0.0.1:$RASA_PORT   (REST: POST /webhooks/rest/webhook, socket.io: /socket.io)
  Action server    http://127.0.0.1:$ACTIONS_PORT/health
  Waiting times    http://127.0.0.1:$WAITS_PORT/v1/waits?municipality=Leiden&kind=jeugd_ggz_basis  (API: /openapi.json)
  Website widget   http://127.0.0.1:$WEB_PORT/demo/   (a mock municipality page with the chat)
  Professionals    http://127.0.0.1:$WEB_PORT/professioneel/   (GP practice or school chat)
  Team inbox       http://127.0.0.1:$WEB_PORT/inbox/   (example accounts: var/demo-inbox-accounts.txt; API: /api/v1/)
Talk to it:
  curl -s -XPOST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"demo-1","message":"hallo"}'
Stop with Ctrl-C. (For a chat in the terminal instead: stop this, then run make shell.)
MSG
wait -n "${pids[@]}"
