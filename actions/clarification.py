"""The clarification form's validation action. It sees every message while the form is active;
what the message does (safety, stop, side question, answer, correction, next question) is
decided in bot/turn.py, and this action only translates: the tracker in, the outcome out. The
form never rejects a message, and a crisis message can never be swallowed as an answer."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import carry_out, message
from bot import clarification


class ValidateClarificationForm(Action):
    def name(self) -> Text:
        return "validate_clarification_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        outcome = clarification.decide_turn(
            tracker.current_slot_values(),
            message(tracker),
            form_active=tracker.active_loop.get("name") == "clarification_form",
        )
        return await carry_out(dispatcher, tracker, outcome)
