"""Checks on free text before it is stored as an answer: empty, emoji only, gibberish, English,
HTML, far too long. Each problem has a text (texts/chat.yml) that says what to do."""

from __future__ import annotations

import html
import re
from typing import Optional, Tuple

from bot.settings import MAX_MESSAGE_CHARS

_TAG = re.compile(r"<[^>]{0,200}>")
_WORD_CHAR = re.compile(r"[^\W_]", re.UNICODE)  # a letter or a digit ("14" is an answer)
_WORD = re.compile(r"[a-zà-ÿ']+")
_ENGLISH = {
    "the",
    "and",
    "my",
    "is",
    "are",
    "he",
    "she",
    "his",
    "her",
    "with",
    "not",
    "what",
    "how",
    "son",
    "daughter",
    "child",
    "help",
    "please",
    "school",
    "i",
    "you",
    "we",
    "have",
    "has",
    "does",
    "doesn't",
    "don't",
    "can",
    "speak",
    "english",
    "hello",
    "hi",
    "thanks",
    "of",
    "to",
}
_DUTCH = {
    "de",
    "het",
    "een",
    "en",
    "ik",
    "mijn",
    "is",
    "hij",
    "ze",
    "zij",
    "niet",
    "met",
    "van",
    "wat",
    "hoe",
    "zoon",
    "dochter",
    "kind",
    "hulp",
    "school",
    "we",
    "wij",
    "heb",
    "heeft",
    "op",
    "in",
    "al",
    "er",
    "dat",
    "die",
    "voor",
    "naar",
    "nog",
    "ook",
    "maar",
    "ja",
    "nee",
    "jaar",
}
_KEYBOARD_RUNS = ("qwert", "asdf", "zxcv", "hjkl", "uiop", "sdfg", "dfgh", "fghj", "ghjk", "jkl;")
_VOWELS = set("aeiouyàáâäèéêëìíîïòóôöùúûü")


def clean(text: str) -> str:
    """Plain text: HTML tags removed, entities decoded, whitespace collapsed."""
    text = html.unescape(_TAG.sub(" ", text or ""))
    return re.sub(r"\s+", " ", text).strip()


def looks_english(text: str) -> bool:
    words = _WORD.findall(text.lower())
    english = sum(word in _ENGLISH for word in words)
    dutch = sum(word in _DUTCH for word in words)
    return english >= 2 and english > dutch * 1.5


def looks_like_gibberish(text: str) -> bool:
    words = [word for word in _WORD.findall(text.lower()) if len(word) >= 4]
    if not words:
        return False
    odd = 0
    for word in words:
        no_vowel = not any(char in _VOWELS for char in word)
        consonant_run = re.search(r"[bcdfghjklmnpqrstvwxz]{5,}", word) is not None
        keyboard = any(run in word for run in _KEYBOARD_RUNS)
        odd += no_vowel or consonant_run or keyboard
    return odd / len(words) > 0.5


def problem(text: Optional[str]) -> Optional[str]:
    """Why ``text`` cannot be taken as an answer, as a short key, or None when it is fine."""
    raw = text or ""
    if len(raw) > MAX_MESSAGE_CHARS:
        return "too_long"
    cleaned = clean(raw)
    if not cleaned or not _WORD_CHAR.search(cleaned):
        return "no_words"
    if looks_english(cleaned):
        return "english"
    if looks_like_gibberish(cleaned):
        return "gibberish"
    return None


def clean_answer(text: Optional[str]) -> Tuple[str, Optional[str]]:
    """The cleaned answer and its problem key (None when it can be used)."""
    return clean(text or ""), problem(text)


_EXPLICIT_STOP = re.compile(
    r"\b(?:stop(?:pen)?\s+(?:maar|ermee|hiermee|nu)|ik\s+(?:wil\s+)?stop(?:pen)?\b|laat\s+maar|"
    r"hou\s+(?:maar\s+)?op|ik\s+wil\s+niet\s+verder|geen\s+zin\s+meer\s+in\s+dit\s+gesprek)",
    re.I,
)
MAX_STOP_WORDS = 4


def means_stop(text: str, free_text_answer: bool) -> bool:
    """Whether a message classified as "stop" really ends the conversation. Inside a free-text
    answer ("ze wil dat het pesten stopt") only a short message or an explicit stop counts."""
    if not free_text_answer:
        return True
    return len(re.findall(r"\w+", text)) <= MAX_STOP_WORDS or bool(_EXPLICIT_STOP.search(text))
