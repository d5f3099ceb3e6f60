"""Reads clarification facts from free text: age, municipality, role, concern domains, duration,
impact, what was tried, help involved, goal. One message may hold several ("meisje 15, Katwijk,
somber sinds maanden, POH-gesprekken niet voldoende"), so the bot asks only what is missing."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Pattern

from bot import knowledge
from bot.nlp import NUMBER_WORDS, municipality_names

FREE_TEXT_SLOTS = ("concern", "tried", "network", "help_involved", "goal", "youth_wish")


def _phrase_regex(phrases: Iterable[str]) -> Pattern[str]:
    parts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        body = phrase.replace("*", r"[\w-]*")
        parts.append(body)
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=None)
def _lexicon() -> Dict[str, Any]:
    data = knowledge.load("intake")
    return {
        "domains": {key: _phrase_regex(value["words"]) for key, value in data["concern_domains"].items()},
        "severe": _phrase_regex(data["severe_signs"]),
        "durations": [(key, _phrase_regex(words)) for key, words in data["durations"].items()],
        "impacts": [(key, _phrase_regex(words)) for key, words in data["impacts"].items()],
        "tried": [(key, _phrase_regex(words)) for key, words in data["tried"].items()],
        "specialist": _phrase_regex(data["specialist_request"]),
        "protection": _phrase_regex(data["existing_child_protection"]),
        "no_help": _phrase_regex(data["no_help_words"]),
    }


def domain_label(domain: str) -> str:
    return knowledge.load("intake")["concern_domains"][domain]["label"]


# --- age -------------------------------------------------------------------------------------
_NUM = r"(\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_AGE_PATTERNS = [
    (re.compile(_NUM + r"\s*(?:jaar|jr\.?|jarige|-jarige)\b", re.I), 0),
    (
        re.compile(
            r"\b(?:meisje|jongen|zoon|dochter|kind|kindje|leerling|patiënt|patient|pt|pat|puber|tiener)\.?,?\s*"
            r"(?:van\s+)?" + _NUM + r"\b(?!\s*(?:maanden|weken|dagen|keer|uur|%))",
            re.I,
        ),
        0,
    ),
    (
        re.compile(
            r"\b(?:ze|hij|zij|die|is|ben|wordt)\s+(?:is\s+|nu\s+|net\s+)?"
            + _NUM
            + r"\b(?!\s*(?:maanden|weken|dagen|keer|uur|%|jaar\s+geleden))",
            re.I,
        ),
        0,
    ),
    (re.compile(r"\bgroep\s*([1-8])\b", re.I), 3),  # groep 1 is about 4 years old
    (
        re.compile(r"\b(?:klas\s*([1-6])|([1-6])e\s*klas|([1-6])\s*(?:havo|vwo|vmbo|mavo|gymnasium|atheneum))\b", re.I),
        11,
    ),
]
_MONTHS_OLD = re.compile(
    r"\b(\d{1,2}|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf)\s+maanden(?:\s+oud)?\b", re.I
)
_MONTHS_OLD_EXPLICIT = re.compile(
    r"\b(\d{1,2}|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf)\s+maanden\s+oud\b"
    r"|\b(?:baby|kindje|zoontje|dochtertje)\s+van\s+\S+\s+maanden\b",
    re.I,
)


# "al een jaar", "sinds twee jaar", "een jaar geleden": how long, not how old.
_SPAN_NOT_AGE = re.compile(
    r"\b(?:al|sinds|ruim|bijna|ongeveer|zo'n|langer dan|meer dan|minder dan|half|nu al|"
    r"al ruim|al bijna|al meer dan|afgelopen|laatste|na)\s*$"
)
_AFTER_NOT_AGE = re.compile(r"\s*(?:geleden|lang|terug)\b")


def _number(token: str) -> Optional[int]:
    token = token.lower()
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)


def parse_age(text: str, asked: bool = False) -> Optional[int]:
    """The child's age in years; ``asked`` allows a bare number ("9", "negen")."""
    lowered = text.lower().strip()
    if asked:
        bare = re.fullmatch(r"(?:hij is |ze is |zij is |ik ben )?" + _NUM + r"\.?", lowered)
        if bare:
            return _number(bare.group(1))
        if _MONTHS_OLD.search(lowered) or "baby" in lowered or "pasgeboren" in lowered:
            return 0
    for pattern, offset in _AGE_PATTERNS:
        match = next(
            (
                found
                for found in pattern.finditer(lowered)
                if not (
                    offset == 0
                    and _SPAN_NOT_AGE.search(lowered[: found.start()])
                    or _AFTER_NOT_AGE.match(lowered[found.end() :])
                )
            ),
            None,
        )
        if match:
            value = next(group for group in match.groups() if group)
            number = _number(value)
            if number is not None:
                return number + offset
    if _MONTHS_OLD_EXPLICIT.search(lowered):
        return 0  # "een baby van 8 maanden oud"; a bare "twee maanden" answers how long, not how old
    return None


# --- municipality ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _municipality_regex() -> Pattern[str]:
    names = sorted(municipality_names(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(name) for name in names) + r")(?![\w-])", re.I)


_PLACE_PREFIX = re.compile(
    r"^(?:we wonen in|wij wonen in|ik woon in|hij woont in|ze woont in|zij woont in|"
    r"wonen in|woon in|woont in|gemeente|in|uit|de gemeente)\s+",
    re.I,
)
_PLACE = re.compile(r"^[a-zà-ÿ'][a-zà-ÿ' .-]{1,38}[a-zà-ÿ]$", re.I)
_NOT_PLACES = {"ja", "nee", "weet ik niet", "geen idee", "dat weet ik niet", "onbekend", "nvt", "n.v.t."}


_WORKPLACE = re.compile(
    r"\b(?:school|basisschool|praktijk|huisartsenpraktijk|werk|werkzaam|werkt|kantoor|"
    r"instelling|college|lyceum|vestiging)\s+(?:in|te|uit)\s+(?:de\s+gemeente\s+)?$",
    re.I,
)


def parse_municipality(text: str, asked: bool = False) -> Optional[Dict[str, Any]]:
    """``{"name": official, "known": True}`` for a configured municipality; when the bot asked,
    a plausible other place name gives ``{"name": Place, "known": False}``."""
    for match in _municipality_regex().finditer(text):
        if not asked and _WORKPLACE.search(text[max(0, match.start() - 40) : match.start()]):
            continue  # "mentor op een school in Leiden": where the referrer works, not where the child lives
        return {"name": municipality_names()[match.group(1).lower()], "known": True}
    if not asked:
        return None
    candidate = _PLACE_PREFIX.sub("", text.strip().rstrip(".!")).strip()
    if candidate.lower() in _NOT_PLACES or len(candidate.split()) > 4 or not _PLACE.match(candidate):
        return None
    return {"name": " ".join(part[:1].upper() + part[1:] for part in candidate.split()), "known": False}


# --- role --------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _role_words() -> List[tuple]:
    pairs = [(word.lower(), role) for role, data in knowledge.load("roles")["roles"].items() for word in data["words"]]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def role_label(role: str) -> str:
    return knowledge.load("roles")["roles"][role]["label"]


# "ik ben 15", "hoi ik ben 15 jaar": a young person introducing themselves.
_YOUTH_AGE = re.compile(
    r"(?:^|[,.!]\s*|\b(?:hoi|hallo|hey|hi|hee|hoii+|yo|dag|goedemiddag|goedemorgen|goedenavond)[,!]?\s+)"
    r"ik ben (?:nu |net )?(\d{1,2})(?:\s*(?:jaar|jr))?(?!\s*(?:maanden|weken|minuten|kilo|kg|cm|%))\b"
)


def parse_role(text: str, asked: bool = False) -> Optional[str]:
    lowered = text.lower().strip()
    if re.search(r"\b(?:voor|over) (?:mezelf|mijzelf|mij zelf)\b", lowered) or _YOUTH_AGE.search(lowered):
        return "youth"
    for word, role in _role_words():
        escaped = re.escape(word)
        stated = re.search(
            r"\b(?:ik ben|ik werk als|als|wij zijn|we zijn|vanuit|namens|ben)\s+(?:de |het |een |hier |)"
            + escaped
            + r"\b",
            lowered,
        )
        alone = asked and re.search(r"(?<![\w-])" + escaped + r"(?![\w-])", lowered)
        # "POH-jeugd hier, ..." or "huisarts hier": a professional opening with who they are.
        opening = role in ("gp", "school") and re.match(r"\W*" + escaped + r"\s+hier\s*(?:[,.:;!-]|$)", lowered)
        if stated or alone or opening:
            return role
    return None


# --- categories ----------------------------------------------------------------------------------
def _first_category(text: str, table: List[tuple]) -> Optional[str]:
    for key, pattern in table:
        if pattern.search(text):
            return key
    return None


def concern_domains(text: str) -> List[str]:
    return [domain for domain, pattern in _lexicon()["domains"].items() if pattern.search(text)]


_AGE_STATEMENT = re.compile(
    r"\b(?:is|ben|van|wordt|meisje|jongen|zoon|dochter|kind|leerling|pt|patiënt)\s+(?:nu\s+|net\s+)?"
    + _NUM
    + r"\s*(?:jaar|jr\.?)(?:\s+oud)?",
    re.I,
)


# When something started, as a month of the year (1-12, fractions for the middle of a month), to
# count how long it plays: "sinds juli", "sinds de herfstvakantie", "sinds Sinterklaas".
_START_MONTHS = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
    "kerst": 12.8,
    "kerstmis": 12.8,
    "kerstvakantie": 12.9,
    "oud en nieuw": 12.95,
    "sinterklaas": 12.15,
    "herfstvakantie": 10.6,
    "zomervakantie": 7.6,
    "meivakantie": 4.9,
    "voorjaarsvakantie": 2.6,
    "carnaval": 2.6,
    "pasen": 4.1,
    "krokusvakantie": 2.6,
    "begin van het schooljaar": 9,
    "start van het schooljaar": 9,
}
_SINCE = re.compile(
    r"\b(?:sinds|vanaf|na|begon (?:na|rond|in|met)|begonnen (?:na|rond|in))\s+(?:de |het |eind |begin |half )?("
    + "|".join(sorted(_START_MONTHS, key=len, reverse=True))
    + r")\b",
    re.I,
)
_SPAN = re.compile(
    r"(?:(<|>|minder dan|meer dan|ruim|bijna)\s*)?"
    r"\b(\d{1,2}|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf)"
    r"(?:\s*(?:-|tot)\s*(\d{1,2}))?\s*(?:maand(?:en)?|mnd|mndn|weken|week|wk|wkn)\b(?:\s+of\s+\w+)?",
    re.I,
)
_SPAN_ORDER = re.compile(r"\b(?:een|1)\s+maand\s+of\s+(\d{1,2}|twee|drie|vier|vijf|zes|zeven|acht|negen|tien)\b", re.I)


def _months(value: str) -> Optional[float]:
    number = _number(value)
    return None if number is None else float(number)


def _duration_in_months(text: str, today: Optional[date] = None) -> Optional[float]:
    """How many months something has played, from a start ("sinds juli") or a span ("2 wk",
    "3-6 mnd", "een maand of vier"), when the text says so."""
    order = _SPAN_ORDER.search(text)
    if order:
        return _months(order.group(1))
    span = _SPAN.search(text)
    if span:
        comparison, first, last = span.group(1), span.group(2), span.group(3)
        amount = _months(first)
        if amount is None:
            return None
        if last and _months(last) is not None:
            amount = (amount + _months(last)) / 2  # "3-6 mnd": the middle of the range
        if re.search(r"we?e?k|wk", span.group(0), re.I):
            amount /= 4.3
        if comparison in ("<", "minder dan"):
            amount -= 0.5
        elif comparison in (">", "meer dan", "ruim"):
            amount += 0.5
        return amount
    since = _SINCE.search(text)
    if since:
        today = today or date.today()
        start = _START_MONTHS[since.group(1).lower()]
        now = today.month + today.day / 31
        return (now - start) % 12 or 0.1
    return None


def parse_duration(text: str, today: Optional[date] = None) -> Optional[str]:
    # "hij is negen jaar" is an age, not a duration.
    text = _AGE_STATEMENT.sub(" ", text)
    months = _duration_in_months(text, today)
    if months is not None and not re.search(r"\b(?:jaar|jaren)\b", text, re.I):
        return "kort" if months < 3 else "middel" if months < 6 else "lang"
    return _first_category(text, _lexicon()["durations"])


def parse_impact(text: str) -> Optional[str]:
    """How much the worry weighs on daily life: the heaviest reading found ("soms, maar hij slaapt
    niet meer" is a lot), unless the answer starts by saying it is little ("niet zo erg, op school
    gaat alles goed")."""
    found = [
        (match.start(), rank, key)
        for rank, (key, pattern) in enumerate(_lexicon()["impacts"])
        for match in [pattern.search(text)]
        if match
    ]
    if not found:
        return None
    first = min(found)
    return first[2] if first[2] == "weinig" else min(found, key=lambda item: item[1])[2]


def parse_tried_outcome(text: str) -> Optional[str]:
    return _first_category(text, _lexicon()["tried"])


def has_severe_signs(text: str) -> bool:
    return bool(_lexicon()["severe"].search(text))


def asks_specialist(text: str) -> bool:
    return bool(_lexicon()["specialist"].search(text))


def mentions_child_protection(text: str) -> bool:
    return bool(_lexicon()["protection"].search(text))


def means_nothing(text: str) -> bool:
    """ "geen", "nee", "niemand": an answer that says there is nothing (still a valid answer)."""
    return bool(_lexicon()["no_help"].fullmatch(text.strip().lower().rstrip(".!")))


def _clause_with(text: str, pattern: Pattern[str]) -> Optional[str]:
    for clause in re.split(r"[,;]|\. ", text):
        if pattern.search(clause):
            return clause.strip()
    return None


_INTRODUCTION = re.compile(r"^\s*(?:ik ben|ik werk|wij zijn|we zijn|hier is|dit is)\b[^,.;:!?]*[,.;:!?]?", re.I)


_LIVING_PLACE = re.compile(
    r"\b(?:wij|we|ik|hij|ze|zij|jullie)\s+(?:wonen|woon|woont)\s+(?:in|te)\s+[\w' -]+?(?=[,.;!?]|$| en | maar )", re.I
)


def describes_concern(text: str) -> bool:
    """A message that tells what the worry is (not just an age or a place). An introduction
    ("ik ben mentor op een school in Den Haag") is not the worry, even when it names a school."""
    text = _LIVING_PLACE.sub(" ", text)  # "wij wonen in Leiden" says where, not what the worry is
    intro = _INTRODUCTION.match(text)
    worry_inside = intro and re.search(r"\b(?:die|dat|omdat|want|maar|sinds|heeft|is)\b", intro.group(0)[6:], re.I)
    rest = text if worry_inside else _INTRODUCTION.sub("", text)
    return len(re.findall(r"\w+", rest)) >= 4 and bool(concern_domains(rest) or has_severe_signs(rest))


def read_message(text: str, requested_slot: Optional[str] = None, describes: bool = False) -> Dict[str, Any]:
    """Every fact that ``text`` gives, as slot name -> value (only what was found).

    ``describes``: the message tells the worry, so it may also say how long and what was tried."""
    facts: Dict[str, Any] = {}
    role = parse_role(text, asked=requested_slot == "referrer_role")
    if role:
        facts["referrer_role"] = role
    age = parse_age(text, asked=requested_slot == "child_age")
    # "al twee jaar" answers how long, not how old; an age there must be said as one.
    if age is not None and (requested_slot != "duration" or _AGE_STATEMENT.search(text)):
        facts["child_age"] = age
    place = parse_municipality(text, asked=requested_slot == "municipality")
    if place:
        facts["municipality"] = place["name"]
        facts["municipality_known"] = place["known"]
    if describes or requested_slot in (None, "concern", "duration"):
        duration = parse_duration(text)
        if duration:
            facts["duration"] = duration
    if requested_slot == "impact":
        impact = parse_impact(text)
        if impact:
            facts["impact"] = impact
    if describes or requested_slot in (None, "concern"):
        # A professional's one-liner often names what was tried and did not help, the help that
        # is already there, what is asked for and how serious it is: none of it is asked again.
        tried_pattern = dict(_lexicon()["tried"])["not_enough"]
        clause = _clause_with(text, tried_pattern)
        if clause:
            facts["tried"] = clause
        involved = _clause_with(text, _HELP_INVOLVED)
        if involved:
            facts["help_involved"] = involved
        wish = _clause_with(text, _GOAL)
        if wish:
            facts["goal"] = wish
        if describes and (has_severe_signs(text) or _SERIOUS_IMPACT.search(text)):
            facts["impact"] = "groot"
    return facts


# Help already involved, named in a first message ("POH 4 gesprekken", "loopt bij de psycholoog").
_HELP_INVOLVED = re.compile(
    r"\b(?:poh|praktijkondersteuner|psycholoog|psychiater|wijkteam|jeugdteam|cjg|jgt|"
    r"schoolmaatschappelijk\w*|smw|ggz\w*|jeugdarts|ambulant\w*|begeleider|hulpverlener|"
    r"in behandeling|logopedie|fysiotherap\w*|kinderarts)\b",
    re.I,
)
# What is asked for ("ouders willen verwijzing", "vraagt om hulp bij").
_GOAL = re.compile(
    r"\b(?:wil(?:len)?|vraagt|vragen|verzoek|hulpvraag)\b.{0,30}\b(?:verwijzing|verwezen|hulp|onderzoek|"
    r"diagnostiek|behandeling|begeleiding|ondersteuning|aanmelding)\b",
    re.I,
)
# Clearly much impact on daily life, in a first message ("weigert school", "slaapt niet").
_SERIOUS_IMPACT = re.compile(
    r"\b(?:weigert (?:school|naar school)|schoolweigering|verzuimt (?:veel|structureel)|"
    r"komt (?:niet|nauwelijks) (?:meer )?(?:op school|naar school|buiten)|slaapt (?:bijna )?niet|"
    r"eet (?:bijna )?niet|functioneert (?:nauwelijks|niet)|zit thuis)\b",
    re.I,
)


@lru_cache(maxsize=1)
def _kinds() -> List[tuple]:
    return [(kind, _phrase_regex(words)) for kind, words in knowledge.load("intake")["kinds_of_help"].items()]


def kind_of_help(text: str) -> Optional[str]:
    """The kind of help a waiting-time question names ("wachttijd jeugd-GGZ"), if any."""
    return _first_category(text, _kinds())


def kind_label(kind: str) -> str:
    return knowledge.load("intake")["kind_labels"][kind]
