"""A turn without Rasa: what every form's turn is made of, and the safety screen each runs first.

Each form's turn is a pure function from the conversation's slots and the `Message` (what NLU
read) to an `Outcome` (what to say, which slots change, which indicators to record, whether the
form ends): `clarification.decide_turn` (bot/clarification.py) and `handoff_turn`
(bot/handoff/turn.py). The Rasa actions only translate: the tracker in, the outcome out
(actions/common.carry_out).

`screen` comes first in every turn: a certain signal gives the route (`escalate`) and ends the
form; an uncertain one gives the calm check (`ask_check`), after which the questions go on; the
answer to the check is screened too (a plain "no" clears it; an answer that is neither yes nor no
and leans nowhere near danger gets the check once more in other words, `ask_again`); the message
after a route is read in that context (`follow_up`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from bot import answers, clarification, intake, safety, texts
from bot.settings import MAX_MESSAGE_CHARS


@dataclass(frozen=True)
class Message:
    """The user's message as NLU read it."""

    text: str = ""
    intent: str = ""
    confidence: float = 0.0
    entities: Tuple[Mapping[str, Any], ...] = ()
    semantic: Mapping[str, Any] = field(default_factory=dict)  # bot/nlu/semantic_reader.py
    safety_level: str = "route"  # bot/nlu/safety_screen.py: "route" when certain, "check" when not

    @classmethod
    def from_parse(cls, parse: Optional[Mapping[str, Any]]) -> "Message":
        """From Rasa's parse data (``tracker.latest_message``)."""
        parse = parse or {}
        intent = parse.get("intent") or {}
        return cls(
            text=parse.get("text") or "",
            intent=intent.get("name") or "",
            confidence=float(intent.get("confidence") or 0.0),
            entities=tuple(parse.get("entities") or ()),
            semantic=parse.get("semantic") or {},
            safety_level=parse.get("safety_level") or "route",
        )

    @property
    def is_button(self) -> bool:
        return self.text.startswith("/")

    def entity(self, name: str) -> Optional[Any]:
        return next((entity.get("value") for entity in self.entities if entity.get("entity") == name), None)

    def safety_categories(self) -> List[str]:
        found = [entity["value"] for entity in self.entities if entity.get("entity") == "safety_category"]
        return found or ["unspecified"]


@dataclass
class Say:
    """Text ``key`` (texts/chat.yml) in the version for ``role`` (None: the asker's role as it
    was at the start of the turn)."""

    key: str
    values: Dict[str, Any] = field(default_factory=dict)
    role: Optional[str] = None
    buttons: Optional[List[Dict[str, str]]] = None


@dataclass
class SideQuestion:
    """Answer side question ``intent`` here (actions/faq.py: it may ask the waiting-times service)."""

    intent: str


@dataclass
class Record:
    """An anonymised indicator (bot/indicators.py); the action adds the conversation reference
    (and the asker's role and municipality, unless ``role`` is given)."""

    kind: str
    route: Optional[str] = None
    role: Optional[str] = None


@dataclass
class Outcome:
    """What a turn says (in order), which slots it changes, what it records, and whether the form ends."""

    replies: List[Union[Say, SideQuestion]] = field(default_factory=list)
    updates: Dict[str, Any] = field(default_factory=dict)
    records: List[Record] = field(default_factory=list)
    ends_form: bool = False

    def say(
        self, key: str, role: Optional[str] = None, buttons: Optional[List[Dict[str, str]]] = None, **values: Any
    ) -> None:
        self.replies.append(Say(key, values, role, buttons))

    def add(self, other: "Outcome") -> "Outcome":
        self.replies += other.replies
        self.updates.update(other.updates)
        self.records += other.records
        self.ends_form = self.ends_form or other.ends_form
        return self


# --- 1. the safety screen (also used by the handoff form and action_safety_route) --------------

# What `screen` found: the route was given (end the form), the check was asked or asked again (ask
# nothing else now), the check was answered "no" (ask the open question again), or it was passed
# by with an answer to the open question (read the message as usual).
ROUTE, CHECK, RESUME, CLEARED = "route", "check", "resume", "cleared"
# The texts of each route (texts.yml), by bot/safety.route_group.
ROUTE_TEXTS = {
    "emergency": ["safety_acute", "safety_all_lines"],
    "suicide_prevention": ["safety_suicide"],
    "veilig_thuis": ["safety_violence"],
    "all_lines": ["safety_all_lines"],
}
# A "no" to the check of at most this many words clears it ("nee hoor", "nee, nu niet").
PLAIN_NO_WORDS = 4
# Below this semantic danger an answer to an open question passes the check by ("ouders betrokken
# en steunend"); an answer that leans towards danger gives the route.
PASS_BY_BELOW = 0.35
# A no that clears the check with more words after it ("nee hoor, het was een grapje"), unless
# something follows that turns it ("nee, maar vanavond komt hij weer", "nog niet").
_REAL_NO = re.compile(r"^(?:nee+|neen|nope|nah|no)\b", re.I)
_BUT = re.compile(
    r"\bmaar\b(?!\s+(?:een|even|één|gewoon|wat|zo|grapje)\b)|\b(?:wel|nog|straks|vanavond|vannacht|morgen|soms|als)\b",
    re.I,
)  # "maar" as "only" ("het was maar een grapje") does not turn a no
# "ik durf niet te bellen", "kan ik niet gewoon chatten?": the chat options.
WANTS_CHAT = re.compile(
    r"\b(?:chat\w*|typen|appen|whatsapp|schrijven|durf\w* (?:niet|nie) (?:te )?bellen|"
    r"kan (?:niet|nie) bellen|niet bellen|wil (?:niet|nie) bellen)\b",
    re.I,
)


def escalate(slots: Mapping[str, Any], message: Message, also: Sequence[str] = ()) -> Outcome:
    """The safety route for ``message``, with the categories seen before and ``also`` (what a
    pending check was about): a follow-up that raises a new signal keeps what was said before."""
    outcome = Outcome()
    seen = list(slots.get("safety_categories") or [])
    categories = message.safety_categories()
    known = seen + list(also)
    if known:
        categories = sorted((set(categories) | set(known)) - {"unspecified"}) or ["unspecified"]
    group = safety.route_group(categories)
    language = safety.other_language(message.text)
    if language:
        outcome.say("safety_other_language", role=language)
    for key in ROUTE_TEXTS[group]:
        outcome.say(key)
    # A second line when the message shows both violence and suicide/self-harm signals.
    groups = {safety.route_group([category]) for category in categories}
    if group == "suicide_prevention" and "veilig_thuis" in groups:
        outcome.say("safety_violence")
    elif group == "veilig_thuis" and "suicide_prevention" in groups:
        outcome.say("safety_suicide")
    outcome.say("safety_after")
    outcome.records.append(Record("safety", route=group))
    # The next message is read in this context first ("ja, elke avond"), not as a new question.
    outcome.updates.update(
        safety_categories=sorted(set(seen) | set(categories)), safety_pending=True, safety_check=None
    )
    return outcome


def ask_check(message: Message) -> Outcome:
    """The calm check: the lines, and whether someone is in danger or being hurt now."""
    outcome = Outcome()
    language = safety.other_language(message.text)
    if language:
        outcome.say("safety_other_language", role=language)
    outcome.say("safety_check")
    outcome.records.append(Record("safety_check"))
    # Every check starts here, so `safety_check_again` needs no reset anywhere else: it is read
    # only while a check is open.
    outcome.updates.update(safety_check=message.safety_categories(), safety_check_again=False)
    return outcome


def ask_again() -> Outcome:
    """The check once more, in other words, after an answer that was neither yes nor no; with
    every line, as the check itself."""
    outcome = Outcome(updates={"safety_check_again": True})
    outcome.say("safety_check_again", lines=lines_for([]))
    return outcome


def lines_for(categories: Sequence[str]) -> str:
    """The national line(s) for the conversation's safety categories, as one sentence."""
    group = safety.route_group(list(categories or [])) or "all_lines"
    return texts.render(f"safety_line_{group}")["text"]


def follow_up(slots: Mapping[str, Any], message: Message) -> Outcome:
    """The first message after a safety route: acknowledge it and give the line again (the chat
    options to someone who would rather write than call)."""
    outcome = Outcome(updates={"safety_pending": False})
    categories = slots.get("safety_categories") or []
    lines = lines_for(categories)
    if WANTS_CHAT.search(message.text):
        outcome.say("safety_chat", lines=lines)
    elif safety.route_group(list(categories)) == "suicide_prevention":
        outcome.say("safety_followup_suicide_prevention", lines=lines)
    else:
        outcome.say("safety_followup", lines=lines)
    return outcome


def screen(slots: Mapping[str, Any], message: Message) -> Optional[Tuple[str, Outcome]]:
    """Safety for the message, before anything else: ``(ROUTE | CHECK | RESUME | CLEARED, outcome)``
    when it acted, None when the message is for the form."""
    pending_check = slots.get("safety_check")
    intent = message.intent
    if pending_check:
        if message.is_button and intent not in ("affirm", "deny", "signal_danger"):
            # A button of the open question instead of an answer to the check: no danger was
            # indicated, so the check is closed and the answer is read as usual.
            return CLEARED, Outcome(updates={"safety_check": None})
        if intent == "signal_danger" and message.safety_level == ROUTE:
            return ROUTE, escalate(slots, message, also=pending_check)
        # Yes or no from the words and the intent only: the semantic yes/no reading is for the
        # form's closed questions and leans towards "yes" for a lone word ("school", "huisarts").
        reading = answers.yes_no(message.text, intent, message.confidence)
        # A plain no (a few words) clears the check; a longer one only when its words lean nowhere near danger.
        plain = len(re.findall(r"\w+", message.text)) <= PLAIN_NO_WORDS and intent != "signal_danger"
        if reading == "no" and (plain or message.is_button or _a_plain_no_with_harmless_words(message)):
            # "nee hoor", or a no with more words that lean nowhere near danger ("nee hoor, het
            # was een ongelukje in de keuken"); "nee, er was niks te eten" says more than no.
            outcome = Outcome(updates={"safety_check": None})
            outcome.say("safety_check_clear")
            return RESUME, outcome
        if reading != "yes" and intent != "signal_danger" and _answers_the_open_question(slots, message):
            # Passed by with an answer to the open question ("een half jaar"): the check is closed.
            return CLEARED, Outcome(updates={"safety_check": None})
        if reading != "yes" and intent != "signal_danger" and _plainly_harmless(message):
            if not slots.get("safety_check_again"):
                # Neither yes nor no, and nothing in it leans towards danger ("weet ik niet goed",
                # "huisarts" before the role was asked): asked once more in other words, with the lines.
                return CHECK, ask_again()
        # "ja", a second unclear answer, "vanavond als iedereen slaapt": safer to give the route.
        return ROUTE, escalate(slots, message, also=pending_check)
    if intent == "signal_danger":
        if message.safety_level == CHECK:
            if len(message.text) > MAX_MESSAGE_CHARS:
                return None  # too long to read: asked to write it shorter, then it is screened again
            return CHECK, ask_check(message)
        return ROUTE, escalate(slots, message)
    if slots.get("safety_pending"):
        return ROUTE, follow_up(slots, message)
    return None


def _a_plain_no_with_harmless_words(message: Message) -> bool:
    """ "nee hoor, het was een grapje": a real no ("nee", not "nog niet" or "liever niet") with no
    "maar" or "wel" after it, no signal of its own, and words that lean nowhere near danger."""
    return (
        message.intent != "signal_danger"
        and bool(_REAL_NO.match(message.text.strip()))
        and not _BUT.search(message.text)
        and _plainly_harmless(message)
    )


def _plainly_harmless(message: Message) -> bool:
    """Whether the semantic reading finds nothing towards danger in the message, alone or read
    together with the message before it."""
    semantic = message.semantic
    if not semantic.get("available"):
        return False
    danger = max(float(semantic.get("danger", 1.0)), float(semantic.get("context_danger") or 0.0))
    return danger < PASS_BY_BELOW


def _answers_the_open_question(slots: Mapping[str, Any], message: Message) -> bool:
    """Whether the message plainly answers the question that comes after the check ("een half
    jaar"), by its words: that question was not shown yet, so a reading by meaning alone, or any
    free text, is not taken as its answer (it gets the check once more instead)."""
    requested = slots.get("requested_slot")
    if not requested or requested not in clarification.QUESTION_ORDER or requested in intake.FREE_TEXT_SLOTS:
        return False
    turn = clarification.read_turn(slots, message.text, requested, list(message.entities), None, None)
    return requested in turn.updates and turn.problem is None
