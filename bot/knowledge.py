"""Loads the YAML knowledge files (regions, voorveld catalogue, scope, triage rules, lexicons)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

import yaml

from bot.config import KNOWLEDGE_DIR


@lru_cache(maxsize=None)
def load(name: str) -> Dict[str, Any]:
    """Returns the parsed contents of ``bot/knowledge/<name>.yml``."""
    with open(KNOWLEDGE_DIR / f"{name}.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)
