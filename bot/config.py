"""Settings read from the environment, with safe defaults for the embedded (local) run."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = Path(os.environ.get("WEGWIJZER_KNOWLEDGE_DIR", ROOT / "bot" / "knowledge"))
# The Dutch spaCy pipeline built by `python -m bot.nlp build` (see config.yml, SpacyNLP).
PIPELINE_DIR = Path(os.environ.get("WEGWIJZER_PIPELINE_DIR", ROOT / "build" / "spacy_nl"))
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'wegwijzer.db'}")
# Free text longer than this is kept whole but shown shortened in summaries.
MAX_SUMMARY_CHARS = int(os.environ.get("WEGWIJZER_MAX_SUMMARY_CHARS", "400"))
# Messages longer than this are refused with a clear request to shorten them.
MAX_MESSAGE_CHARS = int(os.environ.get("WEGWIJZER_MAX_MESSAGE_CHARS", "2000"))


def allowed_origins() -> list:
    """Sites that may embed the widget (socket.io channel, erase endpoint), space-separated."""
    return os.environ.get("WEGWIJZER_WIDGET_ORIGINS", "http://127.0.0.1:8080 http://localhost:8080").split()
