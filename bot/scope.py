"""Scope rules: what is not youth care in a municipality, dyslexia via the school, 18+.

Data in bot/knowledge/scope.yml; the default list follows ZHZ-2019 §0.1 and each
municipality may add or remove items."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from bot import knowledge


def _matches(keywords: List[str], text: str) -> bool:
    lowered = text.lower()
    # A keyword ending in "*" also matches compounds ("dyslex*": dyslexieonderzoek).
    patterns = [
        re.escape(str(word).lower()[:-1]) + r"\w*" if str(word).endswith("*") else re.escape(str(word).lower())
        for word in keywords
    ]
    return any(re.search(r"(?<![\w-])" + pattern + r"(?![\w])", lowered) for pattern in patterns)


def items_for(municipality: Optional[str]) -> List[Dict[str, Any]]:
    """The not-youth-care items that apply in ``municipality`` (default list + local changes)."""
    data = knowledge.load("scope")
    items = list(data["default"])
    local = (data.get("municipalities") or {}).get(municipality or "", {}) or {}
    removed = set(local.get("remove") or [])
    items = [item for item in items if item["id"] not in removed]
    return items + list(local.get("add") or [])


def out_of_scope_item(text: Optional[str], municipality: Optional[str]) -> Optional[Dict[str, Any]]:
    if not text:
        return None
    return next((item for item in items_for(municipality) if _matches(item["keywords"], text)), None)


def item_by_id(item_id: str, municipality: Optional[str]) -> Optional[Dict[str, Any]]:
    return next((item for item in items_for(municipality) if item["id"] == item_id), None)


def mentions_dyslexia(text: Optional[str]) -> bool:
    return bool(text) and _matches(knowledge.load("scope")["dyslexia"]["keywords"], text)


def dyslexia_text(age: Optional[int]) -> str:
    data = knowledge.load("scope")["dyslexia"]
    if age is not None and not data["age_min"] <= age <= data["age_max"]:
        return data.get("text_outside_age", data["text"])
    return data["text"]


def adult_text() -> str:
    return knowledge.load("scope")["adult"]["text"]
