"""What users read, from the files in texts/: the chat (texts/chat.yml), the summary (texts/summary.yml)
and what the web process and the waiting-times service say outside the chat (texts/web.yml)."""

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


def _web_keys(section: Dict[str, Any], prefix: str = "") -> Dict[str, str]:
    found: Dict[str, str] = {}
    for name, value in section.items():
        if isinstance(value, dict):
            found.update(_web_keys(value, f"{prefix}{name}."))
        else:
            found[f"{prefix}{name}"] = value
    return found


@lru_cache(maxsize=None)
def _web_texts() -> Dict[str, str]:
    return _web_keys(load("web"))


def web(key: str, **values: Any) -> str:
    """Text ``key`` of texts/web.yml, its sections and name joined by dots ("api.token",
    "errors.http.404"), with its ``{placeholders}`` filled from ``values``. KeyError for an unknown
    key (a section is not a text) or a placeholder without a value."""
    try:
        text = _web_texts()[key]
    except KeyError:
        raise KeyError(f"texts/web.yml has no text '{key}'") from None
    return text.format_map(_Blank(values))


def web_keys() -> set:
    """Every text key in texts/web.yml, dotted ("inbox.notices.status")."""
    return set(_web_texts())
