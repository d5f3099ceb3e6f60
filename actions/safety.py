"""The safety route outside the forms (action_safety_route) and after it; the decisions are made
in bot/turn.py (`screen`, `escalate`, `follow_up`), which every form's turn calls first."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import carry_out, message
from bot import turn


def lines_for(tracker: Tracker) -> Text:
    """The national line(s) for what this conversation showed, as one sentence."""
    return turn.lines_for(tracker.get_slot("safety_categories") or [])


async def escalate(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    return await carry_out(dispatcher, tracker, turn.escalate(tracker.current_slot_values(), message(tracker)))


async def follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    return await carry_out(dispatcher, tracker, turn.follow_up(tracker.current_slot_values(), message(tracker)))


class ActionSafetyRoute(Action):
    def name(self) -> Text:
        return "action_safety_route"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        slots = tracker.current_slot_values()
        screened = turn.screen(slots, message(tracker))
        outcome = screened[1] if screened else turn.escalate(slots, message(tracker))
        return await carry_out(dispatcher, tracker, outcome)
