"""The clarification form's validation action. It sees every message while the form is active,
so it is where safety, stopping, side questions and corrections are handled mid-form: the form
never rejects a message, and a crisis message can never be swallowed as an answer
(shared/rasa-notes.md, "Safety must interrupt forms")."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import faq, safety
from actions.common import latest_entities, latest_intent, latest_semantic, latest_text, say, slot_values
from bot import clarification, intake, text_checks, texts

PROBLEM_RESPONSES = {
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


def _end_form(reason: Text) -> List[EventType]:
    return [SlotSet("last_input", reason), SlotSet("requested_slot", None), ActiveLoop(None)]


class ValidateClarificationForm(Action):
    def name(self) -> Text:
        return "validate_clarification_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = []
        if not tracker.get_slot("intro_shown"):
            say(dispatcher, tracker, "intro")
            events.append(SlotSet("intro_shown", True))

        intent, confidence = latest_intent(tracker)
        text = latest_text(tracker)
        requested = tracker.get_slot("requested_slot")
        if tracker.active_loop.get("name") != "clarification_form":
            requested = None  # activation: the message that started the form

        # 1. Safety first, always: the route now and the form stops; or the calm check, after
        # which the questions go on; or, just after a route, an answer in that context.
        outcome = safety.screen(dispatcher, tracker)
        if outcome and outcome[0] == safety.CLEARED:
            events += outcome[1]
            outcome = None
        if outcome:
            kind, safety_events = outcome
            if kind == safety.ROUTE:
                return events + safety_events + _end_form("safety")
            if kind == safety.CHECK:
                # The message may also answer the open question ("heel veel, ze eet niks meer"):
                # keep that answer, and ask the next question after the check.
                turn = clarification.read_turn(slot_values(tracker), text, requested, latest_entities(tracker),
                                               intent, latest_semantic(tracker))
                updates = {} if turn.problem else dict(turn.updates)
                next_slot = clarification.next_question({**slot_values(tracker), **updates})
                return events + safety_events + [SlotSet(name, value) for name, value in updates.items()] + [
                    SlotSet("last_input", "safety_check"), SlotSet("requested_slot", next_slot)]
            # The check was answered "no": go on where we were.
            events += safety_events
            next_slot = requested or clarification.next_question(slot_values(tracker))
            if next_slot:
                say(dispatcher, tracker, f"ask_{next_slot}")
            return events + [SlotSet("last_input", "safety_check_clear"), SlotSet("requested_slot", next_slot)]
        if (intent == "stop_conversation" and requested
                and text_checks.means_stop(text, requested in intake.FREE_TEXT_SLOTS)):
            say(dispatcher, tracker, "stopped")
            return events + _end_form("stopped")
        # 2. A side question: answer it, then ask the open question again.
        if requested and faq.is_side_question(intent, confidence, text, requested in intake.FREE_TEXT_SLOTS):
            await faq.answer(dispatcher, tracker, intent)
            say(dispatcher, tracker, f"ask_{requested}")
            return events + [SlotSet("last_input", f"side_question:{intent}"), SlotSet("requested_slot", requested)]

        # 3. An answer (possibly with more facts, or a correction of an earlier answer).
        slots = slot_values(tracker)
        turn = clarification.read_turn(slots, text, requested, latest_entities(tracker), intent, latest_semantic(tracker))
        updates = dict(turn.updates)
        # A message the bot cannot read (English, gibberish, ...) is explained, whatever its intent.
        unreadable_input = turn.problem in INPUT_PROBLEMS
        wants_correction = intent == "correct_answer" and confidence >= faq.MIN_CONFIDENCE and not unreadable_input
        if wants_correction and requested in updates and requested not in turn.corrected:
            # "ik wil iets aanpassen" is not the answer to the open question.
            updates.pop(requested)
        if turn.corrected:
            changed = ", ".join(f"{clarification.field(slot)['named']} is nu {clarification.shown_value(slot, updates[slot])}"
                                for slot in turn.corrected)
            say(dispatcher, tracker, "corrected", corrected=changed)
        elif wants_correction and requested:
            say(dispatcher, tracker, "correction_later")
        unreadable = int(tracker.get_slot("unreadable_count") or 0)
        if requested and turn.problem and not wants_correction:
            unreadable += 1
            if unreadable > clarification.MAX_UNREADABLE:
                updates[requested] = clarification.give_up_value(requested)
                if requested == "municipality":
                    updates["municipality_known"] = False
                say(dispatcher, tracker, "skip_question")
                unreadable = 0
            else:
                key = PROBLEM_RESPONSES.get(turn.problem, "unreadable_answer")
                # The second time, the question comes in other words again, never "kies een knop".
                again = f"{key}_again"
                say(dispatcher, tracker, again if unreadable > 1 and again in texts.keys() else key)
        elif not turn.problem:
            unreadable = 0

        next_slot = clarification.next_question({**slots, **updates})
        if next_slot:
            # The form has no utter_ask_* responses: the question is asked here, in the version
            # for the asker's role (which this very message may have told us).
            say(dispatcher, tracker, f"ask_{next_slot}", role=updates.get("referrer_role"))
        return events + [SlotSet(name, value) for name, value in updates.items()] + [
            SlotSet("summary_shown", False),
            SlotSet("unreadable_count", unreadable),
            SlotSet("last_input", "problem" if turn.problem else "answer"),
            SlotSet("requested_slot", next_slot),
        ]
