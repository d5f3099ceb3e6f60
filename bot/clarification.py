"""Vraagverheldering (question clarification): which questions to ask, and what one message in the
form does. Pure functions; actions/clarification.py only translates the tracker in and the outcome out.

Following one message through `decide_turn`:
1. Safety first, always (`turn.screen`, bot/turn.py): the route ends the form; the calm check
   asks nothing else now (an answer in the same message is kept); a plain "no" to the check goes
   on where we were.
2. A stop ("ik wil stoppen") ends the form.
3. A side question ("wat kost het?") is answered, then the open question is asked again.
4. The answer: `read_turn` reads the message (the answer, more facts, corrections of earlier
   answers); an unreadable answer is explained, the second time in other words, and after
   `MAX_UNREADABLE` the question is skipped.
5. The next question (`next_question`), in the version for the asker's role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

from bot import answers, faq, intake, knowledge, regions, scope, text_checks, texts, turn
from bot.settings import MAX_SUMMARY_CHARS

# The order in which questions are asked (BRIEF §2.2).
QUESTION_ORDER = [
    "referrer_role",
    "child_age",
    "municipality",
    "concern",
    "duration",
    "impact",
    "tried",
    "help_involved",
    "network",
    "goal",
    "youth_wish",
]
# The clarification's slots: the answers, and what the safety screen saw so far.
SLOTS = QUESTION_ORDER + ["municipality_known", "safety_categories"]
CHOICE_VALUES = {
    "referrer_role": {"gp", "school", "parent", "youth"},
    "duration": {"kort", "middel", "lang"},
    "impact": {"weinig", "merkbaar", "groot"},
}
# After this many answers the bot could not read, a choice question takes "onbekend" and moves
# on, so nobody gets stuck (the summary shows it and can still be corrected).
MAX_UNREADABLE = 2
ADULT_AGE = 18
YOUTH_VIEW_AGE = 12  # young people from 12 get a say in the help (RR-2020 §2.9, §2.10)
CORRECTABLE = {"referrer_role", "child_age", "municipality"}
SHORT_CORRECTION_WORDS = 8
PAYLOAD_EXTRACTOR = "RegexMessageHandler"  # what Rasa names entities parsed from a button payload


def required_slots(slots: Mapping[str, Any]) -> List[str]:
    """The questions this conversation needs; short routes (18+, not youth care, dyslexia,
    municipality outside the regions) stop as soon as the route is clear."""
    needed = ["referrer_role", "child_age"]
    age = slots.get("child_age")
    if isinstance(age, int) and age >= ADULT_AGE:
        return needed + ["municipality"]
    needed += ["municipality", "concern"]
    concern = slots.get("concern")
    municipality = slots.get("municipality")
    if concern and (
        scope.out_of_scope_item(concern, municipality)
        or scope.mentions_dyslexia(concern)
        or intake.mentions_child_protection(concern)
    ):
        return needed
    if municipality and slots.get("municipality_known") is False:
        return needed
    needed += ["duration", "impact", "tried", "help_involved", "network", "goal"]
    if isinstance(age, int) and age >= YOUTH_VIEW_AGE and slots.get("referrer_role") != "youth":
        needed.append("youth_wish")
    return needed


def next_question(slots: Mapping[str, Any]) -> Optional[str]:
    return next((slot for slot in required_slots(slots) if slots.get(slot) in (None, "")), None)


@dataclass
class Turn:
    """What one user message changes: new slot values, corrections, a problem to explain."""

    updates: Dict[str, Any] = field(default_factory=dict)
    corrected: List[str] = field(default_factory=list)
    problem: Optional[str] = None


def _valid_age(value: Any) -> bool:
    return isinstance(value, int) and 0 <= value <= 25


def read_turn(
    slots: Mapping[str, Any],
    text: str,
    requested: Optional[str],
    entities: Optional[List[Mapping[str, Any]]] = None,
    intent: Optional[str] = None,
    semantic: Optional[Mapping[str, Any]] = None,
) -> Turn:
    """Reads one message in the clarification form.

    ``entities`` may carry values from buttons (payload ``/inform{"duration": "kort"}``);
    ``semantic`` is the reading by meaning (bot/answers.py), for answers typed in one's own words.
    Facts the message states outright (age, municipality, role) also fill or correct other
    slots; the requested slot takes the whole message when it is a free-text question.
    """
    turn = Turn()
    entities = entities or []
    # Values from buttons come with the payload; the ruler's entities are only
    # read through the intake parser, which looks at the context ("ik ben ...").
    from_buttons = {
        entity["entity"]: entity["value"]
        for entity in entities
        if entity.get("entity") in ("role", "duration", "impact")
        and entity.get("extractor") in (None, PAYLOAD_EXTRACTOR)
    }
    if text.startswith("/"):
        text = ""  # a button payload ("/affirm" from an older message) is never a typed answer
    cleaned, problem = text_checks.clean_answer(text)
    if from_buttons:
        problem = None
    # A message that tells the worry fills the concern whatever was asked ("meisje 15, Katwijk,
    # somber sinds maanden" as the answer to the age question), so it is not asked again.
    describes = (
        not problem
        and not slots.get("concern")
        and requested not in intake.FREE_TEXT_SLOTS
        and (intent == "describe_concern" or intake.describes_concern(cleaned))
    )
    facts: Dict[str, Any] = {} if problem else intake.read_message(cleaned, requested, describes)
    if describes:
        facts["concern"] = cleaned
    if not problem and not from_buttons:
        # Closed questions answered in one's own words: the words, then the meaning.
        if requested == "impact":
            value = answers.impact(cleaned, facts.get("impact"), semantic)
            if value:
                facts["impact"] = value
        elif requested == "duration":
            value = answers.duration(cleaned, facts.get("duration"), semantic)
            if value:
                facts["duration"] = value
        elif requested == "referrer_role" and "referrer_role" not in facts:
            value = answers.choice("role", semantic, minimum=0.5)
            if value:
                facts["referrer_role"] = value
    if "role" in from_buttons and from_buttons["role"] in CHOICE_VALUES["referrer_role"]:
        facts["referrer_role"] = from_buttons["role"]
    for name in ("duration", "impact"):
        if from_buttons.get(name) in CHOICE_VALUES[name]:
            facts[name] = from_buttons[name]
    if requested in intake.FREE_TEXT_SLOTS and not problem:
        facts[requested] = cleaned
    if "child_age" in facts and not _valid_age(facts["child_age"]):
        facts.pop("child_age")
        if requested == "child_age":
            turn.problem = "age_implausible"

    for slot, value in facts.items():
        current = slots.get(slot)
        if slot == "municipality_known":
            continue
        if current in (None, "") or slot == requested:
            turn.updates[slot] = value
        elif slot in CORRECTABLE and value != current:
            turn.updates[slot] = value
            turn.corrected.append(slot)
    if turn.corrected and requested in intake.FREE_TEXT_SLOTS and len(cleaned.split()) <= SHORT_CORRECTION_WORDS:
        # "nee wacht, ze is 12" corrects an answer; it is not the answer to the open question.
        turn.updates.pop(requested, None)
    if "municipality" in turn.updates:
        turn.updates["municipality_known"] = facts.get("municipality_known", True)
    if requested and requested not in turn.updates and turn.problem is None and not turn.corrected:
        turn.problem = problem or f"unreadable_{requested}"
    return turn


# --- the turn: one message in the form -----------------------------------------------------------

# Problems with a message and the text that explains each (texts.yml).
PROBLEM_TEXTS = {
    "too_long": "input_too_long",
    "no_words": "input_no_words",
    "english": "input_english",
    "gibberish": "input_gibberish",
    "age_implausible": "age_implausible",
    "unreadable_referrer_role": "unreadable_referrer_role",
    "unreadable_child_age": "unreadable_child_age",
    "unreadable_municipality": "unreadable_municipality",
    "unreadable_duration": "unreadable_duration",
    "unreadable_impact": "unreadable_impact",
}
INPUT_PROBLEMS = {"too_long", "no_words", "english", "gibberish"}


def _end_form(outcome: turn.Outcome, reason: str) -> turn.Outcome:
    outcome.updates.update(last_input=reason, requested_slot=None)
    outcome.ends_form = True
    return outcome


def decide_turn(slots: Mapping[str, Any], message: turn.Message, form_active: bool = True) -> turn.Outcome:
    """One message while the clarification form is active (``form_active`` False: the message
    that started it). ``slots`` holds the conversation's slots, including ``requested_slot``."""
    outcome = turn.Outcome()
    if not slots.get("intro_shown"):
        outcome.say("intro")
        outcome.updates["intro_shown"] = True
    requested = slots.get("requested_slot") if form_active else None
    answers_so_far = {name: slots.get(name) for name in SLOTS}

    # 1. Safety first, always.
    screened = turn.screen({**slots, "requested_slot": requested}, message)
    if screened and screened[0] == turn.CLEARED:
        outcome.add(screened[1])
        screened = None
    if screened:
        kind, safety_outcome = screened
        outcome.add(safety_outcome)
        if kind == turn.ROUTE:
            return _end_form(outcome, "safety")
        if kind == turn.CHECK:
            # The message that raised the check may also answer the open question ("heel veel, ze
            # eet niks meer"): keep that answer, and ask the next question after the check. An
            # answer to the check itself (it is asked again) answers no question of the form.
            updates: Dict[str, Any] = {}
            if not slots.get("safety_check"):
                reading = read_turn(
                    answers_so_far, message.text, requested, list(message.entities), message.intent, message.semantic
                )
                updates = {} if reading.problem else dict(reading.updates)
            outcome.updates.update(updates)
            outcome.updates.update(
                last_input="safety_check", requested_slot=next_question({**answers_so_far, **updates})
            )
            return outcome
        # RESUME: the check was answered "no": go on where we were.
        next_slot = requested or next_question(answers_so_far)
        if next_slot:
            outcome.say(f"ask_{next_slot}")
        outcome.updates.update(last_input="safety_check_clear", requested_slot=next_slot)
        return outcome

    # 2. A stop.
    free_text = requested in intake.FREE_TEXT_SLOTS
    if message.intent == "stop_conversation" and requested and text_checks.means_stop(message.text, free_text):
        outcome.say("stopped")
        return _end_form(outcome, "stopped")

    # 3. A side question: answer it, then ask the open question again.
    if requested and faq.is_side_question(message.intent, message.confidence, message.text, free_text):
        outcome.replies.append(turn.SideQuestion(message.intent))
        outcome.say(f"ask_{requested}")
        outcome.updates.update(last_input=f"side_question:{message.intent}", requested_slot=requested)
        return outcome

    # 4. The answer (possibly with more facts, or a correction of an earlier answer).
    reading = read_turn(
        answers_so_far, message.text, requested, list(message.entities), message.intent, message.semantic
    )
    updates = dict(reading.updates)
    # A message the bot cannot read (English, gibberish, ...) is explained, whatever its intent.
    unreadable_input = reading.problem in INPUT_PROBLEMS
    wants_correction = (
        message.intent == "correct_answer" and message.confidence >= faq.MIN_CONFIDENCE and not unreadable_input
    )
    if wants_correction and requested in updates and requested not in reading.corrected:
        updates.pop(requested)  # "ik wil iets aanpassen" is not the answer to the open question
    if reading.corrected:
        changed = ", ".join(
            f"{field(slot)['named']} is nu {shown_value(slot, updates[slot])}" for slot in reading.corrected
        )
        outcome.say("corrected", corrected=changed)
    elif wants_correction and requested:
        outcome.say("correction_later")
    unreadable = int(slots.get("unreadable_count") or 0)
    if requested and reading.problem and not wants_correction:
        unreadable += 1
        if unreadable > MAX_UNREADABLE:
            updates[requested] = give_up_value(requested)
            if requested == "municipality":
                updates["municipality_known"] = False
            outcome.say("skip_question")
            unreadable = 0
        else:
            key = PROBLEM_TEXTS.get(reading.problem, "unreadable_answer")
            # The second time, the question comes in other words again, never "kies een knop".
            again = f"{key}_again"
            outcome.say(again if unreadable > 1 and again in texts.keys() else key)
    elif not reading.problem:
        unreadable = 0

    # 5. The next question, in the version for the asker's role (which this message may have told).
    next_slot = next_question({**answers_so_far, **updates})
    if next_slot:
        outcome.say(f"ask_{next_slot}", role=updates.get("referrer_role"))
    outcome.updates.update(updates)
    outcome.updates.update(
        summary_shown=False,
        unreadable_count=unreadable,
        last_input="problem" if reading.problem else "answer",
        requested_slot=next_slot,
    )
    return outcome


def role_text(role: Optional[str]) -> str:
    return intake.role_label(role) if role in CHOICE_VALUES["referrer_role"] else texts.summary()["values"]["unknown"]


def give_up_value(slot: str) -> Any:
    """The value a choice question takes after MAX_UNREADABLE unreadable answers."""
    return {
        "referrer_role": "unknown",
        "duration": "onbekend",
        "impact": "onbekend",
        "child_age": "onbekend",
        "municipality": "onbekend",
    }.get(slot, "onbekend")


def field(slot: str) -> Dict[str, Any]:
    """How users read part ``slot``: its label, correction button and name (texts/summary.yml)."""
    return texts.summary()["fields"][slot]


def field_words(slot: str) -> List[str]:
    """The words that name part ``slot`` in a typed correction (bot/knowledge/fields.yml)."""
    return knowledge.load("fields")["words"][slot]


def shown_value(slot: str, value: Any) -> str:
    """An answer as users read it (role label, "9 jaar", duration in words)."""
    words = texts.summary()["values"]
    if value in (None, "", "onbekend", "unknown"):
        return words["unknown"]
    if slot == "referrer_role":
        return role_text(value)
    if slot == "child_age":
        return words["years"].format(age=value) if isinstance(value, int) else words["unknown"]
    if slot == "duration":
        return words["duration"].get(value, value)
    return str(value)


def summary_lines(slots: Mapping[str, Any], limit: int) -> List[str]:
    """Lines for the summary the referrer checks ("Klopt dit?"); long answers shortened."""

    def short(value: str) -> str:
        return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"

    lines = []
    for slot in QUESTION_ORDER:
        value = slots.get(slot)
        if value in (None, ""):
            continue
        text = short(shown_value(slot, value))
        if slot == "municipality" and value != "onbekend" and not regions.municipality(value):
            text += texts.summary()["values"]["outside_regions"]
        lines.append(f"{field(slot)['label']}: {text}")
    if slots.get("concern"):
        domains = intake.concern_domains(slots["concern"])
        if domains:
            topic = texts.summary()["values"]["topic"]
            lines.append(f"{topic}: " + ", ".join(intake.domain_label(domain) for domain in domains))
    return lines


def summary_text(slots: Mapping[str, Any]) -> str:
    """The summary the referrer checks, as a list."""
    return "\n".join(f"- {line}" for line in summary_lines(slots, MAX_SUMMARY_CHARS))


def field_buttons(slots: List[str]) -> List[Dict[str, str]]:
    """A "correct this part" button per slot (fields.yml)."""
    return [{"title": field(slot)["button"], "payload": f'/correct_answer{{"field":"{slot}"}}'} for slot in slots]


def field_named(
    text: str, entities: Sequence[Mapping[str, Any]], candidates: Sequence[str] = QUESTION_ORDER
) -> Optional[str]:
    """The part to correct, one of ``candidates``: from the button, or from words like "de
    leeftijd klopt niet"."""
    for entity in entities:
        if entity.get("entity") == "field" and entity.get("value") in candidates:
            return entity["value"]
    lowered = text.lower()
    for slot in candidates:
        if any(re.search(r"\b" + re.escape(word) + r"\b", lowered) for word in field_words(slot)):
            return slot
    return None
