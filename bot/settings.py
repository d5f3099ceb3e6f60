"""Every setting of the bot, read once here: from the environment and, if present, the file `.env`
in the repository root (KEY=VALUE lines; the environment wins). Each default is defined only here;
`.env.example` lists them all.

Most settings are read when this module is imported. The few that tests or operators change while
a process runs are functions, read at use time."""

from __future__ import annotations

import os
import shlex
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / ".env"


def parse_env_file(path: Path) -> Dict[str, str]:
    """KEY=VALUE lines of ``path``; blank lines and `#` comments skipped, an optional `export `
    prefix allowed, values in single or double quotes taken literally. A missing file is empty."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    values: Dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        key = key[len("export ") :].strip() if key.startswith("export ") else key
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()  # a comment after an unquoted value
        values[key] = value
    return values


@lru_cache(maxsize=1)
def _env_file() -> Dict[str, str]:
    return parse_env_file(ENV_FILE)


def shell_exports() -> List[str]:
    """`export KEY='value'` for each setting in `.env` the environment does not set (scripts/run.sh
    evaluates these, so Rasa and the shell script see `.env` as the bot does)."""
    return [
        f"export {key}={shlex.quote(value)}"
        for key, value in _env_file().items()
        if key not in os.environ and key.isidentifier()
    ]


def get(name: str, default: str = "") -> str:
    """The setting ``name``: from the environment, else from `.env`, else ``default``."""
    value = os.environ.get(name)
    if value is None:
        value = _env_file().get(name)
    return default if value is None else value


# --- databases ---
# The bot's own database: regional knowledge, waiting times, handoffs, inbox accounts, indicators.
DATABASE_URL = get("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'wegwijzer.db'}")


def tracker_database_url() -> str:
    """Rasa's tracker store (conversations), which retention and "Gesprek wissen" delete from."""
    return get("TRACKER_DATABASE_URL", "sqlite:///var/tracker.db")


# --- knowledge and language ---
# The folder with the knowledge files a region edits (regions, voorveld, scope, triage ...); a
# relative path is taken from the repository root.
KNOWLEDGE_DIR = ROOT / get("WEGWIJZER_KNOWLEDGE_DIR", "bot/knowledge")
# The folder with what users read (chat.yml, summary.yml, web.yml); relative to the repository root.
TEXTS_DIR = ROOT / get("WEGWIJZER_TEXTS_DIR", "texts")
# The Dutch spaCy pipeline built by `python -m bot build-nlp` (see config.yml, SpacyNLP).
PIPELINE_DIR = ROOT / get("WEGWIJZER_PIPELINE_DIR", "build/spacy_nl")


def knowledge_source() -> str:
    """Where regions, voorveld and scope come from: "files" (bot/knowledge/) or "database"."""
    return get("WEGWIJZER_KNOWLEDGE_SOURCE", "files")


# Threads the sentence encoder's worker process uses.
ENCODER_THREADS = int(get("WEGWIJZER_ENCODER_THREADS", "1"))
# A file the encoder writes its counters to (cache hits, failures), for the benchmark; unset: none.
ENCODER_STATS: Optional[str] = get("WEGWIJZER_ENCODER_STATS") or None

# --- conversation ---
# Free text longer than this is kept whole but shown shortened in summaries.
MAX_SUMMARY_CHARS = int(get("WEGWIJZER_MAX_SUMMARY_CHARS", "400"))
# Messages longer than this are refused with a clear request to shorten them.
MAX_MESSAGE_CHARS = int(get("WEGWIJZER_MAX_MESSAGE_CHARS", "2000"))

# --- waiting times ---
# The waiting-times service the actions ask.
WAITS_URL = get("WEGWIJZER_WAITS_URL", "http://127.0.0.1:8000")
# Reports older than this many days are not shown as current.
WAITS_STALE_DAYS = int(get("WEGWIJZER_WAITS_STALE_DAYS", "90"))

# --- handoffs ---
# Seconds before the first retry of a failed webhook delivery (doubles with every attempt).
DELIVERY_BACKOFF_SECONDS = float(get("WEGWIJZER_DELIVERY_BACKOFF_SECONDS", "30"))
# Seconds a delivery worker holds a handoff before another worker may try it.
DELIVERY_LEASE_SECONDS = float(get("WEGWIJZER_DELIVERY_LEASE_SECONDS", "60"))

# --- retention ---
# Days after the last message before a conversation is deleted.
RETENTION_DAYS = int(get("WEGWIJZER_RETENTION_DAYS", "90"))
# Days after a team closed a handoff before it and its conversation are deleted.
HANDOFF_RETENTION_DAYS = int(get("WEGWIJZER_HANDOFF_RETENTION_DAYS", "90"))


# --- web process (widget, inbox) ---
def allowed_origins() -> List[str]:
    """Sites that may embed the widget (socket.io channel, erase endpoint), space-separated."""
    return get("WEGWIJZER_WIDGET_ORIGINS", "http://127.0.0.1:8080 http://localhost:8080").split()


def secure_cookies() -> bool:
    """Inbox cookies only over HTTPS ("1"; behind a TLS proxy in production)."""
    return get("WEGWIJZER_SECURE_COOKIES") == "1"


def rasa_public_url() -> str:
    """The Rasa server as the user's browser reaches it (the widget connects there)."""
    return get("WEGWIJZER_RASA_PUBLIC_URL", "http://127.0.0.1:5005").rstrip("/")


def demo_municipality() -> str:
    """The municipality the demo page (/demo/) pretends to be."""
    return get("WEGWIJZER_DEMO_MUNICIPALITY", "Leiden")


def new_staff_password() -> str:
    """The password for `python -m bot add-staff` without a prompt (scripts); unset: asked."""
    return get("WEGWIJZER_NEW_PASSWORD")
