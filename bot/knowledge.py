"""Loads the knowledge files (regions, voorveld catalogue, scope, triage rules, lexicons).

Regions, the voorveld catalogue and the scope rules come from the database when
WEGWIJZER_KNOWLEDGE_SOURCE=database (`make run` sets it and loads the files into the database on
first start, bot/regional_data.py); otherwise, and for everything else, from bot/knowledge/*.yml.
Values are cached for the life of the process: restart after loading new data. What users read
is not knowledge: it lives in texts/ (bot/texts.py)."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Dict

import yaml

from bot.config import DATABASE_URL, KNOWLEDGE_DIR


def source() -> str:
    return os.environ.get("WEGWIJZER_KNOWLEDGE_SOURCE", "files")


def load_file(name: str) -> Dict[str, Any]:
    """The parsed contents of ``bot/knowledge/<name>.yml``."""
    with open(KNOWLEDGE_DIR / f"{name}.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


# Moved to texts/: the web process still asks for the summary's labels as "handoff".
# Transitional, until bot/web reads texts.summary() itself; then remove this.
_MOVED_TO_TEXTS = {"handoff": "summary"}


@lru_cache(maxsize=None)
def load(name: str) -> Dict[str, Any]:
    from bot import regional_data, texts

    if name in _MOVED_TO_TEXTS:
        return texts.load(_MOVED_TO_TEXTS[name])
    if source() == "database" and name in regional_data.DOCUMENTS:
        return regional_data.read_document(DATABASE_URL, name)
    return load_file(name)
