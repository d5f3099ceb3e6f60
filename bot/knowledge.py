"""Loads the knowledge files (regions, voorveld catalogue, scope, triage rules, lexicons).

Regions, the voorveld catalogue and the scope rules come from the database when
WEGWIJZER_KNOWLEDGE_SOURCE=database (`make run` sets it and loads the files into the database on
first start, bot/regional_data.py); otherwise, and for everything else, from bot/knowledge/*.yml.
Values are cached for the life of the process: restart after loading new data. What users read
is not knowledge: it lives in texts/ (bot/texts.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

import yaml

from bot.settings import DATABASE_URL, KNOWLEDGE_DIR, knowledge_source


def load_file(name: str) -> Dict[str, Any]:
    """The parsed contents of ``bot/knowledge/<name>.yml``."""
    with open(KNOWLEDGE_DIR / f"{name}.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=None)
def load(name: str) -> Dict[str, Any]:
    from bot import regional_data

    if knowledge_source() == "database" and name in regional_data.DOCUMENTS:
        return regional_data.read_document(DATABASE_URL, name)
    return load_file(name)
