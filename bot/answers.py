"""Reads typed answers to the bot's closed questions the way people write them: the words first
(with negation: "niet heel veel" is not "heel veel"), then the meaning of the sentence from the
semantic reader (bot/nlu/semantic_reader.py, examples in bot/knowledge/answer_examples.yml).
Every button label, typed, means what the button means, in every role."""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Optional

# The semantic reading counts on its own from this confidence, and overrules the words from the next.
SEMANTIC_ALONE = 0.4
SEMANTIC_OVERRULES = 0.7
MIN_INTENT_CONFIDENCE = 0.6

_YES = re.compile(
    r"^(?:ja+|jaa+|jawel|jazeker|jep|jup|yes|yep|ok|oke|okay|oké|okee|prima|goed|akkoord|klopt|"
    r"zeker|graag|is goed|doe maar|dat is goed|prima zo|top|helemaal goed|correct|juist|"
    r"dat mag|mag|👍|✅|👌)(?:\b|\s|[.!,]|$)",
    re.I,
)
_NO = re.compile(
    r"^(?:nee+|neen|nope|nah|no|niet|liever niet|nog niet|geen toestemming|laat maar|"
    r"hoeft niet|niet nodig|niet doen|👎|❌)(?:\b|\s|[.!,]|$)",
    re.I,
)
_UNSURE = re.compile(
    r"\b(?:weet (?:ik )?(?:het )?(?:nog )?(?:niet|nie)|twijfel\w*|geen idee|misschien|idk|"
    r"weet niet zeker|nog niet zeker|onbekend)\b|\bwel\b.*\b(?:niet|nog niet)\b",
    re.I,
)

# Impact: negated heavy words read lighter ("niet heel veel" = some, "niet zo veel" = little).
_NOT_HEAVY = re.compile(r"\b(?:niet|nie|geen)\s+(?:heel|erg|echt|super)\s+(?:veel|erg|groot)\b", re.I)
_NOT_MUCH = re.compile(r"\b(?:niet|nie)\s+(?:zo\s*|zoveel|zo veel|veel|erg|zo erg|heel erg)\b", re.I)
_BUTTON_WORDS = {
    "impact": {
        "weinig": "weinig",
        "gering": "weinig",
        "geringe": "weinig",
        "beperkt": "weinig",
        "best veel": "merkbaar",
        "matig": "merkbaar",
        "merkbaar": "merkbaar",
        "redelijk": "merkbaar",
        "heel veel": "groot",
        "ernstig": "groot",
        "groot": "groot",
        "fors": "groot",
        "zeer veel": "groot",
    },
    "duration": {
        "< 3 maanden": "kort",
        "korter dan 3 maanden": "kort",
        "3-6 maanden": "middel",
        "3 tot 6 maanden": "middel",
        "> 6 maanden": "lang",
        "een half jaar of langer": "lang",
    },
}


def semantic_answer(semantic: Optional[Mapping[str, Any]], question: str) -> Optional[Dict[str, Any]]:
    if not semantic or not semantic.get("available"):
        return None
    return (semantic.get("answers") or {}).get(question)


def _combine(words: Optional[str], meaning: Optional[Dict[str, Any]]) -> Optional[str]:
    """The words decide, unless the meaning is near-certain of something else; without words,
    a confident meaning decides."""
    if words:
        if meaning and meaning["value"] != words and meaning["confidence"] >= SEMANTIC_OVERRULES:
            return meaning["value"]
        return words
    if meaning and meaning["confidence"] >= SEMANTIC_ALONE:
        return meaning["value"]
    return None


def button_word(question: str, text: str) -> Optional[str]:
    """A button label typed as the answer ("Ernstig", "3-6 maanden"), in any role's version."""
    lowered = re.sub(r"[.!]+$", "", text.strip().lower())
    return _BUTTON_WORDS.get(question, {}).get(lowered)


def impact(text: str, by_words: Optional[str], semantic: Optional[Mapping[str, Any]]) -> Optional[str]:
    """weinig | merkbaar | groot, or None when the answer does not say."""
    typed = button_word("impact", text)
    if typed:
        return typed
    lowered = text.lower()
    if _NOT_HEAVY.search(lowered):
        by_words = "merkbaar"
    elif _NOT_MUCH.search(lowered) and by_words in (None, "merkbaar", "groot"):
        by_words = "weinig"
    return _combine(by_words, semantic_answer(semantic, "impact"))


def duration(text: str, by_words: Optional[str], semantic: Optional[Mapping[str, Any]]) -> Optional[str]:
    """kort | middel | lang, or None."""
    return button_word("duration", text) or _combine(by_words, semantic_answer(semantic, "duration"))


def yes_no(
    text: str, intent: str = "", confidence: float = 0.0, semantic: Optional[Mapping[str, Any]] = None
) -> Optional[str]:
    """ "yes", "no" or "unsure" for an answer to a closed question; None when it is none of them."""
    if text.startswith("/"):
        return {"affirm": "yes", "deny": "no"}.get(intent)
    cleaned = text.strip().lower()
    if _NO.match(cleaned):
        return "no"  # "nee, dat weet ik niet": the no comes first
    if _UNSURE.search(cleaned):
        return "unsure"
    if _YES.match(cleaned):
        return "yes"
    if intent in ("affirm", "deny") and confidence >= MIN_INTENT_CONFIDENCE:
        return "yes" if intent == "affirm" else "no"
    meaning = semantic_answer(semantic, "yes_no")
    if meaning and meaning["confidence"] >= SEMANTIC_ALONE and len(cleaned.split()) <= 12:
        return meaning["value"]
    return None


def choice(question: str, semantic: Optional[Mapping[str, Any]], minimum: float = SEMANTIC_ALONE) -> Optional[str]:
    """The semantic reading for ``question`` when it is confident enough."""
    meaning = semantic_answer(semantic, question)
    return meaning["value"] if meaning and meaning["confidence"] >= minimum else None
