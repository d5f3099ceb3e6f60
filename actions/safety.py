"""The safety route: the right national line for what was said, in a calm tone (BRIEF §4).

Every form's validation action calls `screen` first, so safety interrupts at every step:
- a certain signal gives the route at once and ends the form;
- an uncertain one gives the calm check (the lines, and "is someone in danger now?"); its answer
  is screened too: anything but a clear "no" gives the route, "no" goes on with the questions;
- the message after a route is read in that context ("ja, elke avond", "ik durf niet te bellen").
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import conversation_ref, latest_entities, latest_intent, latest_semantic, latest_text, say, slot_values
from bot import answers, clarification, indicators, intake, safety, texts
from bot.config import MAX_MESSAGE_CHARS

RESPONSES = {
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
# What `screen` tells the form: the route was given (end the form), the check was asked (ask
# nothing else now), the check was answered "no" (ask the open question again), or it was passed
# by with a button of the open question (read the message as usual).
ROUTE, CHECK, RESUME, CLEARED = "route", "check", "resume", "cleared"
# "ik durf niet te bellen", "kan ik niet gewoon chatten?": the chat options.
WANTS_CHAT = re.compile(r"\b(?:chat\w*|typen|appen|whatsapp|schrijven|durf\w* (?:niet|nie) (?:te )?bellen|"
                        r"kan (?:niet|nie) bellen|niet bellen|wil (?:niet|nie) bellen)\b", re.I)


def categories_in(tracker: Tracker) -> List[Text]:
    found = [entity["value"] for entity in latest_entities(tracker) if entity.get("entity") == "safety_category"]
    return found or ["unspecified"]


def level_of(tracker: Tracker) -> Text:
    return (tracker.latest_message or {}).get("safety_level") or ROUTE


def escalate(dispatcher: CollectingDispatcher, tracker: Tracker, also: Optional[List[Text]] = None) -> List[EventType]:
    """Gives the safety route for the latest message and remembers the categories, together with
    those seen before and ``also`` (what a pending check was about): a follow-up that raises a new
    signal keeps what was said before ("ze zeiden dat ik dan dood ben")."""
    seen = list(tracker.get_slot("safety_categories") or [])
    categories = categories_in(tracker)
    known = seen + list(also or [])
    if known:
        categories = sorted((set(categories) | set(known)) - {"unspecified"}) or ["unspecified"]
    group = safety.route_group(categories)
    language = safety.other_language(latest_text(tracker))
    if language:
        say(dispatcher, tracker, "safety_other_language", role=language)
    for response in RESPONSES[group]:
        say(dispatcher, tracker, response)
    # A second line when the message shows both violence and suicide/self-harm signals.
    groups = {safety.route_group([category]) for category in categories}
    if group == "suicide_prevention" and "veilig_thuis" in groups:
        say(dispatcher, tracker, "safety_violence")
    elif group == "veilig_thuis" and "suicide_prevention" in groups:
        say(dispatcher, tracker, "safety_suicide")
    say(dispatcher, tracker, "safety_after")
    ref, events = conversation_ref(tracker)
    indicators.record("safety", ref, role=tracker.get_slot("referrer_role"),
                      municipality=tracker.get_slot("municipality"), route=group)
    # The next message is read in this context first ("ja, elke avond"), not as a new question.
    return events + [SlotSet("safety_categories", sorted(set(seen) | set(categories))),
                     SlotSet("safety_pending", True), SlotSet("safety_check", None)]


def ask_check(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The calm check: the lines, and whether someone is in danger or being hurt now."""
    language = safety.other_language(latest_text(tracker))
    if language:
        say(dispatcher, tracker, "safety_other_language", role=language)
    say(dispatcher, tracker, "safety_check")
    ref, events = conversation_ref(tracker)
    indicators.record("safety_check", ref, role=tracker.get_slot("referrer_role"),
                      municipality=tracker.get_slot("municipality"))
    return events + [SlotSet("safety_check", categories_in(tracker))]


def follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The first message after a safety route: acknowledge it and give the line again (the chat
    options to someone who would rather write than call)."""
    group = safety.route_group(tracker.get_slot("safety_categories") or []) or "all_lines"
    lines = texts.render(f"safety_line_{group}")["text"]
    if WANTS_CHAT.search(latest_text(tracker)):
        say(dispatcher, tracker, "safety_chat", lines=lines)
    else:
        key = "safety_followup_suicide_prevention" if group == "suicide_prevention" else "safety_followup"
        say(dispatcher, tracker, key, lines=lines)
    return [SlotSet("safety_pending", False)]


def screen(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Tuple[Text, List[EventType]]]:
    """Safety for the latest message, before anything else: ``(ROUTE | CHECK | RESUME, events)``
    when it acted, None when the message is for the form."""
    intent, confidence = latest_intent(tracker)
    pending_check = tracker.get_slot("safety_check")
    if pending_check:
        if latest_text(tracker).startswith("/") and intent not in ("affirm", "deny", "signal_danger"):
            # A button of the open question instead of an answer to the check: no danger was
            # indicated, so the check is closed and the answer is read as usual.
            return CLEARED, [SlotSet("safety_check", None)]
        if intent == "signal_danger" and level_of(tracker) == ROUTE:
            return ROUTE, escalate(dispatcher, tracker, also=pending_check)
        reading = answers.yes_no(latest_text(tracker), intent, confidence, latest_semantic(tracker))
        # Only a plain no clears the check: "nee, er was niks te eten" says more than no.
        plain = len(re.findall(r"\w+", latest_text(tracker))) <= PLAIN_NO_WORDS and intent != "signal_danger"
        if reading == "no" and (plain or latest_text(tracker).startswith("/")):
            say(dispatcher, tracker, "safety_check_clear")
            return RESUME, [SlotSet("safety_check", None)]
        if reading != "yes" and intent != "signal_danger" and _answers_the_open_question(tracker):
            # Passed by with an answer to the open question ("een half jaar"): no danger was
            # indicated, so the check is closed and the answer is read as usual.
            return CLEARED, [SlotSet("safety_check", None)]
        # "ja", "weet niet", "vanavond als iedereen slaapt": safer to give the route.
        return ROUTE, escalate(dispatcher, tracker, also=pending_check)
    if intent == "signal_danger":
        if level_of(tracker) == "check":
            if len(latest_text(tracker)) > MAX_MESSAGE_CHARS:
                return None  # too long to read: asked to write it shorter, then it is screened again
            return CHECK, ask_check(dispatcher, tracker)
        return ROUTE, escalate(dispatcher, tracker)
    if tracker.get_slot("safety_pending"):
        return ROUTE, follow_up(dispatcher, tracker)
    return None


def _answers_the_open_question(tracker: Tracker) -> bool:
    """Whether the message reads as an answer to the question that was open when the check came:
    a value for a closed question, or, for an open one, words the semantic reading finds plainly
    harmless."""
    requested = tracker.get_slot("requested_slot")
    if not requested or requested not in clarification.QUESTION_ORDER:
        return False
    semantic = latest_semantic(tracker)
    if requested in intake.FREE_TEXT_SLOTS:
        return bool(semantic.get("available")) and float(semantic.get("danger", 1.0)) < PASS_BY_BELOW
    turn = clarification.read_turn(slot_values(tracker), latest_text(tracker), requested, latest_entities(tracker),
                                   None, semantic)
    return requested in turn.updates and turn.problem is None


def lines_for(tracker: Tracker) -> Text:
    """The national line(s) for what this conversation showed, as one sentence."""
    group = safety.route_group(tracker.get_slot("safety_categories") or []) or "all_lines"
    return texts.render(f"safety_line_{group}")["text"]


class ActionSafetyRoute(Action):
    def name(self) -> Text:
        return "action_safety_route"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        outcome = screen(dispatcher, tracker)
        return outcome[1] if outcome else escalate(dispatcher, tracker)
