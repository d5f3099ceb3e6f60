"""Deterministic safety screen: spaCy Matcher patterns on a message, with negation and exclusions.

The trained classifier (intent `signal_danger`) and this screen are combined in
`bot.nlu.safety_screen.SafetyScreen`; a hit from either gives the safety route, so a classifier
miss can never silence a crisis message. Patterns live in `bot/knowledge/safety_patterns.yml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

from spacy.matcher import Matcher
from spacy.tokens import Doc

from bot import knowledge

# Order matters: the first category present decides the opening line of the route.
CATEGORY_PRIORITY = [
    "acute_danger",
    "suicide",
    "self_harm",
    "sexual_abuse",
    "violence",
    "forced_marriage",
    "neglect",
    "unspecified",
]

# Pattern group whose matches are everyday readings: never an alarm, but they clear a
# classifier-only alarm (bot/knowledge/safety_patterns.yml, `harmless`).
HARMLESS = "harmless"

# Which national line each category leads to (BRIEF §4).
ROUTE_GROUPS = {
    "acute_danger": "emergency",
    "suicide": "suicide_prevention",
    "self_harm": "suicide_prevention",
    "violence": "veilig_thuis",
    "sexual_abuse": "veilig_thuis",
    "neglect": "veilig_thuis",
    "forced_marriage": "veilig_thuis",
    "unspecified": "all_lines",
}


# Names the labelled sets use for a category the screen calls differently.
CATEGORY_ALIASES = {
    "domestic_violence": "violence",
    "abuse": "violence",
    "exploitation": "violence",
    "grooming": "sexual_abuse",
    "honour_violence": "forced_marriage",
    "missing": "acute_danger",
}


def normal_category(category: str) -> str:
    """The screen's category for a label in a safety set."""
    category = CATEGORY_ALIASES.get(category, category)
    return category if category in ROUTE_GROUPS else "unspecified"


@dataclass(frozen=True)
class SafetyHit:
    category: str
    start: int
    end: int
    text: str


def _expand(value: Any, vocab: Dict[str, List[str]]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return vocab[value[1:]]
    if isinstance(value, dict):
        return {key: _expand(item, vocab) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand(item, vocab) for item in value]
    return value


class SafetyMatcher:
    """Finds safety signals in a spaCy Doc built by the project's Dutch pipeline."""

    def __init__(self, vocab_store, config: Optional[Dict[str, Any]] = None) -> None:
        config = config or knowledge.load("safety_patterns")
        vocab = config["vocab"]
        self.matcher = Matcher(vocab_store)
        self.options: Dict[str, Dict[str, Any]] = {}
        for category, patterns in config["patterns"].items():
            for index, pattern in enumerate(patterns):
                options = pattern if isinstance(pattern, dict) else {"tokens": pattern}
                key = f"{category}#{index}"
                self.options[key] = {
                    "category": category,
                    "keep_negation": bool(options.get("keep_negation")),
                    "clause_end": bool(options.get("clause_end")),
                    "ignore_exclusions": bool(options.get("ignore_exclusions")),
                }
                self.matcher.add(key, [_expand(options["tokens"], vocab)])
        self.negators = set(config["negators"])
        self.window_before = config["negation_window_before"]
        self.window_after = config["negation_window_after"]
        self.boundaries = set(config["clause_boundaries"])
        self.sentence_ends = set(config["sentence_ends"])
        self.negating_phrases = [phrase.split() for phrase in config["negating_phrases"]]
        self.scope_ends = set(config["negation_scope_ends"])
        self.exclusions = [
            (set(rule["categories"]), rule["window"], [phrase.split() for phrase in rule["phrases"]])
            for rule in config["exclusions"]
        ]

    def hits(self, doc: Doc) -> List[SafetyHit]:
        return self.analyse(doc)[0]

    def analyse(self, doc: Doc) -> Tuple[List[SafetyHit], bool]:
        """The hits, and whether danger words were found but every one was negated or harmless
        ("geen aanwijzingen voor misbruik", "ze slaat dicht"): the classifier cannot read
        negation, so such a message clears a classifier-only alarm."""
        words = [token.lower_ for token in doc]
        found = []
        seen_danger_words = False
        for match_id, start, end in self.matcher(doc):
            options = self.options[doc.vocab.strings[match_id]]
            category = options["category"]
            seen_danger_words = True
            if category == HARMLESS:
                continue
            if any(word in self.sentence_ends for word in words[start:end]):
                continue
            if options["clause_end"] and end < len(words) and words[end] not in self.boundaries:
                continue
            if self._negated(words, start, end, options["keep_negation"]):
                continue
            if not options["ignore_exclusions"] and self._excluded(words, category, start, end):
                continue
            found.append(SafetyHit(category, start, end, doc[start:end].text))
        return found, seen_danger_words and not found

    def categories(self, doc: Doc) -> List[str]:
        present = {hit.category for hit in self.hits(doc)}
        return [category for category in CATEGORY_PRIORITY if category in present]

    def _negated(self, words: Sequence[str], start: int, end: int, keep_negation: bool) -> bool:
        if not keep_negation and any(word in self.negators for word in words[start:end]):
            return True
        for index in range(start - 1, max(-1, start - 1 - self.window_before), -1):
            if words[index] in self.boundaries:
                break
            if words[index] in self.negators:
                return True
        for index in range(end, min(len(words), end + self.window_after)):
            if words[index] in self.boundaries:
                break
            if words[index] in self.negators:
                return True
        # "geen aanwijzingen voor ...", "nooit gezegd dat ...": negates up to the end of the sentence.
        for index in range(start - 1, -1, -1):
            if words[index] in self.scope_ends:
                break
            if any(words[index : index + len(phrase)] == phrase for phrase in self.negating_phrases):
                return True
        return False

    def _excluded(self, words: Sequence[str], category: str, start: int, end: int) -> bool:
        for categories, window, phrases in self.exclusions:
            if category not in categories:
                continue
            low, high = max(0, start - window), min(len(words), end + window)
            for phrase in phrases:
                size = len(phrase)
                for index in range(low, high - size + 1):
                    if words[index : index + size] == phrase:
                        return True
        return False


@lru_cache(maxsize=1)
def default_matcher() -> SafetyMatcher:
    from bot import nlp

    return SafetyMatcher(nlp.load().vocab)


_PUNCTUATION = re.compile(r"([.,!?;:()\"“”…])")


def normalise(text: str) -> str:
    """Lowercase, punctuation split off ("zit aan me." -> "zit aan me ."): the blank Dutch
    tokenizer keeps "me." together, which would hide the last word of a sentence."""
    return re.sub(r"\s+", " ", _PUNCTUATION.sub(r" \1 ", text.lower())).strip()


def analyse_text(text: str) -> Tuple[List[str], bool]:
    """Categories found in ``text`` (most urgent first), and whether danger words were found but
    all negated or harmless. Used by the Rasa component and the tests alike."""
    from bot import nlp

    hits, cleared = default_matcher().analyse(nlp.load()(normalise(text)))
    present = {hit.category for hit in hits}
    return [category for category in CATEGORY_PRIORITY if category in present], cleared


@lru_cache(maxsize=1)
def _settled_patterns() -> Tuple[re.Pattern, re.Pattern, re.Pattern]:
    settled = knowledge.load("safety_patterns")["settled"]
    return (
        re.compile("|".join(settled["over"]), re.I),
        re.compile("|".join(settled["joking"]), re.I),
        re.compile("|".join(settled["conditional"]), re.I),
    )


def settled(text: str) -> bool:
    """Whether the message says the danger is over with help in place ("zit al een jaar bij een
    psycholoog en doe het niet meer", "hij heeft geen contact meer") or is a joke with a condition
    ("ik sla hem als hij m'n fiets weer pakt lol"): then a certain reading gives the calm check
    (the lines, and "is someone in danger now?"), not the route at once (safety_patterns.yml, `settled`)."""
    over, joking, conditional = _settled_patterns()
    return bool(over.search(text) or (joking.search(text) and conditional.search(text)))


def screen_text(text: str) -> List[str]:
    """Safety categories found in ``text`` by the deterministic screen (no Rasa needed)."""
    return analyse_text(text)[0]


def route_group(categories: Sequence[str]) -> Optional[str]:
    """The national line for the most urgent category, or None when there is none."""
    for category in CATEGORY_PRIORITY:
        if category in categories:
            return ROUTE_GROUPS[category]
    return None


@dataclass(frozen=True)
class Verdict:
    """What the screen concludes for one message: the hard route, a calm check, or nothing."""

    level: Optional[str]  # "route", "check" or None
    categories: List[str]


def grade(
    matched: Sequence[str],
    cleared: bool,
    classifier_confidence: float,
    semantic: Optional[Dict[str, Any]],
    thresholds: Dict[str, float],
    settled: bool = False,
) -> Verdict:
    """Combines the three readings of a message.

    Certain (the route at once): a matcher hit, the trained classifier sure of danger, or the
    semantic reading sure of danger; but when the semantic reading finds the message plainly
    harmless ("ik vermoord mn broertje als hij aan mn ps5 zit haha"), a matcher or classifier hit
    becomes the check instead. Uncertain (the check: "is someone in danger now?"): the classifier
    or the semantic reading leaning towards danger. Danger words the matcher found negated or
    harmless ("er wordt nooit geslagen") lower a reading by one grade. The check and the route
    always show the lines; a category the semantic reading is unsure of gives all of them. A
    message that says the danger is over, or jokes with a condition (``settled``), gets the check
    where it would get the route."""
    semantic = semantic or {}
    available = bool(semantic.get("available"))
    danger = float(semantic.get("danger", 0.0)) if available else 0.0
    guess = _semantic_kind(semantic, thresholds) if available else []
    plainly_harmless = (available and danger < thresholds.get("semantic_floor", 0.0)) or settled
    if matched:
        return Verdict("check" if plainly_harmless else "route", list(matched))
    sure = classifier_confidence >= thresholds["classifier_route"] or danger >= thresholds["semantic_route"]
    leaning = classifier_confidence >= thresholds["classifier_check"] or danger >= thresholds["semantic_check"]
    if sure and not cleared:
        return Verdict("check" if plainly_harmless else "route", guess or ["unspecified"])
    if (sure or leaning) and not (cleared and not sure):
        return Verdict("check", guess or ["unspecified"])
    return Verdict(None, [])


def in_context(semantic: Optional[Dict[str, Any]], thresholds: Dict[str, float]) -> Verdict:
    """The check for a follow-up that leans towards danger only together with the message before
    it ("ik denk dat ik er binnenkort een einde aan maak haha", then "ik meen het echt"): read in
    context the screen is never certain, so it asks (bot/nlu/semantic_reader.py, `context_danger`)."""
    semantic = semantic or {}
    danger = semantic.get("context_danger")
    if not semantic.get("available") or danger is None or float(danger) < thresholds["semantic_check"]:
        return Verdict(None, [])
    return Verdict("check", _semantic_kind(semantic, thresholds, "context_") or ["unspecified"])


def _semantic_kind(semantic: Dict[str, Any], thresholds: Dict[str, float], prefix: str = "") -> List[str]:
    """The category the semantic reading (``prefix`` "context_": read with the message before) is
    sure enough of, as a one-item list; empty when it is unsure (then every line is shown)."""
    category = semantic.get(f"{prefix}category")
    confidence = float(semantic.get(f"{prefix}category_confidence", 0.0))
    return [category] if category in ROUTE_GROUPS and confidence >= thresholds.get("category_confidence", 0.5) else []


# --- crisis messages in other languages ---------------------------------------------------------
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LANGUAGE_WORDS = {
    "tr": re.compile(r"(?-i:[ğışĞŞİ])|\b(?:beni|babam|annem|ölmek|istiyorum|dövüyor|yardım|kendimi|değil)\b", re.I),
    "pl": re.compile(r"(?-i:[ąęłńśźżŁŚŻ])|\b(?:mnie|mój|moja|ojciec|matka|chcę|bije|pomocy|jestem|nie chcę)\b", re.I),
    "en": re.compile(r"\b(?:my|me|i'm|i am|he|she|hits?|kill|want|die|help|the|and|dad|mom|mum|myself)\b", re.I),
}
_DUTCH = re.compile(r"\b(?:ik|mijn|mn|je|het|een|niet|dat|ze|hij|wil|is|en|van|de)\b", re.I)


def other_language(text: str) -> Optional[str]:
    """ "en", "tr", "ar" or "pl" when a message is written in that language rather than Dutch."""
    if _ARABIC.search(text):
        return "ar"
    dutch = len(_DUTCH.findall(text))
    for language in ("tr", "pl", "en"):
        found = len(_LANGUAGE_WORDS[language].findall(text))
        if found >= 2 and found > dutch:
            return language
    return None
