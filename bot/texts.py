"""The texts actions send, from bot/knowledge/texts.yml: a default and optional versions per role."""
from __future__ import annotations

from typing import Any, Dict, Optional

from bot import knowledge


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        raise KeyError(f"text placeholder '{key}' has no value")


def render(key: str, role: Optional[str] = None, **values: Any) -> Dict[str, Any]:
    """``{"text": ..., "buttons": [...]}`` for ``key`` in the version for ``role``."""
    variants = knowledge.load("texts")[key]
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
    """Every text key in bot/knowledge/texts.yml."""
    return set(knowledge.load("texts"))
