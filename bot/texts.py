"""What users read, from the files in texts/: the chat (texts/chat.yml) and the summary (texts/summary.yml)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional

import yaml

from bot.settings import TEXTS_DIR as DIR


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        raise KeyError(f"text placeholder '{key}' has no value")


@lru_cache(maxsize=None)
def load(name: str) -> Dict[str, Any]:
    """The parsed contents of ``texts/<name>.yml``, read once per process."""
    with open(DIR / f"{name}.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def render(key: str, role: Optional[str] = None, **values: Any) -> Dict[str, Any]:
    """``{"text": ..., "buttons": [...]}`` for chat text ``key`` in the version for ``role``."""
    variants = load("chat")[key]
    chosen = variants.get(role) if role else None
    if chosen is None:
        chosen = variants["default"]
    if isinstance(chosen, str):
        chosen = {"text": chosen}
    message = {"text": chosen["text"].format_map(_Blank(values))}
    if chosen.get("buttons"):
        message["buttons"] = [dict(button) for button in chosen["buttons"]]
    return message


def keys() -> set:
    """Every text key in texts/chat.yml."""
    return set(load("chat"))


def summary() -> Dict[str, Any]:
    """The summary's labels and values (texts/summary.yml)."""
    return load("summary")
